import type { Worker } from 'tesseract.js';
import { bigLines, READ_HEIGHT, type RecognisedLine } from '$lib/domain/paperCard';

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

let ready: Promise<Worker> | null = null;

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

async function start(onProgress: LoadProgress): Promise<Worker> {
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
	return Promise.race([
		tesseract.createWorker([...LANGUAGES], tesseract.OEM.LSTM_ONLY, {
			workerPath: `${__PAPER_CARD_ASSETS__}worker.min.js`,
			corePath: `${__PAPER_CARD_ASSETS__}core`,
			langPath: `${__PAPER_CARD_ASSETS__}lang`,
			// A blob: worker would need worker-src blob:, which the CSP does not allow.
			workerBlobURL: false,
			// The service worker keeps the files; a second copy in IndexedDB would double them.
			cacheMethod: 'none',
			logger: ({ status, progress }) => {
				if (status === 'loading tesseract core') onProgress(0.7 + 0.2 * progress);
				else if (status === 'initializing api') onProgress(0.9 + 0.1 * progress);
			},
			errorHandler: (error: unknown) => failed(error)
		}),
		failure
	]);
}

/** Starts the recogniser, once; later calls share it. */
export function loadRecogniser(onProgress: LoadProgress): Promise<Worker> {
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

/**
 * The words of one big line, read again from its own crop brought down to body-text size, in
 * the coordinates of the whole image; null when the second reading found nothing.
 */
async function reread(
	worker: Worker,
	image: HTMLCanvasElement,
	words: RecognisedLine[]
): Promise<RecognisedLine[] | null> {
	const x0 = Math.min(...words.map((word) => word.box.x0));
	const y0 = Math.min(...words.map((word) => word.box.y0));
	const x1 = Math.max(...words.map((word) => word.box.x1));
	const y1 = Math.max(...words.map((word) => word.box.y1));
	const pad = (y1 - y0) * 0.3;
	const crop = {
		x: Math.max(0, x0 - pad),
		y: Math.max(0, y0 - pad),
		width: Math.min(image.width, x1 + pad) - Math.max(0, x0 - pad),
		height: Math.min(image.height, y1 + pad) - Math.max(0, y0 - pad)
	};
	const scale = READ_HEIGHT / (y1 - y0);
	const canvas = document.createElement('canvas');
	canvas.width = Math.max(1, Math.round(crop.width * scale));
	canvas.height = Math.max(1, Math.round(crop.height * scale));
	canvas
		.getContext('2d')
		?.drawImage(image, crop.x, crop.y, crop.width, crop.height, 0, 0, canvas.width, canvas.height);
	const { data } = await worker.recognize(canvas, {}, { blocks: true, text: false });
	const lines = wordLines(data, scale, crop).filter((line) => line.length > 0);
	const best = lines.sort((a, b) => b.length - a.length)[0];
	return best && best.some((word) => word.text.trim() !== '') ? best : null;
}

/**
 * The text on a card image, as words grouped in the recogniser's lines. Lines set much bigger
 * than the rest (most often the name) are read a second time at body-text size, which the
 * recogniser reads far better.
 */
export async function recognise(
	image: HTMLCanvasElement,
	onProgress: LoadProgress
): Promise<RecognisedLine[][]> {
	const worker = await loadRecogniser(onProgress);
	const { data } = await worker.recognize(
		image,
		{ rotateAuto: true },
		{ blocks: true, text: false }
	);
	const lines = wordLines(data);
	const big = bigLines(lines);
	for (const index of big.indexes) {
		const words = lines[index] ?? [];
		const isBig = (word: RecognisedLine) => word.box.y1 - word.box.y0 >= big.height;
		// A big line read with confidence (most English names) is left as it is.
		if (meanConfidence(words.filter(isBig)) >= SURE) continue;
		const again = await reread(worker, image, words.filter(isBig));
		// Kept only when the recogniser is surer of it than of the first reading.
		if (!again || meanConfidence(again) <= meanConfidence(words.filter(isBig))) continue;
		// Smaller words the recogniser put on the same line (an e-mail beside a big name) stay.
		lines[index] = words.filter((word) => !isBig(word));
		lines.push(again);
	}
	return lines.filter((line) => line.length > 0);
}

/** Stops the recogniser mid-read (the person cancelled): the next read starts a fresh one. */
export async function stopRecogniser(): Promise<void> {
	const running = ready;
	ready = null;
	if (!running) return;
	try {
		await (await running).terminate();
	} catch {
		// It never started, or is gone already.
	}
}
