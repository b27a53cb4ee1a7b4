import { describe, expect, it } from 'vitest';
import { encodeCardUrl } from './payloadEncode';
import { referenceCard, referenceOrigin } from './reference';
import { parseScan } from './scan';
import { toVCard } from './vcard';

describe('parseScan', () => {
	it('reads our own link from any origin', () => {
		const url = encodeCardUrl(referenceCard, 'https://rapport.example');
		const elsewhere = url.replace(referenceOrigin, 'https://staging.rapport.app:8443');
		for (const link of [url, elsewhere, ` ${url}\r\n`, url.replace('/c#', '/c/#')]) {
			expect(parseScan(link)).toStrictEqual({ ok: true, format: 'rapport', card: referenceCard });
		}
	});

	it('refuses a tampered or truncated link of ours as broken, not as plain text', () => {
		const url = encodeCardUrl(referenceCard, referenceOrigin);
		const at = url.length - 20;
		const flipped = url.slice(0, at) + (url[at] === 'A' ? 'B' : 'A') + url.slice(at + 1);
		expect(parseScan(flipped)).toStrictEqual({ ok: false, reason: 'broken_link' });
		expect(parseScan(url.slice(0, -5))).toStrictEqual({ ok: false, reason: 'broken_link' });
		expect(parseScan(`${referenceOrigin}/c#9zzzz`)).toStrictEqual({
			ok: false,
			reason: 'unsupported_version'
		});
	});

	it('reads the LinkedIn app QR as a card with only that channel', () => {
		expect(
			parseScan(
				'https://www.linkedin.com/in/yijun-chen?utm_source=share&utm_campaign=share_via&utm_content=profile&utm_medium=android_app'
			)
		).toStrictEqual({
			ok: true,
			format: 'url',
			card: {
				name: '',
				channels: [{ kind: 'linkedin', value: 'https://www.linkedin.com/in/yijun-chen' }]
			}
		});
	});

	it('reads LINE, Instagram, Facebook and X profile QRs', () => {
		const channelOf = (text: string) => {
			const result = parseScan(text);
			return result.ok && result.format === 'url' ? result.card.channels : result;
		};
		expect(channelOf('https://line.me/ti/p/~yijun_chen')).toStrictEqual([
			{ kind: 'line', value: 'yijun_chen' }
		]);
		expect(channelOf('https://line.me/R/ti/p/~yijun_chen')).toStrictEqual([
			{ kind: 'line', value: 'yijun_chen' }
		]);
		expect(channelOf('https://www.instagram.com/yijun.chen?utm_source=qr')).toStrictEqual([
			{ kind: 'instagram', value: 'https://www.instagram.com/yijun.chen' }
		]);
		expect(channelOf('https://www.facebook.com/yijun.chen')).toStrictEqual([
			{ kind: 'facebook', value: 'https://www.facebook.com/yijun.chen' }
		]);
		expect(channelOf('https://twitter.com/yijunchen')).toStrictEqual([
			{ kind: 'x', value: 'https://x.com/yijunchen' }
		]);
	});

	it.each([
		'WIFI:T:WPA;S:COSCUP-2026;P:open sesame;H:false;;',
		'Hello! Find me at booth 12.',
		'https://coscup.org/2026/',
		'https://rapport.example/about',
		'tel:+886912345678',
		'javascript:alert(document.cookie)',
		'BEGIN:VEVENT\r\nSUMMARY:Meetup\r\nEND:VEVENT',
		'MATMSG:TO:amy@example.com;SUB:Hi;;'
	])('does not take %j for a card', (text) => {
		expect(parseScan(text)).toStrictEqual({ ok: false, reason: 'not_a_card' });
	});

	it.each([
		['https://wa.me/886912345678', 'https://wa.me/886912345678', 'WhatsApp'],
		['https://api.whatsapp.com/send?phone=+886912345678', 'https://wa.me/886912345678', 'WhatsApp'],
		['https://u.wechat.com/MGt3X2Z8aAbC', 'https://u.wechat.com/MGt3X2Z8aAbC', 'WeChat'],
		['http://weixin.qq.com/r/Jz8aBcDeFg', 'https://weixin.qq.com/r/Jz8aBcDeFg', 'WeChat']
	])('keeps the messenger link %j as a link named after the app', (text, value, label) => {
		expect(parseScan(text)).toStrictEqual({
			ok: true,
			format: 'url',
			card: { name: '', channels: [{ kind: 'other', value, label }] }
		});
	});

	it('refuses more than 4,096 characters before parsing anything', () => {
		const vcard = toVCard(referenceCard).replace('END:VCARD', 'NOTE:x\r\nEND:VCARD');
		const padding = 'NOTE:'.padEnd(70, 'x') + '\r\n';
		const long = vcard.replace('END:VCARD', padding.repeat(60) + 'END:VCARD');
		expect(long.length).toBeGreaterThan(4096);
		expect(parseScan(long)).toStrictEqual({ ok: false, reason: 'too_long' });
		expect(parseScan(`${' '.repeat(4096 - vcard.length)}${vcard}`)).toMatchObject({ ok: true });
		expect(parseScan(' '.repeat(4097))).toStrictEqual({ ok: false, reason: 'too_long' });
	});

	it('calls blank input empty and never throws on non-strings', () => {
		expect(parseScan('')).toStrictEqual({ ok: false, reason: 'empty' });
		expect(parseScan(' \r\n\t\ufeff')).toStrictEqual({ ok: false, reason: 'empty' });
		expect(parseScan(undefined as unknown as string)).toStrictEqual({
			ok: false,
			reason: 'not_a_card'
		});
	});
});
