import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cleanText, isCleanText, truncate } from './text';

describe('cleanText', () => {
	it('strips control, bidi and invisible characters and makes one trimmed line', () => {
		expect(cleanText('  Amy\tChen\r\n資深\u2028工程師 ', 100)).toBe('Amy Chen 資深 工程師');
		expect(cleanText('\u202egpj.exe\u202c', 100)).toBe('gpj.exe');
		expect(cleanText('a\u0000b\u0007c\u001bd\u007fe\u0085f\u009fg', 100)).toBe('abcde fg');
		expect(cleanText('a\u200bb\u200ec\u2066d\u2069\ufeff', 100)).toBe('abcd');
		expect(cleanText('\ud800x\udfff', 100)).toBe('x');
		expect(cleanText('e\u0301', 100)).toBe('é');
	});

	it('cuts at the cap without splitting a surrogate pair', () => {
		expect(truncate('ab😀', 3)).toBe('ab');
		expect(cleanText('陳'.repeat(150), 100)).toHaveLength(100);
		expect(cleanText('a'.repeat(99) + ' b', 100)).toBe('a'.repeat(99));
	});

	it('is idempotent, so "valid" means "unchanged by cleaning"', () => {
		fc.assert(
			fc.property(
				fc.string({ unit: 'binary', maxLength: 60 }),
				fc.integer({ min: 1, max: 40 }),
				(raw, max) => {
					const once = cleanText(raw, max);
					expect(cleanText(once, max)).toBe(once);
					expect(once.length).toBeLessThanOrEqual(max);
					expect(once === '' || isCleanText(once, max)).toBe(true);
				}
			),
			{ numRuns: 3000 }
		);
	});
});
