/*
 * With sync on, my QR link also carries a short-lived exchange token after the card payload:
 * `<origin>/c#1<body><check>.<token>` (docs/sync.md). Whoever scans it sends their own card to
 * the server with the token, and it becomes a connection in my app. The token lives in the
 * fragment, so like the card it never reaches a web server.
 *
 * `.` is outside the payload's base64url alphabet, so the two parts never blur: a link without a
 * token is the plain card link, and a suffix that is not a well-formed token leaves the link
 * as it was, for the card decoder to refuse as damaged rather than guess.
 */

/**
 * While my QR is on screen, the app pulls this often, so a card sent back through it shows within
 * seconds (docs/sync.md, "Hearing of it while the QR is on screen"). The bench reads it too.
 */
export const ARRIVAL_PULL_MS = 2_000;

/** 128 random bits in base64url without padding, as `create_exchange_token` makes them. */
const TOKEN = /^[A-Za-z0-9_-]{22}$/;
const SEPARATOR = '.';

export function isExchangeToken(value: string): boolean {
	return TOKEN.test(value);
}

/** My card link with the token appended; throws on a token the server could not have made. */
export function withExchangeToken(url: string, token: string): string {
	if (!isExchangeToken(token)) throw new Error('Not an exchange token');
	if (!url.includes('#')) throw new Error('Not a card link');
	return `${splitExchangeToken(url).card}${SEPARATOR}${token}`;
}

export interface ExchangeLink {
	/** The input without its token: a card link, or a fragment, as it was given. */
	card: string;
	token: string | null;
}

/**
 * Separates the token from a card link, or from its fragment (with or without `#`). The dot is
 * looked for only in the fragment, since the origin has dots of its own; a link without a
 * fragment has no token.
 */
export function splitExchangeToken(fragmentOrUrl: string): ExchangeLink {
	const hash = fragmentOrUrl.indexOf('#');
	const dot = fragmentOrUrl.lastIndexOf(SEPARATOR);
	const inFragment = hash >= 0 ? dot > hash : !fragmentOrUrl.includes('/');
	if (dot < 0 || !inFragment) return { card: fragmentOrUrl, token: null };
	const token = fragmentOrUrl.slice(dot + 1);
	return isExchangeToken(token)
		? { card: fragmentOrUrl.slice(0, dot), token }
		: { card: fragmentOrUrl, token: null };
}
