import { channelFromUrl, LINE_ID, profileFromUrl, URL_MAX } from './profileUrls';
import { cleanText, isCleanText, tidyUrl } from './text';

import { channelKinds, type ChannelKind } from './kinds';

export { channelKinds, type ChannelKind };

/** `value` is canonical per kind: see `normalizeChannel`. `label` is what the person called it. */
export type Channel = { kind: ChannelKind; value: string; label?: string };

/** `name` is '' only for a card made from a bare profile link. */
export type Card = {
	name: string;
	altName?: string;
	title?: string;
	company?: string;
	channels: Channel[];
};

// The same caps as the stored profile, so whatever the editor accepts also fits a card.
export const CARD_TEXT_MAX = { name: 100, altName: 100, title: 100, company: 120 } as const;
export const LABEL_MAX = 40;
export const OTHER_VALUE_MAX = 300;
export const CHANNELS_MAX = 20;
const EMAIL_MAX = 254;

// Deliberately loose (no one is refused a real address), but nothing that could break out of a
// mailto: link or a vCard line.
const EMAIL = /^[^\s@<>()[\]\\,;:"?#/]+@[^\s@<>()[\]\\,;:"?#/.]+(?:\.[^\s@<>()[\]\\,;:"?#/.]+)+$/;
const PHONE_EXTENSION = /(?:;ext=|#|,|ext\.?|x(?=\s*\d)|分機|轉).*$/i;
// "+886 (0)2 …": the bracketed trunk prefix is dialled only from inside the country.
const TRUNK_PREFIX = /^(\+[0-9]{1,3})\s*\(0\)/;

function normalizePhone(raw: string): string | null {
	const text = raw
		.normalize('NFKC')
		.replace(/^\s*tel:/i, '')
		.replace(PHONE_EXTENSION, '')
		.trim()
		.replace(TRUNK_PREFIX, '$1');
	if (!/^\+?[0-9\s()./-]+$/.test(text)) return null;
	const digits = text.replace(/\D/g, '');
	if (digits.length < 3 || digits.length > 20) return null;
	return (text.startsWith('+') ? '+' : '') + digits;
}

function normalizeEmail(raw: string): string | null {
	const text = tidyUrl(raw).replace(/^mailto:/i, '');
	return text.length <= EMAIL_MAX && EMAIL.test(text) ? text : null;
}

function normalizeLine(raw: string): string | null {
	if (/^(?:https?:|line:|(?:www\.)?line\.me\/|lin\.ee\/)/i.test(tidyUrl(raw))) {
		const profile = profileFromUrl(raw);
		return profile?.kind === 'line' ? profile.value : null;
	}
	const id = cleanText(raw, 40).toLowerCase();
	return LINE_ID.test(id) ? id : null;
}

// A bare username typed into an Instagram or X field, as people give it ("@amy.chen").
const HANDLE_URLS: Partial<Record<ChannelKind, { pattern: RegExp; base: string }>> = {
	instagram: { pattern: /^@?([A-Za-z0-9._]{1,30})$/, base: 'https://www.instagram.com/' },
	x: { pattern: /^@?([A-Za-z0-9_]{1,15})$/, base: 'https://x.com/' }
};

function profileFromHandle(channel: Channel): ReturnType<typeof profileFromUrl> {
	const rule = HANDLE_URLS[channel.kind];
	const handle = rule?.pattern.exec(cleanText(channel.value, 40))?.[1];
	// Through the link parser, so a handle obeys the same reserved names as a pasted link.
	return rule && handle ? profileFromUrl(rule.base + handle) : null;
}

/**
 * The canonical form of a channel, or null when its value is not usable for its kind: phone
 * keeps digits and a leading +; email is an address; LINE is the ID (or a line.me link when the
 * person shared a QR link rather than an ID); LinkedIn, Instagram, Facebook and X are canonical
 * https profile URLs (Instagram and X also from a bare @username); a website that is really a profile on one of those networks becomes that
 * kind. Labels and other values are cleaned text.
 */
export function normalizeChannel(channel: Channel): Channel | null {
	const label = cleanText(channel.label ?? '', LABEL_MAX);
	const withLabel = (kind: ChannelKind, value: string | null): Channel | null =>
		value === null ? null : { kind, value, ...(label ? { label } : {}) };
	switch (channel.kind) {
		case 'phone':
			return withLabel('phone', normalizePhone(channel.value));
		case 'email':
			return withLabel('email', normalizeEmail(channel.value));
		case 'line':
			return withLabel('line', normalizeLine(channel.value));
		case 'website': {
			const match = channelFromUrl(channel.value);
			return match ? withLabel(match.kind, match.value) : null;
		}
		case 'other': {
			const value = cleanText(channel.value, OTHER_VALUE_MAX);
			return withLabel('other', value || null);
		}
		default: {
			const match = profileFromUrl(channel.value) ?? profileFromHandle(channel);
			return withLabel(channel.kind, match?.kind === channel.kind ? match.value : null);
		}
	}
}

/** The same channel given twice (a vCard with a LINE ID in both URL and IMPP) is kept once. */
function withoutRepeats(channels: Channel[]): Channel[] {
	const seen = new Set<string>();
	return channels.filter(({ kind, value }) => {
		const key = `${kind}:${value}`;
		if (seen.has(key)) return false;
		seen.add(key);
		return true;
	});
}

/**
 * Cleans every field and canonicalises every channel, dropping the channels that are not usable,
 * repeats and anything beyond the caps. Idempotent: a card is valid exactly when this leaves it as it is
 * (and it has a name or a channel).
 */
export function normalizeCard(card: Card): Card {
	const optional = (field: 'altName' | 'title' | 'company') => {
		const value = cleanText(card[field] ?? '', CARD_TEXT_MAX[field]);
		return value ? { [field]: value } : {};
	};
	const channels = withoutRepeats(
		card.channels.map(normalizeChannel).filter((channel): channel is Channel => channel !== null)
	).slice(0, CHANNELS_MAX);
	return {
		name: cleanText(card.name, CARD_TEXT_MAX.name),
		...optional('altName'),
		...optional('title'),
		...optional('company'),
		channels
	};
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

const optionalFields = ['altName', 'title', 'company'] as const;

function readChannel(raw: unknown): Channel | null {
	if (!isRecord(raw)) return null;
	const { kind, value, label } = raw;
	if (typeof kind !== 'string' || !(channelKinds as readonly string[]).includes(kind)) return null;
	if (typeof value !== 'string' || value.length > URL_MAX) return null;
	if (label !== undefined && (typeof label !== 'string' || !isCleanText(label, LABEL_MAX))) {
		return null;
	}
	const channel: Channel = {
		kind: kind as ChannelKind,
		value,
		...(label === undefined ? {} : { label })
	};
	const normal = normalizeChannel(channel);
	return normal !== null && normal.kind === channel.kind && normal.value === channel.value
		? channel
		: null;
}

/**
 * The card `raw` is, when it is a valid one (exactly what `cardSchema` accepts), else null. Checked
 * by hand: the card page a guest opens reads a card, and zod would be most of what it loads.
 */
export function readCard(raw: unknown): Card | null {
	if (!isRecord(raw)) return null;
	const { name, channels } = raw;
	if (typeof name !== 'string' || (name !== '' && !isCleanText(name, CARD_TEXT_MAX.name))) {
		return null;
	}
	if (!Array.isArray(channels) || channels.length > CHANNELS_MAX) return null;
	const card: Card = { name, channels: [] };
	for (const field of optionalFields) {
		const value = raw[field];
		if (value === undefined) continue;
		if (typeof value !== 'string' || !isCleanText(value, CARD_TEXT_MAX[field])) return null;
		card[field] = value;
	}
	for (const entry of channels) {
		const channel = readChannel(entry);
		if (channel === null) return null;
		card.channels.push(channel);
	}
	return card.name !== '' || card.channels.length > 0 ? card : null;
}

/** Longer scans are refused before any parsing: no card needs more, and it bounds the work. */
export const SCAN_TEXT_MAX = 4096;

export type ScanFormat = 'rapport' | 'vcard' | 'mecard' | 'url';

/**
 * `reason` is a stable code the UI translates: `empty`, `too_long`, `not_a_card` (show the text
 * as plain text), `broken_link` (our link, damaged or tampered), `unsupported_version` (a link
 * from a newer app), `empty_card` (a contact format with nothing usable in it), `unreadable`
 * (the decoder failed unexpectedly; a bug, never expected).
 */
export type ScanResult =
	{ ok: true; format: ScanFormat; card: Card } | { ok: false; reason: ScanFailure };
export type ScanFailure =
	| 'empty'
	| 'too_long'
	| 'not_a_card'
	| 'broken_link'
	| 'unsupported_version'
	| 'empty_card'
	| 'unreadable';
