import type { ChannelKind } from '$lib/domain/card/kinds';
import type { ChannelError, FieldError } from '$lib/domain/profile';
import { m } from '$lib/paraglide/messages';

// Typing a card's fields and channels, in the reader's language: the hint and keyboard for each
// kind, and what is wrong with a value that does not fit.

export const kindHint: Record<ChannelKind, () => string> = {
	line: m.card_hint_line,
	phone: m.card_hint_phone,
	email: m.card_hint_email,
	linkedin: m.card_hint_linkedin,
	instagram: m.card_hint_instagram,
	facebook: m.card_hint_facebook,
	x: m.card_hint_x,
	website: m.card_hint_website,
	other: m.card_hint_other
};

/** What a value that does not fit its kind should look like. */
export const kindError: Record<ChannelKind, () => string> = {
	line: m.card_error_invalid_line,
	phone: m.card_error_invalid_phone,
	email: m.card_error_invalid_email,
	linkedin: m.card_error_invalid_linkedin,
	instagram: m.card_error_invalid_instagram,
	facebook: m.card_error_invalid_facebook,
	x: m.card_error_invalid_x,
	website: m.card_error_invalid_website,
	other: m.card_error_invalid_other
};

/** How each kind is typed on a phone keyboard. */
export const kindInput: Record<ChannelKind, { type: string; autocomplete?: AutoFill }> = {
	line: { type: 'text', autocomplete: 'off' },
	phone: { type: 'tel', autocomplete: 'tel' },
	email: { type: 'email', autocomplete: 'email' },
	linkedin: { type: 'url', autocomplete: 'off' },
	instagram: { type: 'url', autocomplete: 'off' },
	facebook: { type: 'url', autocomplete: 'off' },
	x: { type: 'url', autocomplete: 'off' },
	website: { type: 'url', autocomplete: 'off' },
	other: { type: 'text', autocomplete: 'off' }
};

export function fieldErrorText(error: FieldError | undefined): string | null {
	if (!error) return null;
	return error.code === 'required'
		? m.card_error_name_required()
		: m.card_error_too_long({ max: error.max });
}

export function channelErrorText(error: ChannelError): string {
	switch (error.code) {
		case 'required':
			return m.card_error_value_required();
		case 'too_long':
			return m.card_error_too_long({ max: error.max });
		case 'label_required':
			return m.card_error_label_required();
		default:
			return kindError[error.code.slice('invalid_'.length) as ChannelKind]();
	}
}
