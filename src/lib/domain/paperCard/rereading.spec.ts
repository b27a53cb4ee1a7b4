import { describe, expect, it } from 'vitest';
import {
	bestReading,
	characterCells,
	isLikelyName,
	verticalColumns,
	withColumn
} from './rereading';
import type { RecognisedLine } from './recognised';

const word = (text: string, confidence: number, x0 = 100, y0 = 100, size = 30): RecognisedLine => ({
	text,
	confidence,
	box: { x0, y0, x1: x0 + size * [...text].length, y1: y0 + size }
});

/** Body text down the left of a card, as the recogniser reads it. */
const body = [
	word('宏達數位科技股份有限公司', 95, 60, 80),
	word('執行長', 90, 60, 170),
	word('手機', 95, 60, 270),
	word('0958-252-926', 90, 130, 270),
	word('shufen@hongda.com.tw', 90, 60, 356)
];

describe('isLikelyName', () => {
	it('takes 2–4 Han characters that start with a known surname', () => {
		expect(isLikelyName('黃淑芬')).toBe(true);
		expect(isLikelyName('歐陽靜')).toBe(true);
		expect(isLikelyName('日文彥')).toBe(false);
		expect(isLikelyName('黃黃')).toBe(false);
		expect(isLikelyName('宏達數位科技')).toBe(false);
		expect(isLikelyName('SEE')).toBe(false);
	});
});

describe('bestReading', () => {
	it('keeps a second reading that is a name over a first one that is not', () => {
		expect(bestReading([[word('SEE', 83)], [word('郭建宏', 70)], [word('郭建', 60)]])).toBe(1);
	});

	it('keeps a first reading that is a name, however sure the others are', () => {
		expect(bestReading([[word('王大明', 60)], [word('王大', 95)]])).toBe(0);
	});

	it('keeps a sure first reading unless a second one finds a name', () => {
		expect(bestReading([[word('晨曦軟體有限公司', 93)], [word('限公司', 95)]])).toBe(0);
		expect(bestReading([[word('晨蟻軟體', 50)], [word('晨曦軟體', 80)]])).toBe(1);
	});

	it('passes over a second reading that found nothing', () => {
		expect(bestReading([[word('oh B Eg', 19)], []])).toBe(0);
	});
});

describe('verticalColumns', () => {
	const bounds = { width: 1050, height: 600 };

	it('finds big characters stacked one below the other, reaching past the first and last', () => {
		const columns = verticalColumns(
			[
				...body,
				word('謝', 91, 900, 80, 84),
				word('明', 93, 900, 186, 84),
				word('弔', 0, 905, 300, 50)
			],
			bounds
		);
		expect(columns).toHaveLength(1);
		const [column] = columns;
		expect(column?.size).toBe(84);
		expect(column?.box.x0).toBeLessThan(900);
		expect(column?.box.x1).toBeGreaterThan(984);
		expect(column?.box.y1).toBeGreaterThan(270 + 84);
	});

	it('finds none in a horizontal name, nor where the characters sit among lines of text', () => {
		expect(
			verticalColumns([...body, word('黃', 90, 60, 200, 80), word('淑', 90, 140, 200, 80)], bounds)
		).toEqual([]);
		expect(
			verticalColumns([word('謝', 91, 60, 20, 84), word('明', 93, 60, 120, 84), ...body], bounds)
		).toEqual([]);
	});
});

describe('characterCells', () => {
	const rows = (...runs: [number, number][]) => {
		const ink = Array.from({ length: 400 }, () => 0);
		for (const [from, to] of runs) for (let y = from; y < to; y++) ink[y] = 10;
		return ink;
	};

	it('cuts a column where the ink stops, joining the pieces of one character', () => {
		// 謝, then 明, then 哲 in two pieces (折 over 口).
		expect(characterCells(rows([20, 100], [120, 200], [220, 260], [266, 300]), 80)).toEqual([
			{ y0: 20, y1: 100 },
			{ y0: 120, y1: 200 },
			{ y0: 220, y1: 300 }
		]);
	});

	it('leaves out specks, what the edge cuts, and ink standing far from the name', () => {
		expect(characterCells(rows([0, 30], [60, 64], [150, 230], [250, 330]), 80)).toEqual([
			{ y0: 150, y1: 230 },
			{ y0: 250, y1: 330 }
		]);
	});
});

describe('withColumn', () => {
	it('puts the column’s reading in the place of the stray characters read in it', () => {
		const column = { box: { x0: 880, y0: 40, x1: 1000, y1: 500 }, size: 84 };
		const lines = withColumn(
			[[body[0] as RecognisedLine, word('謝', 91, 900, 80, 84)], [word('$', 20, 905, 200, 84)]],
			column,
			{ text: '謝明哲', confidence: 80, top: 80 }
		);
		expect(lines.map((line) => line.map((one) => one.text))).toEqual([
			['宏達數位科技股份有限公司'],
			['謝明哲']
		]);
		expect(lines[1]?.[0]?.box).toEqual({ x0: 880, y0: 80, x1: 1000, y1: 164 });
	});
});
