import type { RecognisedLine } from './recognised';

// Small builders for what a recogniser reads off a card: lines stacked top to bottom, each with
// a size (its height in pixels) and a confidence, as Tesseract reports them.

export interface Row {
	text: string;
	size?: number;
	confidence?: number;
	x?: number;
}

export function aRecognisedCard(rows: (Row | string)[]): RecognisedLine[] {
	let y = 20;
	return rows.map((row) => {
		const {
			text,
			size = 24,
			confidence = 90,
			x = 40
		} = typeof row === 'string' ? { text: row } : row;
		const box = { x0: x, y0: y, x1: x + Math.max(size, text.length * size * 0.6), y1: y + size };
		y += size + 12;
		return { text, confidence, box };
	});
}

/** A name set vertically: one character per line, as Tesseract reads a column of big type. */
export function aVerticalName(name: string, { x = 500, y = 30, size = 60 } = {}): RecognisedLine[] {
	return [...name].map((character, index) => ({
		text: character,
		confidence: 88,
		box: { x0: x, y0: y + index * (size + 8), x1: x + size, y1: y + index * (size + 8) + size }
	}));
}
