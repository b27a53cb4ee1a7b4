import type { Worker } from 'tesseract.js';
import {
	bestReading,
	bigLines,
	bigTypeSpan,
	characterCells,
	inkRows,
	isLikelyName,
	READ_HEIGHT,
	readingText,
	toGrey,
	verticalColumns,
	withColumn,
	type Box,
	type RecognisedLine
} from '$lib/domain/paperCard';

// The paper-card recogniser: tesseract.js in a Web Worker, with the Traditional Chinese and
// English trained data the app serves itself (paperCard.assets.js). This module and tesseract.js
// load only when someone reads a paper card. The trained data is fetched here first, by us, so
// the first use shows real progress; the worker's own fetch of it then comes from the service
// worker's cache (or the HTTP cache), which keeps every file for offline use after.

/** Set by the build (paperCard.assets.js): the versioned folder the files are served from. */
declare const __PAPER_CARD_ASSETS__: string;

const LANGUAGES = ['chi_tra', 'eng'] as const;

/** How far the recogniser is from ready (0–1), for the first use's progress bar. */
export type LoadProgress = (share: number) => void;

/**
 * Two recognisers: one for the whole card in both languages, and one for second readings of
 * parts of it in Chinese alone, one line at a time (a big name read with English in the running
 * comes back as Latin letters).
 */
interface Readers {
	card: Worker;
	han: Worker;
}

let ready: Promise<Readers> | null = null;

async function download(url: string, onBytes: (bytes: number, total: number) => void) {
	const response = await fetch(url);
	if (!response.ok || !response.body) throw new Error(`${url}: ${response.status}`);
	const total = Number(response.headers.get('content-length')) || 0;
	let received = 0;
	const reader = response.body.getReader();
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		received += value.length;
		onBytes(received, total);
	}
}

async function start(onProgress: LoadProgress): Promise<Readers> {
	// The trained data is most of the bytes: 70 % of the bar; starting the engine the rest.
	const received = LANGUAGES.map(() => ({ bytes: 0, total: 0 }));
	const reportBytes = () => {
		const total = received.reduce((sum, file) => sum + file.total, 0);
		const bytes = received.reduce((sum, file) => sum + file.bytes, 0);
		if (total > 0) onProgress(0.7 * Math.min(1, bytes / total));
	};
	// Given as data, the trained data would be the simpler path, but tesseract.js 7 then names
	// each language by its bytes when it starts (initialize reads `data` for `code`), and fails.
	const [tesseract] = await Promise.all([
		import('tesseract.js'),
		...LANGUAGES.map((language, index) =>
			download(`${__PAPER_CARD_ASSETS__}lang/${language}.traineddata.gz`, (bytes, total) => {
				received[index] = { bytes, total };
				reportBytes();
			})
		)
	]);
	onProgress(0.7);
	// A worker that fails to start reports it to errorHandler and leaves createWorker pending
	// for ever: the failure settles it instead, so the page can say so rather than wait.
	let failed: (error: unknown) => void = () => undefined;
	const failure = new Promise<never>((_, reject) => (failed = reject));
	const options = (logger?: (message: { status: string; progress: number }) => void) => ({
		workerPath: `${__PAPER_CARD_ASSETS__}worker.min.js`,
		corePath: `${__PAPER_CARD_ASSETS__}core`,
		langPath: `${__PAPER_CARD_ASSETS__}lang`,
		// A blob: worker would need worker-src blob:, which the CSP does not allow.
		workerBlobURL: false,
		// The service worker keeps the files; a second copy in IndexedDB would double them.
		cacheMethod: 'none',
		...(logger ? { logger } : {}),
		errorHandler: (error: unknown) => failed(error)
	});
	const workers = Promise.all([
		tesseract.createWorker(
			[...LANGUAGES],
			tesseract.OEM.LSTM_ONLY,
			options(({ status, progress }) => {
				if (status === 'loading tesseract core') onProgress(0.7 + 0.2 * progress);
				else if (status === 'initializing api') onProgress(0.9 + 0.1 * progress);
			})
		),
		tesseract.createWorker(['chi_tra'], tesseract.OEM.LSTM_ONLY, options()).then(async (han) => {
			await han.setParameters({ tessedit_pageseg_mode: tesseract.PSM.SINGLE_LINE });
			return han;
		})
	]);
	const [card, han] = await Promise.race([workers, failure]);
	return { card, han };
}

/** Starts the recognisers, once; later calls share them. */
function loadRecogniser(onProgress: LoadProgress): Promise<Readers> {
	ready ??= start(onProgress).catch((error: unknown) => {
		ready = null;
		throw error;
	});
	return ready;
}

/** Whether the recogniser is already running, so a read needs no progress bar. */
export function recogniserLoaded(): boolean {
	return ready !== null;
}

/** A first reading this sure of a big line is not worth a second. */
const SURE = 85;

const meanConfidence = (words: RecognisedLine[]) =>
	words.reduce((sum, word) => sum + word.confidence, 0) / Math.max(1, words.length);

type Page = Awaited<ReturnType<Worker['recognize']>>['data'];

function wordLines(page: Page, scale = 1, offset = { x: 0, y: 0 }): RecognisedLine[][] {
	const box = ({ x0, y0, x1, y1 }: { x0: number; y0: number; x1: number; y1: number }) => ({
		x0: offset.x + x0 / scale,
		y0: offset.y + y0 / scale,
		x1: offset.x + x1 / scale,
		y1: offset.y + y1 / scale
	});
	return (page.blocks ?? []).flatMap((block) =>
		block.paragraphs.flatMap((paragraph) =>
			paragraph.lines.map((line) =>
				line.words.map((word) => ({
					text: word.text,
					confidence: word.confidence,
					box: box(word.bbox)
				}))
			)
		)
	);
}

const boxOf = (words: RecognisedLine[]): Box => ({
	x0: Math.min(...words.map((word) => word.box.x0)),
	y0: Math.min(...words.map((word) => word.box.y0)),
	x1: Math.max(...words.map((word) => word.box.x1)),
	y1: Math.max(...words.map((word) => word.box.y1))
});

/** A canvas of `width` × `height` with `draw` on white (the card's paper). */
function canvasWith(
	width: number,
	height: number,
	draw: (context: CanvasRenderingContext2D) => void
) {
	const canvas = document.createElement('canvas');
	canvas.width = Math.max(1, Math.round(width));
	canvas.height = Math.max(1, Math.round(height));
	const context = canvas.getContext('2d', { willReadFrequently: true });
	if (!context) throw new Error('no 2D canvas');
	context.fillStyle = '#fff';
	context.fillRect(0, 0, canvas.width, canvas.height);
	draw(context);
	return { canvas, context };
}

/**
 * The words of `box` (a big line) read again from its own crop brought down to `height`
 * (body-text size), in the coordinates of the whole image; [] when the second reading found
 * nothing.
 */
async function reread(
	worker: Worker,
	image: HTMLCanvasElement,
	{ x0, y0, x1, y1 }: Box,
	height: number
): Promise<RecognisedLine[]> {
	const pad = (y1 - y0) * 0.3;
	const crop = {
		x: Math.max(0, x0 - pad),
		y: Math.max(0, y0 - pad),
		width: Math.min(image.width, x1 + pad) - Math.max(0, x0 - pad),
		height: Math.min(image.height, y1 + pad) - Math.max(0, y0 - pad)
	};
	const scale = height / (y1 - y0);
	const { canvas } = canvasWith(crop.width * scale, crop.height * scale, (context) =>
		context.drawImage(
			image,
			crop.x,
			crop.y,
			crop.width,
			crop.height,
			0,
			0,
			crop.width * scale,
			crop.height * scale
		)
	);
	const { data } = await worker.recognize(canvas, {}, { blocks: true, text: false });
	const lines = wordLines(data, scale, crop).filter((line) => line.length > 0);
	const best = lines.sort((a, b) => b.length - a.length)[0] ?? [];
	return best.some((word) => word.text.trim() !== '') ? best : [];
}

/**
 * Where the big type of a line stands: from the box of its big words, reaching left and right
 * as far as characters of that size go (domain/bigTypeSpan).
 */
function bigTypeBox(image: HTMLCanvasElement, big: RecognisedLine[]): Box {
	const seed = boxOf(big);
	const size = seed.y1 - seed.y0;
	const y0 = Math.max(0, Math.round(seed.y0 - size * 0.1));
	const y1 = Math.min(image.height, Math.round(seed.y1 + size * 0.1));
	const context = image.getContext('2d', { willReadFrequently: true });
	if (!context || y1 <= y0) return seed;
	const band = toGrey(image.width, y1 - y0, context.getImageData(0, y0, image.width, y1 - y0).data);
	const { x0, x1 } = bigTypeSpan(band, seed, size);
	return { x0, y0: seed.y0, x1, y1: seed.y1 };
}

/**
 * A name set top to bottom, read again: its characters are cut apart where the ink stops, set
 * side by side at body-text size, and read as one line of Chinese.
 */
async function readColumn(
	han: Worker,
	image: HTMLCanvasElement,
	column: { box: Box; size: number }
): Promise<{ text: string; confidence: number; top: number } | null> {
	const { x0, y0, x1, y1 } = column.box;
	const strip = canvasWith(x1 - x0, y1 - y0, (context) =>
		context.drawImage(image, x0, y0, x1 - x0, y1 - y0, 0, 0, x1 - x0, y1 - y0)
	);
	const { width, height } = strip.canvas;
	const grey = toGrey(width, height, strip.context.getImageData(0, 0, width, height).data);
	const cells = characterCells(inkRows(grey), column.size);
	if (cells.length < 2) return null;
	const scale = READ_HEIGHT / column.size;
	const side = READ_HEIGHT * 1.15;
	const { canvas } = canvasWith(side * (cells.length + 1), side * 2, (context) =>
		cells.forEach((cell, index) =>
			context.drawImage(
				strip.canvas,
				0,
				cell.y0,
				width,
				cell.y1 - cell.y0,
				side * (index + 0.5),
				side * 0.5,
				width * scale,
				(cell.y1 - cell.y0) * scale
			)
		)
	);
	const { data } = await han.recognize(canvas, {}, { blocks: true, text: false });
	const words = wordLines(data).flat();
	// A column of a name holds nothing but Han characters; marks between them are misreadings.
	const text = words
		.map((word) => word.text)
		.join('')
		.replace(/\P{Script=Han}/gu, '');
	return text ? { text, confidence: meanConfidence(words), top: y0 + (cells[0]?.y0 ?? 0) } : null;
}

/**
 * The text on a card image, as words grouped in the recogniser's lines. A name set vertically
 * is read again as a line; lines set much bigger than the rest (most often the name) are read
 * again at body-text size, which the recogniser reads far better, in both languages and in
 * Chinese alone, and the reading a card reader would expect is kept (domain/bestReading).
 */
export async function recognise(
	image: HTMLCanvasElement,
	onProgress: LoadProgress
): Promise<RecognisedLine[][]> {
	const { card, han } = await loadRecogniser(onProgress);
	const { data } = await card.recognize(image, { rotateAuto: true }, { blocks: true, text: false });
	let lines = wordLines(data);
	const columns = verticalColumns(lines.flat(), image);
	// A column's reading is a second reading already.
	const readAgain = new Set<RecognisedLine[]>();
	for (const column of columns) {
		const reading = await readColumn(han, image, column);
		if (!reading) continue;
		lines = withColumn(lines, column, reading);
		readAgain.add(lines.at(-1) ?? []);
	}
	const big = bigLines(lines);
	for (const index of big.indexes) {
		const words = lines[index] ?? [];
		if (readAgain.has(words)) continue;
		const isBig = (word: RecognisedLine) => word.box.y1 - word.box.y0 >= big.height;
		const box = bigTypeBox(image, words.filter(isBig));
		const inBox = (word: RecognisedLine) => {
			const middle = (word.box.x0 + word.box.x1) / 2;
			return middle > box.x0 && middle < box.x1;
		};
		const first = words.filter(inBox);
		// A big line read with confidence as a name, or in Latin letters (most English names), is
		// left as it is.
		const firstText = readingText(first);
		if (
			meanConfidence(first) >= SURE &&
			(isLikelyName(firstText) || !/\p{Script=Han}/u.test(firstText))
		)
			continue;
		const readings = [
			first,
			await reread(card, image, box, READ_HEIGHT),
			await reread(han, image, box, READ_HEIGHT),
			await reread(han, image, box, READ_HEIGHT * 1.5)
		];
		const best = bestReading(readings, SURE);
		if (best === first) continue;
		// Smaller words the recogniser put on the same line (an e-mail beside a big name) stay.
		lines[index] = words.filter((word) => !inBox(word));
		lines.push([...best]);
	}
	return lines.filter((line) => line.length > 0);
}

/** Stops the recogniser mid-read (the person cancelled): the next read starts a fresh one. */
export async function stopRecogniser(): Promise<void> {
	const running = ready;
	ready = null;
	if (!running) return;
	try {
		const { card, han } = await running;
		await Promise.all([card.terminate(), han.terminate()]);
	} catch {
		// It never started, or is gone already.
	}
}
