import {
	CARD_TEXT_MAX,
	channelKinds,
	CHANNELS_MAX,
	LABEL_MAX,
	readCard,
	OTHER_VALUE_MAX,
	SCAN_TEXT_MAX,
	type Card,
	type Channel,
	type ChannelKind,
	type ScanResult
} from './card';
import { splitExchangeToken } from './exchange';
import { URL_MAX } from './profileUrls';

/*
 * The card in the QR link: `<origin>/c#1<body><check>`.
 *
 * - `1` is the payload version; a link that starts with a higher digit (2–9) and is otherwise
 *   made of the same alphabet is a future format. Anything else is a damaged link, never
 *   "from a newer version": that would send someone to update an app that cannot help them.
 * - `<body>` is one big number in base64url (A–Z a–z 0–9 - _, most significant digit first),
 *   so the link is plain ASCII that every camera app keeps intact and no %-escape is needed.
 * - `<check>` is 3 base64url digits: 18 bits of FNV-1a over `1<body>`, so a damaged or edited
 *   link is refused instead of showing someone a wrong phone number.
 *
 * The number is a mixed-radix sequence of symbols, each read with a known radix (value =
 * s0 + r0·(s1 + r1·(s2 + …))): an arithmetic code with uniform choices, so no symbol wastes the
 * fraction of a bit that fixed-width fields would. In order:
 *   has altName, has title, has company (radix 2 each); name; [altName]; [title]; [company];
 *   per channel: kind (radix 10: 0 ends the list, else 1 + index in channelKinds), has label
 *   (radix 2), form (see PREFIXES), value, [label].
 * Text is its length in code points (radix 32, 31 = longer: 31 + radix 1024), the first
 * character class (radix 4), then per character its index in the current class, or a switch
 * to another class followed by the index there. The classes are shaped for Taiwanese cards:
 * handles and addresses (a–z 0–9 . - _ @, 5.4 bits a character), printable ASCII (6.6 bits), CJK
 * with its punctuation, kana, bopomofo and full-width forms (14.4 bits where UTF-8 in base64
 * costs 24), and any code point. The encoder picks the cheapest class path (Viterbi).
 * A phone is a + flag (radix 2), a digit count (radix 21) and its digits (radix 10).
 * Profile URLs drop the prefix their kind implies (`https://www.linkedin.com/in/`, …).
 *
 * The reference card (reference.ts) makes a 135-byte link: a version 8 QR at level M, where its
 * vCard needs version 13. A fixed table of frequent Chinese characters could save about 2 bits
 * each, but would cost the bundle far more than the link gains; uqr encodes the whole link in
 * byte mode (`#` is not in QR's alphanumeric set), so an upper-case alphabet would not help.
 */

export const VERSION = '1';
const DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const CHECK_DIGITS = 3;
const CHECK_BITS = 6 * CHECK_DIGITS;
/** A later version's link: its version digit, then at least a body digit and the check digits. */
const FUTURE_LINK = new RegExp(`^[2-9][A-Za-z0-9_-]{${CHECK_DIGITS + 1},}$`);

export const PREFIXES: Record<ChannelKind, readonly string[]> = {
	line: ['https://line.me/ti/p/', 'https://lin.ee/'],
	phone: [],
	email: [],
	linkedin: ['https://www.linkedin.com/in/'],
	instagram: ['https://www.instagram.com/'],
	facebook: ['https://www.facebook.com/'],
	x: ['https://x.com/', 'https://www.threads.com/'],
	website: ['https://www.', 'https://'],
	other: []
};

type CharClass = {
	size: number;
	indexOf(codePoint: number): number;
	codePoint(index: number): number;
};

function listClass(characters: string): CharClass {
	return {
		size: characters.length,
		indexOf: (codePoint) => characters.indexOf(String.fromCodePoint(codePoint)),
		codePoint: (index) => characters.charCodeAt(index)
	};
}

function rangesClass(ranges: readonly (readonly [number, number])[]): CharClass {
	const size = ranges.reduce((sum, [first, last]) => sum + last - first + 1, 0);
	return {
		size,
		indexOf(codePoint) {
			let offset = 0;
			for (const [first, last] of ranges) {
				if (codePoint >= first && codePoint <= last) return offset + codePoint - first;
				offset += last - first + 1;
			}
			return -1;
		},
		codePoint(index) {
			let rest = index;
			for (const [first, last] of ranges) {
				if (rest <= last - first) return first + rest;
				rest -= last - first + 1;
			}
			throw new PayloadError();
		}
	};
}

export const CLASSES: readonly CharClass[] = [
	listClass('abcdefghijklmnopqrstuvwxyz0123456789.-_@'),
	rangesClass([[0x20, 0x7e]]),
	rangesClass([
		[0x3000, 0x312f],
		[0x4e00, 0x9fff],
		[0xff00, 0xffef]
	]),
	rangesClass([[0, 0x10ffff]])
];
// In a class, the symbols after its own characters switch to each other class in turn.
export const radixOf = (state: number) => (CLASSES[state]?.size ?? 0) + CLASSES.length - 1;
export const classAt = (state: number): CharClass => CLASSES[state] ?? CLASSES[CLASSES.length - 1]!;

class PayloadError extends Error {}

class SymbolReader {
	constructor(private rest: bigint) {}

	read(radix: number): number {
		const big = BigInt(radix);
		const value = Number(this.rest % big);
		this.rest /= big;
		return value;
	}

	get exhausted(): boolean {
		return this.rest === 0n;
	}
}

function readLength(reader: SymbolReader, max: number): number {
	const short = reader.read(32);
	const length = short < 31 ? short : 31 + reader.read(1024);
	if (length > max) throw new PayloadError();
	return length;
}

function readText(reader: SymbolReader, max: number): string {
	const length = readLength(reader, max);
	if (length === 0) return '';
	let state = reader.read(CLASSES.length);
	let text = '';
	for (let i = 0; i < length; i++) {
		const symbol = reader.read(radixOf(state));
		const size = classAt(state).size;
		if (symbol < size) {
			text += String.fromCodePoint(classAt(state).codePoint(symbol));
		} else {
			const switchIndex = symbol - size;
			state = switchIndex < state ? switchIndex : switchIndex + 1;
			text += String.fromCodePoint(classAt(state).codePoint(reader.read(classAt(state).size)));
		}
	}
	return text;
}

function readChannel(reader: SymbolReader, kind: ChannelKind): Channel {
	const hasLabel = reader.read(2) === 1;
	let value: string;
	if (kind === 'phone') {
		const plus = reader.read(2) === 1 ? '+' : '';
		const count = reader.read(21);
		let digits = '';
		for (let i = 0; i < count; i++) digits += String(reader.read(10));
		value = plus + digits;
	} else {
		const prefixes = PREFIXES[kind];
		const form = reader.read(prefixes.length + 1);
		value = (prefixes[form] ?? '') + readText(reader, Math.max(URL_MAX, OTHER_VALUE_MAX));
	}
	return hasLabel ? { kind, value, label: readText(reader, LABEL_MAX) } : { kind, value };
}

export function toDigits(number: bigint): string {
	let digits = '';
	let rest = number;
	do {
		digits = DIGITS.charAt(Number(rest & 63n)) + digits;
		rest >>= 6n;
	} while (rest > 0n);
	return digits;
}

function fromDigits(digits: string): bigint {
	let number = 0n;
	for (const digit of digits) number = (number << 6n) | BigInt(DIGITS.indexOf(digit));
	return number;
}

/** The check digits of `1<body>`; exported for the fuzz test, which forges them. */
export function checkDigits(text: string): string {
	let hash = 0x811c9dc5;
	for (let i = 0; i < text.length; i++) {
		hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
	}
	const folded = (hash ^ (hash >>> CHECK_BITS)) & ((1 << CHECK_BITS) - 1);
	return toDigits(BigInt(folded)).padStart(CHECK_DIGITS, DIGITS.charAt(0));
}

function decodePayload(body: string): Card {
	const reader = new SymbolReader(fromDigits(body));
	const [hasAltName, hasTitle, hasCompany] = [reader.read(2), reader.read(2), reader.read(2)];
	const card: Card = { name: readText(reader, CARD_TEXT_MAX.name), channels: [] };
	if (hasAltName) card.altName = readText(reader, CARD_TEXT_MAX.altName);
	if (hasTitle) card.title = readText(reader, CARD_TEXT_MAX.title);
	if (hasCompany) card.company = readText(reader, CARD_TEXT_MAX.company);
	for (;;) {
		const kind = reader.read(channelKinds.length + 1);
		if (kind === 0) break;
		if (card.channels.length === CHANNELS_MAX) throw new PayloadError();
		card.channels.push(readChannel(reader, channelKinds[kind - 1] ?? 'other'));
	}
	if (!reader.exhausted) throw new PayloadError();
	return card;
}

/**
 * The card in the fragment of a `/c` link (with or without its `#`, with or without an exchange
 * token after it). Never throws.
 */
export function decodeCardFragment(fragment: string): ScanResult {
	const payload = splitExchangeToken(fragment.startsWith('#') ? fragment.slice(1) : fragment).card;
	if (payload === '') return { ok: false, reason: 'empty' };
	if (payload.length > SCAN_TEXT_MAX) return { ok: false, reason: 'too_long' };
	if (!payload.startsWith(VERSION)) {
		return { ok: false, reason: FUTURE_LINK.test(payload) ? 'unsupported_version' : 'broken_link' };
	}
	const versioned = payload.slice(0, -CHECK_DIGITS);
	const body = versioned.slice(VERSION.length);
	if (!/^[A-Za-z0-9_-]+$/.test(body) || checkDigits(versioned) !== payload.slice(-CHECK_DIGITS)) {
		return { ok: false, reason: 'broken_link' };
	}
	try {
		const card = readCard(decodePayload(body));
		return card ? { ok: true, format: 'rapport', card } : { ok: false, reason: 'broken_link' };
	} catch (error) {
		// A payload that passed its check but still does not decode is tampered with or made by a
		// broken encoder; anything else is a bug here, reported as such rather than thrown.
		return { ok: false, reason: error instanceof PayloadError ? 'broken_link' : 'unreadable' };
	}
}
