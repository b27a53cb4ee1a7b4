import { describe, expect, it } from 'vitest';
import { bigLines, joinColumns, linesFromWords } from './layout';
import { aVerticalName } from './testCards';

const word = (text: string, x0: number, size = 24) => ({
	text,
	confidence: 80,
	box: { x0, y0: 100, x1: x0 + size * text.length, y1: 100 + size }
});

describe('linesFromWords', () => {
	it('writes the words of a line together, Chinese without spaces', () => {
		expect(
			linesFromWords([word('電話', 10), word(':02-2345-6789', 60)]).map((line) => line.text)
		).toEqual(['電話 :02-2345-6789']);
		expect(linesFromWords([word('宏達', 10), word('科技', 60)]).map((line) => line.text)).toEqual([
			'宏達科技'
		]);
	});

	it('cuts a line where its words stand far apart', () => {
		expect(linesFromWords([word('執行長', 10), word('明', 700)]).map((line) => line.text)).toEqual([
			'執行長',
			'明'
		]);
	});
});

describe('joinColumns', () => {
	it('joins a column of single characters top to bottom, where its first one was', () => {
		const lines = [word('總經理', 10), ...aVerticalName('林志豪')];
		expect(joinColumns(lines).map((line) => line.text)).toEqual(['總經理', '林志豪']);
	});

	it('leaves single characters side by side apart', () => {
		const lines = [word('王', 10), word('明', 300)];
		expect(joinColumns(lines)).toHaveLength(2);
	});
});

describe('bigLines', () => {
	it('finds the lines set much bigger than the rest, biggest first', () => {
		const lines = [
			[word('宏達', 10, 30)],
			[word('王大明', 10, 90)],
			[word('經理', 10, 28)],
			[word('0912', 10, 26)],
			[word('LOGO', 10, 60)]
		];
		expect(bigLines(lines).indexes).toEqual([1, 4]);
	});

	it('finds none on a card set in one size', () => {
		expect(bigLines([[word('宏達', 10, 60)], [word('經理', 10, 60)]]).indexes).toEqual([]);
	});
});
