import { describe, expect, it } from 'vitest';
import { isExchangeToken, splitExchangeToken, withExchangeToken } from './exchange';
import { decodeCardFragment } from './payload';
import { encodeCardUrl } from './payloadEncode';
import { parseScan } from './scan';

const card = {
	name: '陳怡君',
	company: '好好設計',
	channels: [{ kind: 'line' as const, value: 'yijun_chen' }]
};
const origin = 'https://rapport.example.tw';
const token = 'q3Jx-_9ZbT0aKc1mN2pL4w';

describe('the exchange token in my QR link', () => {
	it('follows the card payload after a dot', () => {
		const url = encodeCardUrl(card, origin);
		const linked = withExchangeToken(url, token);
		expect(linked).toBe(`${url}.${token}`);
		expect(linked).toMatch(
			/^https:\/\/rapport\.example\.tw\/c#1[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/
		);
	});

	it('replaces the token of a link that already has one', () => {
		const url = encodeCardUrl(card, origin);
		const first = withExchangeToken(url, token);
		const other = 'AAAAAAAAAAAAAAAAAAAAAA';
		expect(withExchangeToken(first, other)).toBe(`${url}.${other}`);
	});

	it('refuses tokens the server could not have made, and links without a fragment', () => {
		const url = encodeCardUrl(card, origin);
		expect(() => withExchangeToken(url, 'short')).toThrow();
		expect(() => withExchangeToken(url, `${token}=`)).toThrow();
		expect(() => withExchangeToken(url, 'q3Jx+/9ZbT0aKc1mN2pL4w')).toThrow();
		expect(() => withExchangeToken(origin, token)).toThrow();
	});

	it('is split off a whole link, a fragment with its #, and a bare fragment', () => {
		const url = encodeCardUrl(card, origin);
		const fragment = url.slice(url.indexOf('#'));
		expect(splitExchangeToken(`${url}.${token}`)).toEqual({ card: url, token });
		expect(splitExchangeToken(`${fragment}.${token}`)).toEqual({ card: fragment, token });
		expect(splitExchangeToken(`${fragment.slice(1)}.${token}`)).toEqual({
			card: fragment.slice(1),
			token
		});
		expect(splitExchangeToken(url)).toEqual({ card: url, token: null });
	});

	it('leaves a link alone when what follows the dot is not a token, or the dot is in the origin', () => {
		const url = encodeCardUrl(card, origin);
		for (const damaged of [
			`${url}.abc`,
			`${url}.${token}x`,
			`${url}.${token.slice(1)}`,
			`${url}.`
		]) {
			expect(splitExchangeToken(damaged)).toEqual({ card: damaged, token: null });
		}
		const noFragment = 'https://rapport.q3Jx-_9ZbT0aKc1mN2pL4w';
		expect(splitExchangeToken(noFragment)).toEqual({ card: noFragment, token: null });
		expect(isExchangeToken(token)).toBe(true);
		expect(isExchangeToken('q3Jx-_9ZbT0aKc1mN2pL4')).toBe(false);
	});
});

describe('reading a link that carries a token', () => {
	it('decodes the same card as the plain link, from the fragment and from a scan', () => {
		const url = encodeCardUrl(card, origin);
		const linked = withExchangeToken(url, token);
		const plain = decodeCardFragment(url.slice(url.indexOf('#')));
		expect(plain.ok).toBe(true);
		expect(decodeCardFragment(linked.slice(linked.indexOf('#')))).toEqual(plain);
		expect(decodeCardFragment(linked.slice(linked.indexOf('#') + 1))).toEqual(plain);
		expect(parseScan(linked)).toEqual(plain);
	});

	it('refuses a link whose token part is damaged instead of ignoring it', () => {
		const url = encodeCardUrl(card, origin);
		const damaged = `${url}.${token.slice(0, 10)}`;
		expect(decodeCardFragment(damaged.slice(damaged.indexOf('#')))).toEqual({
			ok: false,
			reason: 'broken_link'
		});
		expect(parseScan(damaged)).toEqual({ ok: false, reason: 'broken_link' });
	});
});
