import { describe, expect, it } from 'vitest';
import type { GreyImage } from './photo';
import {
	bestReading,
	bigTypeSpan,
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
	const readings = (...texts: [string, number][][]) =>
		texts.map((words) => words.map(([text, confidence]) => word(text, confidence)));
	/** A reading of one word a character, each as sure as given. */
	const byCharacter = (text: string, ...confidences: number[]): [string, number][] =>
		[...text].map((character, index) => [character, confidences[index] ?? 0]);

	it('keeps a second reading that is a name over a first one that is not', () => {
		const read = readings([['SEE', 83]], [['郭建宏', 70]], [['郭建', 60]]);
		expect(bestReading(read)).toBe(read[1]);
	});

	it('keeps a first reading that is a name, however sure the others are', () => {
		const read = readings([['王大明', 60]], [['王大', 95]]);
		expect(bestReading(read)).toBe(read[0]);
	});

	it('takes each character of a name as the readings that read it so are surest of it', () => {
		// Read at three sizes: 芬 twice, 分 once, a little surer than either 芬.
		const read = readings(
			byCharacter('黃淑分', 92, 83, 30),
			[['Hills', 31]],
			byCharacter('黃淑芬', 93, 91, 10),
			byCharacter('黃淑芬', 90, 73, 39)
		);
		expect(bestReading(read)).toBe(read[2]);
	});

	it('keeps a character read surely over the guesses of two readings that agree', () => {
		const read = readings(
			byCharacter('周思妤', 80, 92, 40),
			byCharacter('周思即', 89, 93, 12),
			byCharacter('周思即', 88, 92, 0)
		);
		expect(bestReading(read)).toBe(read[0]);
	});

	it('makes up a name from the characters the readings agree on when none reads it whole', () => {
		const read = readings([['陳恰君', 80]], [['陳怡若', 70]], [['陳怡吾', 50]]);
		const [best, ...more] = bestReading(read);
		expect(more).toEqual([]);
		expect(best?.text).toBe('陳怡君');
		expect(best?.confidence).toBeCloseTo(((80 + 70 + 50) / 3 + (70 + 50) / 2 + 80) / 3);
	});

	it('lets the sureness decide a character the readings split on evenly', () => {
		const read = readings([['許文彥', 60]], [['許文顏', 90]]);
		expect(bestReading(read)).toBe(read[1]);
	});

	it('keeps a sure first reading unless a second one finds a name', () => {
		const sure = readings([['晨曦軟體有限公司', 93]], [['限公司', 95]]);
		expect(bestReading(sure)).toBe(sure[0]);
		const unsure = readings([['晨蟻軟體', 50]], [['晨曦軟體', 80]]);
		expect(bestReading(unsure)).toBe(unsure[1]);
	});

	it('passes over a second reading that found nothing', () => {
		const read = readings([['oh B Eg', 19]], []);
		expect(bestReading(read)).toBe(read[0]);
	});
});

describe('bigTypeSpan', () => {
	/** A white band 100 px high with dark blocks (characters) at [x0, x1, top, bottom]. */
	const band = (width: number, ...blocks: [number, number, number, number][]): GreyImage => {
		const grey = new Uint8Array(width * 100).fill(245);
		for (const [x0, x1, top, bottom] of blocks)
			for (let y = top; y < bottom; y++) for (let x = x0; x < x1; x++) grey[y * width + x] = 20;
		return { width, height: 100, grey };
	};

	// 許 in two halves (言 and 午), then 文 (the big word the recogniser saw), then 彥; after a
	// gap, a department in smaller type on the same baseline; far off, another big character.
	const line: [number, number, number, number][] = [
		[80, 110, 10, 90],
		[114, 158, 12, 88],
		[170, 250, 10, 90],
		[262, 340, 12, 90],
		[380, 412, 56, 90],
		[416, 448, 56, 90],
		[600, 680, 10, 90]
	];

	it('reaches over the characters of the name the recogniser gave small boxes', () => {
		expect(bigTypeSpan(band(800, ...line), { x0: 170, x1: 250 }, 80)).toEqual({ x0: 80, x1: 340 });
		expect(bigTypeSpan(band(800, ...line), { x0: 600, x1: 680 }, 80)).toEqual({ x0: 600, x1: 680 });
	});

	it('stops at a thin rule and at what the edge cuts', () => {
		const rule = band(800, [44, 47, 0, 100], ...line);
		expect(bigTypeSpan(rule, { x0: 170, x1: 250 }, 80)).toEqual({ x0: 80, x1: 340 });
		const edge = band(800, [0, 60, 0, 100], ...line);
		expect(bigTypeSpan(edge, { x0: 170, x1: 250 }, 80)).toEqual({ x0: 80, x1: 340 });
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
