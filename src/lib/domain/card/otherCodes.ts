import { parseWebUrl } from './profileUrls';

/**
 * What a QR that is not a contact card most likely is, so the scanner can say something kinder
 * than "not a card": the venue's Wi-Fi, an event ticket or check-in code, some other link, or
 * plain text.
 */
export type OtherCode = 'wifi' | 'ticket' | 'link' | 'text';

/** Ticketing and check-in services people in Taiwan meet at events. */
const TICKET_HOSTS = [
	'kktix.com',
	'kktix.cc',
	'accupass.com',
	'tixcraft.com',
	'ibon.com.tw',
	'eventbrite.com',
	'lu.ma',
	'luma.com',
	'tito.io',
	'ti.to',
	'pretix.eu'
];

/** An opaque code (letters, digits, dashes; at least one digit): what ticket QRs hold. */
const TICKET_CODE = /^(?=[^\s]*[0-9])[A-Za-z0-9_-]{8,64}$/;

export function otherCodeKind(text: string): OtherCode {
	const trimmed = text.trim();
	if (/^WIFI:/i.test(trimmed)) return 'wifi';
	if (TICKET_CODE.test(trimmed)) return 'ticket';
	const url = parseWebUrl(trimmed);
	if (url === null) return 'text';
	const host = url.hostname.toLowerCase();
	const ticket = TICKET_HOSTS.some((domain) => host === domain || host.endsWith(`.${domain}`));
	return ticket || /\b(ticket|tickets|checkin|check-in)\b/i.test(url.pathname) ? 'ticket' : 'link';
}
