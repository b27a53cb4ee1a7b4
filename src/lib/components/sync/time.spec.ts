import { describe, expect, it } from 'vitest';
import { dateTime, timeAgo } from './time';

const now = new Date('2026-11-26T12:00:00Z');
const before = (ms: number) => new Date(now.getTime() - ms).toISOString();

describe('when the last sync was', () => {
	it('is "just now" (null) under a minute, and for a clock slightly ahead', () => {
		expect(timeAgo(before(59_000), now, 'en')).toBeNull();
		expect(timeAgo(before(-30_000), now, 'en')).toBeNull();
		expect(timeAgo('not a date', now, 'en')).toBeNull();
	});

	it('counts minutes, hours and days in the reader’s language', () => {
		expect(timeAgo(before(5 * 60_000 + 10_000), now, 'en')).toBe('5 minutes ago');
		expect(timeAgo(before(3 * 3_600_000), now, 'en')).toBe('3 hours ago');
		expect(timeAgo(before(26 * 3_600_000), now, 'en')).toBe('yesterday');
		expect(timeAgo(before(5 * 60_000), now, 'zh-TW')).toBe('5 分鐘前');
		expect(timeAgo(before(3 * 86_400_000), now, 'zh-TW')).toBe('3 天前');
	});

	it('gives the date and time once it is more than a week old', () => {
		const old = '2026-11-01T04:30:00Z';
		expect(timeAgo(old, now, 'en')).toBe(dateTime(old, 'en'));
		expect(dateTime(old, 'en')).toMatch(/2026/);
	});
});
