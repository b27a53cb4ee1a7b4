import { describe, expect, it } from 'vitest';
import { BACKOFF_BASE_MS, BACKOFF_CAP_MS, backoffBound, backoffDelay } from './backoff';

describe('the retry wait', () => {
	it('doubles from the base with every failure in a row', () => {
		expect([1, 2, 3, 4].map((failures) => backoffBound(failures))).toEqual([
			BACKOFF_BASE_MS,
			BACKOFF_BASE_MS * 2,
			BACKOFF_BASE_MS * 4,
			BACKOFF_BASE_MS * 8
		]);
	});

	it('never grows past the cap, however long the outage', () => {
		expect(backoffBound(9)).toBe(BACKOFF_CAP_MS);
		expect(backoffBound(5_000)).toBe(BACKOFF_CAP_MS);
		expect(backoffDelay(5_000, { random: () => 0.999_999 })).toBeLessThan(BACKOFF_CAP_MS);
	});

	it('is a random share of the bound (full jitter)', () => {
		expect(backoffDelay(3, { random: () => 0 })).toBe(0);
		expect(backoffDelay(3, { random: () => 0.5 })).toBe(BACKOFF_BASE_MS * 2);
		expect(backoffDelay(3, { random: () => 0.25, baseMs: 1_000, capMs: 3_000 })).toBe(750);
	});

	it('spreads devices that failed together over the whole window', () => {
		let seed = 7;
		const random = () => ((seed = (seed * 16_807) % 2_147_483_647) - 1) / 2_147_483_646;
		const waits = Array.from({ length: 200 }, () => backoffDelay(4, { random }));
		const bound = backoffBound(4);
		expect(Math.min(...waits)).toBeLessThan(bound * 0.1);
		expect(Math.max(...waits)).toBeGreaterThan(bound * 0.9);
		expect(waits.every((wait) => wait >= 0 && wait < bound)).toBe(true);
	});

	it('treats a first attempt and a nonsense count alike', () => {
		expect(backoffBound(0)).toBe(BACKOFF_BASE_MS);
		expect(backoffBound(-3)).toBe(BACKOFF_BASE_MS);
	});
});
