import { hanCount, isHanOnly } from './ocrText';
import type { Box, RecognisedLine } from './recognised';

// Where the recogniser's idea of a line is not the card's. A name set vertically beside the
// rest is read one character at a time, each glued to the end of whatever line sits at its
// height ("宏達科技股份有限公司 謝", "執行長 明"): lines are cut at wide gaps between their words,
// and single characters stacked in one column are joined back into a word, top to bottom.

const union = (a: Box, b: Box): Box => ({
	x0: Math.min(a.x0, b.x0),
	y0: Math.min(a.y0, b.y0),
	x1: Math.max(a.x1, b.x1),
	y1: Math.max(a.y1, b.y1)
});

const joinText = (left: string, right: string) =>
	// Words of Chinese are written together; anything else keeps its space.
	/\p{Script=Han}$/u.test(left) && /^\p{Script=Han}/u.test(right)
		? left + right
		: `${left} ${right}`;

/** One recognised line made of its words, cut where two words stand far apart. */
export function linesFromWords(words: readonly RecognisedLine[]): RecognisedLine[] {
	const sorted = [...words]
		.filter((word) => word.text.trim() !== '')
		.sort((a, b) => a.box.x0 - b.box.x0);
	const heights = sorted.map((word) => word.box.y1 - word.box.y0).sort((a, b) => a - b);
	const height = heights[Math.floor(heights.length / 2)] ?? 0;
	const lines: { words: RecognisedLine[] }[] = [];
	for (const word of sorted) {
		const current = lines.at(-1);
		const last = current?.words.at(-1);
		if (current && last && word.box.x0 - last.box.x1 <= height * 2.5) current.words.push(word);
		else lines.push({ words: [word] });
	}
	return lines.map(({ words: parts }) => ({
		text: parts.map((part) => part.text.trim()).reduce(joinText),
		confidence: parts.reduce((sum, part) => sum + part.confidence, 0) / parts.length,
		box: parts.map((part) => part.box).reduce(union)
	}));
}

const single = (line: RecognisedLine) => isHanOnly(line.text.trim()) && hanCount(line.text) === 1;
const centre = (box: Box) => (box.x0 + box.x1) / 2;
const side = (box: Box) => Math.max(box.x1 - box.x0, box.y1 - box.y0);

/**
 * Single Han characters standing in one column, each just below the last, become one line in
 * the place of the first of them.
 */
export function joinColumns(lines: readonly RecognisedLine[]): RecognisedLine[] {
	const out = [...lines];
	const singles = out.filter(single).sort((a, b) => a.box.y0 - b.box.y0);
	const used = new Set<RecognisedLine>();
	for (const first of singles) {
		if (used.has(first)) continue;
		const column = [first];
		for (const next of singles) {
			const last = column.at(-1)!;
			if (used.has(next) || column.includes(next)) continue;
			const size = Math.max(side(last.box), side(next.box));
			const gap = next.box.y0 - last.box.y1;
			if (
				Math.abs(centre(next.box) - centre(last.box)) < size * 0.6 &&
				gap > -size / 2 &&
				gap < size * 1.2
			) {
				column.push(next);
			}
		}
		if (column.length < 2) continue;
		for (const line of column) used.add(line);
		const joined: RecognisedLine = {
			text: column.map((line) => line.text.trim()).join(''),
			confidence: column.reduce((sum, line) => sum + line.confidence, 0) / column.length,
			// The box of one character: a name's size is that of its characters.
			box: { ...first.box, y1: first.box.y0 + side(first.box) }
		};
		out[out.indexOf(first)] = joined;
	}
	return out.filter((line) => !used.has(line));
}

/** The height a recogniser reads text best at, in pixels: big type is brought down to it. */
export const READ_HEIGHT = 36;

/**
 * The lines set in type much bigger than the rest (a name, a company's logo type), which a
 * recogniser tuned to body text often misreads: worth reading again at body-text size. At most
 * `max`, biggest first, by index into `lines`; `height` is the size from which a word is big.
 */
export function bigLines(
	lines: readonly (readonly RecognisedLine[])[],
	max = 3
): { indexes: number[]; height: number } {
	const heightOf = (words: readonly RecognisedLine[]) =>
		Math.max(0, ...words.map((word) => word.box.y1 - word.box.y0));
	const heights = lines.map(heightOf);
	const sorted = [...heights].sort((a, b) => a - b);
	const height = Math.max((sorted[Math.floor(sorted.length / 2)] ?? 0) * 1.6, READ_HEIGHT * 1.5);
	const indexes = heights
		.map((lineHeight, index) => ({ lineHeight, index }))
		.filter(({ lineHeight }) => lineHeight >= height)
		.sort((a, b) => b.lineHeight - a.lineHeight)
		.slice(0, max)
		.map(({ index }) => index);
	return { indexes, height };
}
