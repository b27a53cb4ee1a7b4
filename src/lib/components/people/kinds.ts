import type { ChannelKind } from '$lib/domain/card';
import { m } from '$lib/paraglide/messages';

/** Every kind in the order the editor offers them. */
export const kindOrder: ChannelKind[] = [
	'line',
	'phone',
	'email',
	'linkedin',
	'instagram',
	'facebook',
	'x',
	'website',
	'other'
];

export function kindLabel(kind: ChannelKind): string {
	switch (kind) {
		case 'line':
			return m.people_kind_line();
		case 'phone':
			return m.people_kind_phone();
		case 'email':
			return m.people_kind_email();
		case 'linkedin':
			return m.people_kind_linkedin();
		case 'instagram':
			return m.people_kind_instagram();
		case 'facebook':
			return m.people_kind_facebook();
		case 'x':
			return m.people_kind_x();
		case 'website':
			return m.people_kind_website();
		case 'other':
			return m.people_kind_other();
	}
}

export function kindError(kind: ChannelKind): string {
	switch (kind) {
		case 'line':
			return m.people_error_line();
		case 'phone':
			return m.people_error_phone();
		case 'email':
			return m.people_error_email();
		case 'linkedin':
			return m.people_error_linkedin();
		case 'instagram':
			return m.people_error_instagram();
		case 'facebook':
			return m.people_error_facebook();
		case 'x':
			return m.people_error_x();
		case 'website':
			return m.people_error_website();
		case 'other':
			return m.people_error_other();
	}
}
