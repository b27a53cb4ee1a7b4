import type { Card, ChannelKind } from './card';
import { cleanText } from './card/text';
import { emptyDraft, sharedCard, validateCardDraft, type CardErrors } from './profile';

// The guest's form on the card page: what they type, checked by the card editor's rules, becomes
// the card and the message that go to the QR's owner (docs/sync.md, "A guest without the app").

export const SEND_BACK_CHANNELS_MAX = 3;
/** As `send_card_back` accepts it. */
export const SEND_BACK_MESSAGE_MAX = 280;

export interface SendBackChannel {
	id: string;
	kind: ChannelKind;
	value: string;
}

export interface SendBackInput {
	name: string;
	/** Rows left empty are skipped. */
	channels: SendBackChannel[];
	message: string;
}

export interface SendBackErrors extends CardErrors {
	message?: { code: 'too_long'; max: number };
}

export type SendBackCheck =
	{ ok: true; card: Card; message: string | null } | { ok: false; errors: SendBackErrors };

/** The card and message to send, or every problem with the form as codes the UI translates. */
export function checkSendBack(input: SendBackInput): SendBackCheck {
	const channels = input.channels
		.filter((channel) => channel.value.trim() !== '')
		.slice(0, SEND_BACK_CHANNELS_MAX)
		.map((channel) => ({ ...channel, label: '', shared: true }));
	const result = validateCardDraft({ ...emptyDraft(), name: input.name, channels });
	const errors: SendBackErrors = result.ok ? { fields: {}, channels: {} } : result.errors;
	// Measured before cleaning, so a pasted novel is refused rather than quietly cut.
	if (input.message.trim().length > SEND_BACK_MESSAGE_MAX) {
		errors.message = { code: 'too_long', max: SEND_BACK_MESSAGE_MAX };
	}
	if (!result.ok || errors.message) return { ok: false, errors };
	return {
		ok: true,
		card: sharedCard(result.profile),
		message: cleanText(input.message, SEND_BACK_MESSAGE_MAX) || null
	};
}

/**
 * Whether the name on the link's card is the name the server holds for the token's owner, as
 * `send_card_back` compares them. A forged link can show one person's card with another person's
 * token; then nothing is sent.
 */
export function sameOwner(shownName: string, ownerName: string | null): boolean {
	if (ownerName === null) return false;
	const shown = cleanText(shownName, 100);
	return shown !== '' && shown === cleanText(ownerName, 100);
}

export type SendBackUnavailable = 'no_backend' | 'invalid' | 'expired' | 'revoked' | 'full';

export type SendBackPhase =
	| { phase: 'checking' }
	/** No form: the page says why in one sentence. */
	| { phase: 'unavailable'; reason: SendBackUnavailable }
	/** The link shows one person's card but carries someone else's token: nothing is sent. */
	| { phase: 'mismatch'; ownerName: string | null }
	/** `verified` is false when the server could not be asked who owns the token (offline). */
	| { phase: 'ready'; verified: boolean }
	| { phase: 'sending' }
	/** Kept in this browser, to be sent once online. */
	| { phase: 'queued' }
	/** `later`: it had been kept offline and went out once the browser was back online. */
	| { phase: 'sent'; later: boolean }
	| { phase: 'refused'; code: string };
