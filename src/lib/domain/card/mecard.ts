import { normalizeCard, type Card, type Channel } from './card';
import { joinName } from './names';
import { channelFromUrl } from './profileUrls';

// MECARD (NTT docomo, still what many Japanese and Taiwanese business-card apps show):
// `MECARD:N:陳,怡君;TEL:…;EMAIL:…;URL:https\://…;;`. Fields end at an unescaped `;`, and `\;`
// `\:` `\,` `\\` stand for the character itself. N is "family,given"; SOUND is its reading.
// ORG and TITLE are not in docomo's list but are common, so they are read too.

function split(text: string, separator: string): string[] {
	const parts: string[] = [];
	let current = '';
	for (let i = 0; i < text.length; i++) {
		const character = text.charAt(i);
		if (character === '\\' && i + 1 < text.length) {
			current += character + text.charAt(++i);
		} else if (character === separator) {
			parts.push(current);
			current = '';
		} else {
			current += character;
		}
	}
	parts.push(current);
	return parts;
}

const unescape = (value: string) => value.replace(/\\([\s\S])/g, '$1').trim();

export function parseMecard(source: string): Card {
	const fields = split(source.trim().replace(/^MECARD:/i, ''), ';');
	let name = '';
	let reading = '';
	let nickname = '';
	let title = '';
	let company = '';
	const channels: Omit<Channel, 'label'>[] = [];
	for (const field of fields) {
		const colon = field.indexOf(':');
		if (colon < 0) continue;
		const key = field.slice(0, colon).trim().toUpperCase();
		const value = field.slice(colon + 1);
		switch (key) {
			case 'N': {
				const [family = '', given = ''] = split(value, ',').map(unescape);
				name ||= joinName(family, given);
				break;
			}
			case 'SOUND': {
				const [family = '', given = ''] = split(value, ',').map(unescape);
				reading ||= [family, given].filter(Boolean).join(' ');
				break;
			}
			case 'NICKNAME':
				nickname ||= unescape(value);
				break;
			case 'TITLE':
				title ||= unescape(value);
				break;
			case 'ORG':
				company ||= unescape(value);
				break;
			case 'TEL':
			case 'TEL-AV':
				channels.push({ kind: 'phone', value: unescape(value) });
				break;
			case 'EMAIL':
				channels.push({ kind: 'email', value: unescape(value) });
				break;
			case 'URL': {
				const channel = channelFromUrl(unescape(value));
				if (channel) channels.push(channel);
				break;
			}
		}
	}
	return normalizeCard({
		name,
		altName: nickname || reading,
		title,
		company,
		channels
	});
}
