import { normalizeCard, SCAN_TEXT_MAX, type Card, type ScanFormat, type ScanResult } from './card';
import { parseMecard } from './mecard';
import { decodeCardFragment } from './payload';
import { messengerFromUrl } from './messengerUrls';
import { parseWebUrl, profileFromUrl } from './profileUrls';
import { parseVCard } from './vcard';

function found(format: ScanFormat, card: Card): ScanResult {
	return card.name === '' && card.channels.length === 0
		? { ok: false, reason: 'empty_card' }
		: { ok: true, format, card };
}

/** The fragment of one of our own card links (any origin, path /c), or null. */
function ownFragment(text: string): string | null {
	const hash = text.indexOf('#');
	if (hash < 0) return null;
	const url = parseWebUrl(text.slice(0, hash));
	return url !== null && (url.pathname === '/c' || url.pathname === '/c/') && url.search === ''
		? text.slice(hash + 1)
		: null;
}

function scan(text: string): ScanResult {
	if (text.length > SCAN_TEXT_MAX) return { ok: false, reason: 'too_long' };
	const trimmed = text.replace(/^\ufeff/, '').trim();
	if (trimmed === '') return { ok: false, reason: 'empty' };
	if (/^BEGIN:VCARD/i.test(trimmed)) return found('vcard', parseVCard(trimmed));
	if (/^MECARD:/i.test(trimmed)) return found('mecard', parseMecard(trimmed));
	const fragment = ownFragment(trimmed);
	if (fragment !== null) return decodeCardFragment(fragment);
	const profile = profileFromUrl(trimmed);
	if (profile) return found('url', normalizeCard({ name: '', channels: [profile] }));
	const messenger = messengerFromUrl(trimmed);
	if (messenger) return found('url', normalizeCard({ name: '', channels: [messenger] }));
	return { ok: false, reason: 'not_a_card' };
}

/**
 * What a scanned QR holds: one of our card links, a vCard (2.1, 3.0, 4.0), a MECARD or a bare
 * profile link. Anything else is `not_a_card`, for the UI to show as plain, copyable text.
 * Never throws; every card it returns passes `cardSchema`.
 */
export function parseScan(text: string): ScanResult {
	if (typeof text !== 'string') return { ok: false, reason: 'not_a_card' };
	try {
		return scan(text);
	} catch {
		return { ok: false, reason: 'unreadable' };
	}
}
