import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validCardArbitrary } from './arbitraries';
import type { Card } from './card';
import { cardSchema } from './schema';
import { decodeCardFragment } from './payload';
import { encodeCardUrl } from './payloadEncode';
import { qrVersionFor } from './qr';
import { referenceCard, referenceOrigin } from './reference';
import { parseScan } from './scan';
import { toVCard } from './vcard';

// What a stock camera app keeps in a link: unreserved characters, plus the URL's own : / #.
const PLAIN_URL = /^https:\/\/[A-Za-z0-9.-]+\/c#[A-Za-z0-9_-]+$/;

describe('the QR link of the reference card (the bar)', () => {
	const url = encodeCardUrl(referenceCard, referenceOrigin);

	it('fits a version 9 QR at error correction M, where its vCard does not', () => {
		expect(qrVersionFor(url)).toBeLessThanOrEqual(9);
		expect(qrVersionFor(url)).toBe(8);
		expect(url.length).toBe(135);
		expect(qrVersionFor(toVCard(referenceCard))).toBe(13);
	});

	it('is plain URL-safe ASCII: no %-escapes, no + / = in the fragment', () => {
		expect(url).toMatch(PLAIN_URL);
		expect(url.startsWith('https://rapport.example/c#1')).toBe(true);
	});

	it('decodes to the same card', () => {
		expect(parseScan(url)).toStrictEqual({ ok: true, format: 'rapport', card: referenceCard });
	});
});

describe('encodeCardUrl', () => {
	it('carries an http website as http', () => {
		const card: Card = {
			name: '林志明',
			channels: [{ kind: 'website', value: 'http://old-site.example.com.tw/about' }]
		};
		expect(parseScan(encodeCardUrl(card, referenceOrigin))).toStrictEqual({
			ok: true,
			format: 'rapport',
			card
		});
	});

	it('gives back an equal card for every valid card, on any origin', () => {
		fc.assert(
			fc.property(
				validCardArbitrary,
				fc.webUrl({ withFragments: false, withQueryParameters: false }),
				(card, origin) => {
					const url = encodeCardUrl(card, new URL(origin).origin);
					expect(url).toMatch(/\/c#1[A-Za-z0-9_-]+$/);
					expect(parseScan(url)).toStrictEqual({ ok: true, format: 'rapport', card });
				}
			),
			{ numRuns: 500 }
		);
	});

	it('normalises the card first (phone spacing, http, share parameters)', () => {
		const url = encodeCardUrl(
			{
				name: '  Amy   Chen ',
				channels: [
					{ kind: 'phone', value: '0912-345-678' },
					{ kind: 'linkedin', value: 'http://tw.linkedin.com/in/amy-chen/?trk=qr' }
				]
			},
			'https://rapport.example/'
		);
		expect(url.startsWith('https://rapport.example/c#')).toBe(true);
		expect(decodeCardFragment(url.slice(url.indexOf('#')))).toStrictEqual({
			ok: true,
			format: 'rapport',
			card: {
				name: 'Amy Chen',
				channels: [
					{ kind: 'phone', value: '0912345678' },
					{ kind: 'linkedin', value: 'https://www.linkedin.com/in/amy-chen' }
				]
			}
		});
	});

	it('refuses a card that cannot be made valid rather than printing a broken link', () => {
		expect(() => encodeCardUrl({ name: '', channels: [] }, referenceOrigin)).toThrow();
		expect(() =>
			encodeCardUrl({ name: '', channels: [{ kind: 'phone', value: 'call me' }] }, referenceOrigin)
		).toThrow();
	});

	it('keeps a name with characters outside every compact class', () => {
		const card: Card = { name: '김민준 😀 𠀋', channels: [] };
		expect(cardSchema.safeParse(card).success).toBe(true);
		const url = encodeCardUrl(card, referenceOrigin);
		expect(parseScan(url)).toStrictEqual({ ok: true, format: 'rapport', card });
	});
});

describe('decodeCardFragment', () => {
	const fragment = encodeCardUrl(referenceCard, referenceOrigin).split('#')[1] ?? '';

	it('accepts the fragment with or without its #', () => {
		expect(decodeCardFragment(fragment)).toMatchObject({ ok: true, card: referenceCard });
		expect(decodeCardFragment(`#${fragment}`)).toMatchObject({ ok: true, card: referenceCard });
	});

	it('refuses every single-character edit of the link', () => {
		const digits = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
		let refused = 0;
		let edits = 0;
		for (let i = 1; i < fragment.length; i++) {
			for (const digit of digits) {
				if (digit === fragment[i]) continue;
				edits++;
				const result = decodeCardFragment(fragment.slice(0, i) + digit + fragment.slice(i + 1));
				if (!result.ok && result.reason === 'broken_link') refused++;
			}
		}
		// 18 check bits: about 1 edit in 262,144 could slip through; none does here.
		expect(refused).toBe(edits);
	});

	// Only a well-formed link with a higher version number may send someone to update: text that
	// was never one of our links is damaged, whatever its first character.
	it('calls anything that is not a well-formed newer link damaged, not newer', () => {
		for (const damaged of [
			'garbage',
			'javascript:alert(1)',
			'0AbCdEf',
			'A1bCdEf',
			'2abc',
			'2AbC dEf',
			'2AbC%20dEf',
			'9zzz!',
			'<script>',
			'２AbCdEf'
		]) {
			expect(decodeCardFragment(damaged), damaged).toStrictEqual({
				ok: false,
				reason: 'broken_link'
			});
		}
	});

	it('refuses truncated, extended and mangled links as broken', () => {
		for (const broken of [
			fragment.slice(0, -1),
			fragment.slice(0, 40),
			`${fragment}A`,
			`${fragment.slice(0, 20)}%20${fragment.slice(20)}`,
			'1',
			'1AAAA',
			'#!',
			`${fragment.slice(0, 30)}+/${fragment.slice(32)}`
		]) {
			expect(decodeCardFragment(broken)).toStrictEqual({ ok: false, reason: 'broken_link' });
		}
	});

	it('tells a link from a newer app apart from a broken one', () => {
		for (const newer of ['2AbCdEf', '9zzzz', `#3${fragment.slice(1)}`]) {
			expect(decodeCardFragment(newer)).toStrictEqual({
				ok: false,
				reason: 'unsupported_version'
			});
		}
		expect(decodeCardFragment('')).toStrictEqual({ ok: false, reason: 'empty' });
		expect(decodeCardFragment(`1${'A'.repeat(5000)}`)).toStrictEqual({
			ok: false,
			reason: 'too_long'
		});
	});
});
