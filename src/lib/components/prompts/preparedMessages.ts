import type { PreparedListError } from '$lib/domain/prompts/deck';
import { m } from '$lib/paraglide/messages';

/** A "prepare for this event" problem in the reader's language. */
export function preparedErrorText(error: PreparedListError): string {
	switch (error.code) {
		case 'too_few':
			return m.prompts_prepare_too_few({
				missing: error.min - error.count,
				count: error.count,
				min: error.min
			});
		case 'too_many':
			return m.prompts_prepare_error_too_many({ max: error.max });
		case 'duplicate_id':
			return m.prompts_prepare_error_duplicate();
		case 'unknown_id':
			return m.prompts_prepare_error_unknown();
		case 'custom_empty':
			return m.prompts_prepare_error_custom_empty();
		case 'custom_too_long':
			return m.prompts_prepare_error_custom_too_long({ max: error.max });
		case 'custom_duplicate':
			return m.prompts_prepare_error_custom_duplicate();
	}
}
