// Everything decoded from a QR is untrusted: these helpers decide what text may reach the card.

// Line and paragraph breaks become spaces (a card field is one line); the rest of C0/C1 goes.
const BREAKS = /[\t\n\v\f\r\u0085\u2028\u2029]/g;
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/g;
// Invisible format characters that can reorder or hide text: bidi embeddings, overrides and
// isolates (U+202E turns "gpj.exe" around), marks, zero-width space, word joiners, BOM.
const INVISIBLE = /[\u061c\u200b\u200e\u200f\u202a-\u202e\u2060-\u206f\ufeff]/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const WHITESPACE_RUN = /\s+/g;

/** Cuts to at most `max` UTF-16 units without splitting a surrogate pair. */
export function truncate(text: string, max: number): string {
	if (text.length <= max) return text;
	const cut = /[\ud800-\udbff]/.test(text.charAt(max - 1)) ? max - 1 : max;
	return text.slice(0, cut);
}

/**
 * One clean line of text: no control or invisible format characters, no broken surrogates,
 * single spaces, NFC, trimmed, at most `max` UTF-16 units. Idempotent, so a field is valid
 * exactly when cleaning leaves it unchanged.
 */
export function cleanText(raw: string, max: number): string {
	const once = raw
		.replace(BREAKS, ' ')
		.replace(CONTROLS, '')
		.replace(INVISIBLE, '')
		.replace(LONE_SURROGATE, '')
		.normalize('NFC')
		.replace(WHITESPACE_RUN, ' ')
		.trim();
	// NFC may change the length, and cutting may expose a trailing space; a second pass settles.
	return truncate(truncate(once, max).trim().normalize('NFC'), max).trim();
}

/** True when `text` is already clean and non-empty. */
export function isCleanText(text: string, max: number): boolean {
	return text !== '' && cleanText(text, max) === text;
}

/** A link as typed or scanned, without control or invisible characters around or inside it. */
export function tidyUrl(raw: string): string {
	return raw.replace(CONTROLS, '').replace(INVISIBLE, '').trim();
}

/** Also drops every space: how a lenient browser could read a scheme hidden among them. */
export function squeezeUrl(raw: string): string {
	return tidyUrl(raw).replace(/\s/g, '');
}
