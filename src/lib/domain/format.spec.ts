import { describe, expect, it } from 'vitest';
import { formatBytes } from './format';

describe('formatBytes', () => {
	it('picks a readable unit', () => {
		expect(formatBytes(532, 'en')).toBe('532 byte');
		expect(formatBytes(1_250_000, 'en')).toBe('1.3 MB');
		expect(formatBytes(48_000_000_000, 'en')).toBe('48 GB');
	});

	it('speaks the reader’s language', () => {
		expect(formatBytes(1_250_000, 'zh-TW')).toBe('1.3 MB');
	});
});
