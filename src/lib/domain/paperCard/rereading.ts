import { SURNAMES } from './lexicon';
import { isHanOnly, tidyLine } from './ocrText';
import { inkThreshold, type GreyImage } from './photo';
import type { Box, RecognisedLine } from './recognised';

// What a second reading of part of a card is for, and which reading to believe. A recogniser
// tuned to body text misreads big type (a name at 80 px becomes "SEE" or loses a stroke), and
// reads a name set top to bottom one stray character at a time. The parts worth reading again
// are found here from the first reading's word boxes; the data layer reads them again, and the
// reading kept is the one a Taiwanese card reader would expect there: a name of 2–4 Han
// characters starting with a known surname, else the one the recogniser was surest of.

const union = (a: Box, b: Box): Box => ({
	x0: Math.min(a.x0, b.x0),
	y0: Math.min(a.y0, b.y0),
	x1: Math.max(a.x1, b.x1),
	y1: Math.max(a.y1, b.y1)
});

const width = (box: Box) => box.x1 - box.x0;
const height = (box: Box) => box.y1 - box.y0;
const centre = (box: Box) => (box.x0 + box.x1) / 2;
const middleY = (box: Box) => (box.y0 + box.y1) / 2;
/** Whether the middle of `box` lies in `area`. */
const isInside = (box: Box, area: Box) =>
	centre(box) > area.x0 &&
	centre(box) < area.x1 &&
	middleY(box) > area.y0 &&
	middleY(box) < area.y1;

/** A line's words as one text, Chinese written together. */
export function readingText(words: readonly RecognisedLine[]): string {
	return tidyLine(words.map((word) => word.text).join(' '));
}

const meanConfidence = (words: readonly RecognisedLine[]) =>
	words.reduce((sum, word) => sum + word.confidence, 0) / Math.max(1, words.length);

/** Whether a text reads as a Taiwanese name: 2–4 Han characters, a known surname first. */
export function isLikelyName(text: string): boolean {
	return (
		isHanOnly(text) &&
		text.length >= 2 &&
		text.length <= 4 &&
		new Set(text).size > 1 &&
		SURNAMES.some((surname) => text.startsWith(surname))
	);
}

/**
 * Of the readings of one big line (the first one, then the second ones), the words to keep. A
 * name is what a big line most often is, so the readings that are likely names decide it: first
 * how long it is (as most of them read it; on a tie, as the first reading did, which saw the
 * line among the rest of the card), then each character, by the sureness of all the readings
 * that read it so: two readings at other sizes that agree outweigh one that differs, unless
 * they were guessing (a recogniser that cannot read a character still names one, at 0).
 * With no name among them, the surest reading wins, but a first reading at least `sure` (0–100)
 * stays: a second reading is for finding a name or for what was read unsurely.
 */
export function bestReading(
	readings: readonly (readonly RecognisedLine[])[],
	sure = 85
): readonly RecognisedLine[] {
	const [first = []] = readings;
	const read = readings.filter((words) => words.length > 0);
	const names = read.filter((words) => isLikelyName(readingText(words)));
	if (names.length > 0) return agreedName(names, names[0] === first ? first : surest(names));
	if (meanConfidence(first) >= sure || read.length === 0) return first;
	return surest(read);
}

const surest = (among: readonly (readonly RecognisedLine[])[]) =>
	among.reduce((best, words) => (meanConfidence(words) > meanConfidence(best) ? words : best));

/** Each character of a reading with the confidence of the word it was read in. */
const characters = (words: readonly RecognisedLine[]) =>
	words.flatMap((word) =>
		[...tidyLine(word.text)].map((character) => ({ character, confidence: word.confidence }))
	);

/** The most common of `items`, or `tie` when it is among the most common. */
function mostCommon<T>(items: readonly T[], tie: T): T {
	const counts = new Map<T, number>();
	for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
	const most = Math.max(...counts.values());
	return counts.get(tie) === most
		? tie
		: ([...counts].find(([, count]) => count === most)?.[0] ?? tie);
}

/**
 * The name the readings agree on, character by character: `preferred` (the reading to take on
 * a tie) when it is the only one of its length or the vote makes no name.
 */
function agreedName(
	names: readonly (readonly RecognisedLine[])[],
	preferred: readonly RecognisedLine[]
): readonly RecognisedLine[] {
	const length = mostCommon(
		names.map((words) => characters(words).length),
		characters(preferred).length
	);
	const sameLength = names.filter((words) => characters(words).length === length);
	const base = sameLength.includes(preferred) ? preferred : surest(sameLength);
	if (sameLength.length < 2) return base;
	const voters = sameLength.map(characters);
	const chosen = Array.from({ length }, (_, position) => {
		const votes = new Map<string, { count: number; confidence: number }>();
		for (const read of voters) {
			const { character = '', confidence = 0 } = read[position] ?? {};
			const vote = votes.get(character) ?? { count: 0, confidence: 0 };
			votes.set(character, { count: vote.count + 1, confidence: vote.confidence + confidence });
		}
		const [character = '', vote = { count: 0, confidence: 0 }] = [...votes].reduce((best, next) =>
			next[1].confidence > best[1].confidence ||
			(next[1].confidence === best[1].confidence && next[1].count > best[1].count)
				? next
				: best
		);
		return { character, confidence: vote.confidence / vote.count };
	});
	const text = chosen.map(({ character }) => character).join('');
	if (!isLikelyName(text)) return base;
	const agreeing = sameLength.find((words) => readingText(words) === text);
	if (agreeing) return agreeing;
	return [
		{
			text,
			confidence: chosen.reduce((sum, { confidence }) => sum + confidence, 0) / length,
			box: base.map((word) => word.box).reduce(union)
		}
	];
}

/**
 * How far a line of big type (a name) reaches left and right, from the ink of the band of the
 * picture it stands in, `seed` being where the recogniser saw big words in it and `size` their
 * height. The recogniser's boxes are a poor guide to it: a character it misread may get a small
 * box (許 read as 日 and a bracket), and a name set beside smaller text shares its line. So the
 * band is cut into characters where the ink stops, and the span reaches out from the seed over
 * characters standing about as tall as the big words, close to one another, stopping at smaller
 * type, at a wide gap, and at what the picture's edge cuts.
 */
export function bigTypeSpan(
	band: GreyImage,
	seed: { x0: number; x1: number },
	size: number
): { x0: number; x1: number } {
	const { width, height, grey } = band;
	const threshold = inkThreshold(band);
	const pieces: { x0: number; x1: number; top: number; bottom: number }[] = [];
	for (let x = 0; x < width; x++) {
		let top = -1;
		let bottom = -1;
		let count = 0;
		for (let y = 0; y < height; y++) {
			if ((grey[y * width + x] ?? 255) > threshold) continue;
			count++;
			if (top < 0) top = y;
			bottom = y;
		}
		// A speck of noise is not ink.
		if (count < 2) continue;
		const last = pieces.at(-1);
		// Strokes of one character stand a sliver apart at most.
		if (last && x - last.x1 <= Math.max(1, size * 0.1)) {
			last.x1 = x + 1;
			last.top = Math.min(last.top, top);
			last.bottom = Math.max(last.bottom, bottom);
		} else pieces.push({ x0: x, x1: x + 1, top, bottom });
	}
	const isCharacter = (piece: (typeof pieces)[number]) =>
		piece.bottom - piece.top + 1 >= size * 0.55 &&
		piece.x1 - piece.x0 >= size * 0.1 &&
		piece.x0 > 0 &&
		piece.x1 < width;
	const span = { ...seed };
	for (const piece of pieces) {
		if (piece.x1 > seed.x0 && piece.x0 < seed.x1 && isCharacter(piece)) {
			span.x0 = Math.min(span.x0, piece.x0);
			span.x1 = Math.max(span.x1, piece.x1);
		}
	}
	const gap = size * 0.9;
	for (const piece of pieces.filter((piece) => piece.x1 <= span.x0).reverse()) {
		if (!isCharacter(piece) || span.x0 - piece.x1 > gap) break;
		span.x0 = piece.x0;
	}
	for (const piece of pieces.filter((piece) => piece.x0 >= span.x1)) {
		if (!isCharacter(piece) || piece.x0 - span.x1 > gap) break;
		span.x1 = piece.x1;
	}
	return span;
}

/**
 * Columns of big single characters standing one below the other: a name set vertically. From
 * the first reading's words (any line): each column is the box to read again, reaching a
 * character further down and a little up, as the recogniser often loses the last one, with
 * the size of its characters.
 */
export function verticalColumns(
	words: readonly RecognisedLine[],
	bounds: { width: number; height: number }
): { box: Box; size: number }[] {
	const heights = words.map((word) => height(word.box)).sort((a, b) => a - b);
	const body = heights[Math.floor(heights.length / 2)] ?? 0;
	// Much bigger than body text and not wide: one big character, or what was made of one.
	const big = words
		.filter(
			(word) =>
				height(word.box) >= body * 1.6 &&
				width(word.box) <= height(word.box) * 1.4 &&
				[...word.text.trim()].length <= 2
		)
		.sort((a, b) => a.box.y0 - b.box.y0);
	const used = new Set<RecognisedLine>();
	const columns: { box: Box; size: number }[] = [];
	for (const first of big) {
		if (used.has(first)) continue;
		const column = [first];
		for (const next of big) {
			const last = column.at(-1) ?? first;
			if (used.has(next) || column.includes(next)) continue;
			const size = Math.max(height(last.box), height(next.box));
			const gap = next.box.y0 - last.box.y1;
			if (Math.abs(centre(next.box) - centre(last.box)) < size * 0.6 && gap > -size / 3) {
				if (gap < size * 1.2) column.push(next);
			}
		}
		if (column.length < 2) continue;
		for (const word of column) used.add(word);
		const sides = column.map((word) => height(word.box)).sort((a, b) => a - b);
		const size = sides[Math.floor(sides.length / 2)] ?? 0;
		const box = column.map((word) => word.box).reduce(union);
		// A misread character may be a narrow mark: the column is at least a character wide.
		const middle = centre(box);
		const half = Math.max(width(box), size) / 2 + size * 0.2;
		const found = {
			x0: Math.max(0, middle - half),
			y0: Math.max(0, box.y0 - size * 1.6),
			x1: Math.min(bounds.width, middle + half),
			y1: Math.min(bounds.height, box.y1 + size * 1.6)
		};
		// Words read with confidence inside it: the characters belong to lines of text, not a column.
		const crowded = words.some(
			(word) =>
				!column.includes(word) &&
				isInside(word.box, found) &&
				word.confidence >= 60 &&
				[...word.text.trim()].length >= 2
		);
		if (!crowded) columns.push({ size, box: found });
	}
	return columns;
}

/**
 * Where the characters of a vertical column are, top to bottom: from which rows of its picture
 * hold ink (`ink[y]`, the dark pixels in row y), cut where the ink stops, with pieces of one
 * character (the two halves of 哲) joined until they are about as tall as a character is wide.
 */
export function characterCells(ink: readonly number[], size: number): { y0: number; y1: number }[] {
	const pieces: { y0: number; y1: number }[] = [];
	let start = -1;
	ink.forEach((count, y) => {
		if (count > 0 && start < 0) start = y;
		if (count === 0 && start >= 0) {
			pieces.push({ y0: start, y1: y });
			start = -1;
		}
	});
	if (start >= 0) pieces.push({ y0: start, y1: ink.length });
	const cells: { y0: number; y1: number }[] = [];
	for (const piece of pieces) {
		const last = cells.at(-1);
		// A piece that starts close below a cell still short of a character belongs to it.
		if (last && last.y1 - last.y0 < size * 0.7 && piece.y1 - last.y0 < size * 1.15) {
			last.y1 = piece.y1;
		} else {
			cells.push({ ...piece });
		}
	}
	// Specks, and what the picture's edge cuts (the card's border, the next line), are not
	// characters.
	const whole = cells.filter(
		(cell) => cell.y1 - cell.y0 >= size * 0.35 && cell.y0 > 0 && cell.y1 < ink.length
	);
	// A name's characters are evenly set: one standing a character's height apart is not one.
	const runs: { y0: number; y1: number }[][] = [];
	for (const cell of whole) {
		const run = runs.at(-1);
		const last = run?.at(-1);
		if (run && last && cell.y0 - last.y1 < size * 0.8) run.push(cell);
		else runs.push([cell]);
	}
	return runs.reduce<{ y0: number; y1: number }[]>(
		(longest, run) => (run.length > longest.length ? run : longest),
		[]
	);
}

/**
 * The first reading with a vertical column's second reading in the place of the stray
 * characters it was read as: the words standing in the column go, and the column's reading
 * comes as a line of its own, sized as one of its characters (a name's size is that of its
 * characters).
 */
export function withColumn(
	lines: readonly (readonly RecognisedLine[])[],
	column: { box: Box; size: number },
	/** What the column reads, and where its first character starts. */
	reading: { text: string; confidence: number; top: number }
): RecognisedLine[][] {
	const kept = lines.map((line) => line.filter((word) => !isInside(word.box, column.box)));
	kept.push([
		{
			text: reading.text,
			confidence: reading.confidence,
			box: {
				x0: column.box.x0,
				y0: reading.top,
				x1: column.box.x1,
				y1: reading.top + column.size
			}
		}
	]);
	return kept.filter((line) => line.length > 0);
}
