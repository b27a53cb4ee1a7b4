import type { Worker } from 'tesseract.js';
import type { RecognisedLine } from '$lib/domain/paperCard';

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

/** The text on a card image, as words grouped in the recogniser's lines. */
export async function recognise(
	image: HTMLCanvasElement | Blob,
	onProgress: LoadProgress
): Promise<RecognisedLine[][]> {
	const worker = await loadRecogniser(onProgress);
	const { data } = await worker.recognize(
		image,
		{ rotateAuto: true },
		{ blocks: true, text: false }
	);
	const box = ({ x0, y0, x1, y1 }: { x0: number; y0: number; x1: number; y1: number }) => ({
		x0,
		y0,
		x1,
		y1
	});
	return (data.blocks ?? []).flatMap((block) =>
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
