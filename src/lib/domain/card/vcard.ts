import { foldContentLine } from '../contentLine';
import { normalizeCard, type Card, type Channel } from './card';
import { joinName, splitName } from './names';
import { channelFromUrl, lineUrl, profileFromUrl } from './profileUrls';

/*
 * We write vCard 3.0 (RFC 2426): it is the version the iOS and Android contacts apps import most
 * reliably, where 4.0 is still patchy; the escaping and folding follow RFC 6350, which 3.0
 * shares. How each field is carried, chosen so that both phones show it and our own parser
 * reads it back unchanged:
 *   name → FN, and N split family/given (陳;怡君, Chen;Amy); altName → NICKNAME; company → ORG;
 *   title → TITLE; phone → TEL (CELL for Taiwanese mobiles, else VOICE); email → EMAIL;
 *   LINE → URL of its add-friend link (line.me/ti/p/~id: a tap opens LINE, where an X-LINE or
 *   IMPP entry is dropped or dead on Android); LinkedIn, Instagram, Facebook, X, website → URL
 *   (X-SOCIALPROFILE is iOS-only); other → IMPP x-apple: with the label as X-SERVICE-TYPE, the
 *   way iOS stores custom services;
 *   a label → an `itemN.` group with X-ABLabel (iOS shows it, others ignore it).
 * Reading also accepts vCard 2.1 (bare TYPE parameters, QUOTED-PRINTABLE with any CHARSET the
 * platform can decode, e.g. Big5 from old Taiwanese phones), 4.0 (tel: URIs, quoted parameter
 * values), X-SOCIALPROFILE, IMPP, X-LINE, Android's nickname extension and iOS's phonetic names.
 */

const CRLF = '\r\n';

export function escapeText(value: string): string {
	return value.replace(/[\\,;]/g, (character) => `\\${character}`).replace(/\r\n|\r|\n/g, '\\n');
}

const TAIWAN_MOBILE = /^(?:\+8869|09)[0-9]{8}$/;
const PARAMETER_SAFE = /^[\p{L}\p{N} _.-]+$/u;

function channelLines(channel: Channel, group: string): string[] {
	const { kind, value, label } = channel;
	let line: string;
	switch (kind) {
		case 'phone':
			line = `${group}TEL;TYPE=${TAIWAN_MOBILE.test(value) ? 'CELL' : 'VOICE'}:${value}`;
			break;
		case 'email':
			line = `${group}EMAIL;TYPE=INTERNET:${escapeText(value)}`;
			break;
		case 'line':
			line = `${group}URL:${lineUrl(value)}`;
			break;
		case 'other': {
			// A label reading LINE would turn the entry into a LINE channel when read back.
			const service =
				label && PARAMETER_SAFE.test(label) && !/^line$/i.test(label)
					? `;X-SERVICE-TYPE=${label}`
					: '';
			line = `${group}IMPP${service}:x-apple:${escapeText(value)}`;
			break;
		}
		default:
			line = `${group}URL:${value}`;
	}
	return label ? [line, `${group}X-ABLabel:${escapeText(label)}`] : [line];
}

/** A vCard 3.0 (CRLF, folded, UTF-8 text) of the card, for "Save to contacts". */
export function toVCard(card: Card): string {
	return toVCardWithNote(card, undefined);
}

/**
 * The same vCard with a NOTE, for a person whose private note the owner chose to include: the
 * note is only ever written when a caller passes it.
 */
export function toVCardWithNote(card: Card, note: string | undefined): string {
	const clean = normalizeCard(card);
	const [family, given] = splitName(clean.name);
	const lines = [
		'BEGIN:VCARD',
		'VERSION:3.0',
		`N:${[family, given, '', '', ''].map(escapeText).join(';')}`,
		`FN:${escapeText(clean.name)}`
	];
	if (clean.altName) lines.push(`NICKNAME:${escapeText(clean.altName)}`);
	if (clean.company) lines.push(`ORG:${escapeText(clean.company)}`);
	if (clean.title) lines.push(`TITLE:${escapeText(clean.title)}`);
	let groups = 0;
	for (const channel of clean.channels) {
		lines.push(...channelLines(channel, channel.label ? `item${++groups}.` : ''));
	}
	const text = note?.trim();
	if (text) lines.push(`NOTE:${escapeText(text)}`);
	lines.push('END:VCARD');
	return lines.map(foldContentLine).join(CRLF) + CRLF;
}

type Property = {
	group: string;
	name: string;
	params: Map<string, string[]>;
	value: string;
};

const isSoftBroken = (line: string) =>
	line.endsWith('=') && /^[^:]*;(?:ENCODING=)?QUOTED-PRINTABLE[;:]/i.test(line);

/** Unfolds lines (CRLF, LF or CR) and joins QUOTED-PRINTABLE soft line breaks. */
function logicalLines(text: string): string[] {
	const lines: string[] = [];
	for (const raw of text.split(/\r\n|\r|\n/)) {
		const last = lines.length - 1;
		const previous = lines[last];
		if (previous !== undefined && isSoftBroken(previous)) {
			lines[last] = previous.slice(0, -1) + raw.trimStart();
		} else if (previous !== undefined && /^[ \t]/.test(raw)) {
			lines[last] = previous + raw.slice(1);
		} else {
			lines.push(raw);
		}
	}
	return lines;
}

/** Splits on `separator` where it is neither escaped with a backslash nor inside quotes. */
function splitUnescaped(text: string, separator: string, quotes = false): string[] {
	const parts: string[] = [];
	let current = '';
	let quoted = false;
	for (let i = 0; i < text.length; i++) {
		const character = text.charAt(i);
		if (character === '\\' && i + 1 < text.length && !quotes) {
			current += character + text.charAt(++i);
		} else if (character === '"' && quotes) {
			quoted = !quoted;
			current += character;
		} else if (character === separator && !quoted) {
			parts.push(current);
			current = '';
		} else {
			current += character;
		}
	}
	parts.push(current);
	return parts;
}

export function unescapeText(value: string): string {
	return value.replace(/\\([\s\S])/g, (_, character: string) =>
		character === 'n' || character === 'N' ? '\n' : character
	);
}

const encoder = new TextEncoder();

function decodeBytes(bytes: Uint8Array, charset: string): string {
	try {
		return new TextDecoder(charset).decode(bytes);
	} catch {
		return new TextDecoder().decode(bytes);
	}
}

function decodeQuotedPrintable(value: string, charset: string): string {
	const bytes: number[] = [];
	for (const [token, hex] of value.matchAll(/=([0-9A-Fa-f]{2})|=|[^=]+/g)) {
		if (hex !== undefined) bytes.push(parseInt(hex, 16));
		else if (token !== '=') bytes.push(...encoder.encode(token));
	}
	return decodeBytes(new Uint8Array(bytes), charset);
}

const BARE_ENCODINGS = /^(?:quoted-printable|base64|b|7bit|8bit)$/i;

function parseProperty(line: string): Property | null {
	const [head = '', ...rest] = splitUnescaped(line, ':', true);
	if (rest.length === 0) return null;
	const [fullName = '', ...rawParams] = splitUnescaped(head, ';', true);
	const dot = fullName.lastIndexOf('.');
	const params = new Map<string, string[]>();
	const add = (key: string, values: string[]) =>
		params.set(key, [...(params.get(key) ?? []), ...values]);
	for (const raw of rawParams) {
		const equals = raw.indexOf('=');
		if (equals < 0) {
			// vCard 2.1 writes `TEL;CELL;QUOTED-PRINTABLE:` without parameter names.
			add(BARE_ENCODINGS.test(raw) ? 'ENCODING' : 'TYPE', [raw]);
		} else {
			const values = splitUnescaped(raw.slice(equals + 1), ',', true);
			add(
				raw.slice(0, equals).trim().toUpperCase(),
				values.map((value) => value.replace(/^"|"$/g, ''))
			);
		}
	}
	const encoding = params.get('ENCODING')?.[0]?.toUpperCase();
	if (encoding === 'B' || encoding === 'BASE64') return null;
	const value = rest.join(':');
	return {
		group: dot < 0 ? '' : fullName.slice(0, dot).toLowerCase(),
		name: fullName
			.slice(dot + 1)
			.trim()
			.toUpperCase(),
		params,
		value:
			encoding === 'QUOTED-PRINTABLE'
				? decodeQuotedPrintable(value, params.get('CHARSET')?.[0] ?? 'utf-8')
				: value
	};
}

const text = (value: string) => unescapeText(value).trim();
const components = (value: string) => splitUnescaped(value, ';').map(text);
// iOS stores its built-in labels as `_$!<Mobile>!$_`: those are types, not the person's words.
const customLabel = (label: string | undefined) =>
	label === undefined || /^_\$!<.*>!\$_$/.test(label) ? undefined : label;

function typesOf(property: Property): string[] {
	return (property.params.get('TYPE') ?? []).map((type) => type.toLowerCase());
}

const SOCIAL_PROFILE_URLS: Record<string, string> = {
	linkedin: 'https://www.linkedin.com/in/',
	twitter: 'https://x.com/',
	x: 'https://x.com/',
	instagram: 'https://www.instagram.com/',
	facebook: 'https://www.facebook.com/'
};

function socialProfile(property: Property): Omit<Channel, 'label'> | null {
	const value = text(property.value).replace(/^x-apple:/i, '');
	const fromUrl = channelFromUrl(value);
	if (fromUrl) return fromUrl;
	const user = property.params.get('X-USER')?.[0] ?? value;
	const network = typesOf(property).find((type) => type in SOCIAL_PROFILE_URLS || type === 'line');
	if (network === 'line') return { kind: 'line', value: user };
	const base = network === undefined ? undefined : SOCIAL_PROFILE_URLS[network];
	return base === undefined ? null : profileFromUrl(base + encodeURIComponent(user));
}

function instantMessage(property: Property, label: string | undefined): Channel {
	const service = property.params.get('X-SERVICE-TYPE')?.[0];
	const value = text(property.value).replace(/^x-apple:/i, '');
	if (service !== undefined && /^line$/i.test(service)) {
		return { kind: 'line', value: value.replace(/^line:/i, ''), ...(label ? { label } : {}) };
	}
	const name = label ?? service;
	return { kind: 'other', value, ...(name ? { label: name } : {}) };
}

/** The first vCard in `source`, cleaned and canonicalised (channels that do not parse dropped). */
export function parseVCard(source: string): Card {
	const properties: Property[] = [];
	for (const line of logicalLines(source)) {
		const property = parseProperty(line);
		if (property?.name === 'END' && /^vcard$/i.test(property.value.trim())) break;
		if (property) properties.push(property);
	}
	const labels = new Map<string, string>();
	for (const property of properties) {
		if (property.group && property.name === 'X-ABLABEL') {
			labels.set(property.group, text(property.value));
		}
	}

	let name = '';
	let structuredName = '';
	let nickname = '';
	let phonetic = ['', ''];
	let title = '';
	let role = '';
	let company = '';
	const channels: Channel[] = [];
	for (const property of properties) {
		const label = customLabel(property.group ? labels.get(property.group) : undefined);
		const push = (channel: Omit<Channel, 'label'> | null) => {
			if (channel) channels.push(label ? { ...channel, label } : channel);
		};
		switch (property.name) {
			case 'FN':
				name ||= text(property.value);
				break;
			case 'N': {
				const [family = '', given = '', middle = ''] = components(property.value);
				structuredName ||= joinName(family, [given, middle].filter(Boolean).join(' '));
				break;
			}
			case 'NICKNAME':
				nickname ||= splitUnescaped(property.value, ',').map(text).filter(Boolean).join(', ');
				break;
			case 'X-ANDROID-CUSTOM': {
				const [type, value = ''] = components(property.value);
				if (type === 'vnd.android.cursor.item/nickname') nickname ||= value;
				break;
			}
			case 'X-PHONETIC-LAST-NAME':
				phonetic = [text(property.value), phonetic[1] ?? ''];
				break;
			case 'X-PHONETIC-FIRST-NAME':
				phonetic = [phonetic[0] ?? '', text(property.value)];
				break;
			case 'TITLE':
				title ||= text(property.value);
				break;
			case 'ROLE':
				role ||= text(property.value);
				break;
			case 'ORG':
				company ||= components(property.value).filter(Boolean).join(', ');
				break;
			case 'TEL':
				push({ kind: 'phone', value: text(property.value) });
				break;
			case 'EMAIL':
				push({ kind: 'email', value: text(property.value) });
				break;
			case 'URL':
				push(channelFromUrl(text(property.value)));
				break;
			case 'X-SOCIALPROFILE':
				push(socialProfile(property));
				break;
			case 'IMPP':
				channels.push(instantMessage(property, label));
				break;
			case 'X-LINE':
			case 'X-LINE-ID':
				push({ kind: 'line', value: text(property.value) });
				break;
		}
	}
	const [phoneticFamily = '', phoneticGiven = ''] = phonetic;
	return normalizeCard({
		name: name || structuredName,
		altName: nickname || joinName(phoneticFamily, phoneticGiven),
		title: title || role,
		company,
		channels
	});
}
