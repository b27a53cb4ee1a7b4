import { describe, expect, test } from 'vitest';
import { foldContentLine } from './contentLine';

describe('foldContentLine', () => {
	test('a line of 75 octets stays whole; one more folds with CRLF and a space', () => {
		expect(foldContentLine('x'.repeat(75))).toBe('x'.repeat(75));
		expect(foldContentLine('x'.repeat(76))).toBe(`${'x'.repeat(75)}\r\n x`);
	});

	test('never splits a multi-byte character, and counts the continuation space', () => {
		expect(foldContentLine(`${'x'.repeat(73)}陳`)).toBe(`${'x'.repeat(73)}\r\n 陳`);
		const folded = foldContentLine('林'.repeat(60));
		for (const line of folded.split('\r\n')) {
			expect(new TextEncoder().encode(line).length).toBeLessThanOrEqual(75);
		}
		expect(folded.replace(/\r\n /g, '')).toBe('林'.repeat(60));
	});

	test('an emoji (4 octets) moves whole to the next line', () => {
		expect(foldContentLine(`${'x'.repeat(72)}🙂`)).toBe(`${'x'.repeat(72)}\r\n 🙂`);
	});
});
