// Scanner figures: how fast /scan decodes through a 640×480 fake camera (the dense 85-module
// iPhone vCard, and our reference card), against a baseline measured in the same run — the
// scanner as it was before issue 15, html5-qrcode's own JavaScript decoder with the app's old
// settings — and how many bytes the scanner costs on that page alone, its .wasm counted (none
// of it may be in the home page's first load).
import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { median } from './support/median.mjs';

const RUNS = 8;
/** The old decoder never read the dense vCard at 640×480; a run that reads nothing stops here. */
const TIMEOUT_MS = 6000;

/**
 * @param {import('playwright-core').Page} page
 * @returns {Map<string, Promise<Buffer>>} URL → body, for every script and .wasm the page loads
 */
function recordScripts(page) {
	/** @type {Map<string, Promise<Buffer>>} */
	const bodies = new Map();
	page.on('response', (response) => {
		const { pathname } = new URL(response.url());
		const isScript = response.request().resourceType() === 'script' || /\.m?js$/.test(pathname);
		const isWorker = pathname === '/sw.js' || /\/workbox-[^/]*\.js$/.test(pathname);
		const isWasm = pathname.endsWith('.wasm');
		if ((isScript || isWasm) && !isWorker && !bodies.has(response.url()))
			bodies.set(response.url(), response.body());
	});
	return bodies;
}

/** @param {(number | null)[]} runs */
function describeRuns(runs) {
	return runs.map((ms) => (ms === null ? `>${TIMEOUT_MS}` : String(Math.round(ms)))).join(', ');
}

/** @param {(number | null)[]} runs  a run that timed out counts as the timeout (a lower bound) */
function medianOf(runs) {
	return Math.round(median(runs.map((ms) => ms ?? TIMEOUT_MS)));
}

/**
 * One decode with the app: open /scan, start the camera, wait for the preview.
 * @param {import('playwright-core').Page} page
 * @param {string} url
 * @returns {Promise<{ ms: number | null, viewfinderWidth: number }>}
 */
async function appRun(page, url) {
	await page.goto(`${url}/scan`, { waitUntil: 'networkidle' });
	await page.locator('#scan-start').click();
	const preview = page.getByTestId('scan-preview');
	const read = await preview.waitFor({ timeout: TIMEOUT_MS }).then(
		() => true,
		() => false
	);
	const viewfinderWidth = await page.evaluate(
		() => document.getElementById('scan-viewfinder')?.clientWidth ?? 0
	);
	if (!read) return { ms: null, viewfinderWidth };
	const ms = await page.evaluate(() => {
		const [start] = performance.getEntriesByName('rapport:scan-start');
		const [decoded] = performance.getEntriesByName('rapport:scan-decoded');
		return start && decoded ? decoded.startTime - start.startTime : null;
	});
	if (ms === null) throw new Error('the scan page recorded no start/decoded marks');
	return { ms, viewfinderWidth };
}

/**
 * One decode with the baseline: html5-qrcode's bundled build on a bare page of the same origin,
 * in a viewfinder as wide as the app's, with the settings the app used before (15 fps, a scan
 * box of 70 % of the shorter side, no flipping, the native detector if there were one).
 * @param {import('playwright-core').Page} page
 * @param {string} url
 * @param {string} library  html5-qrcode.min.js
 * @param {number} width  the app's viewfinder width in CSS pixels
 * @returns {Promise<number | null>}
 */
async function baselineRun(page, url, library, width) {
	await page.goto(`${url}/__bench-baseline`);
	await page.addScriptTag({ content: library });
	return page.evaluate(
		({ width, timeout }) => {
			const { Html5Qrcode, Html5QrcodeSupportedFormats } = /** @type {any} */ (window)
				.__Html5QrcodeLibrary__;
			const viewfinder = document.createElement('div');
			viewfinder.id = 'baseline-viewfinder';
			viewfinder.style.width = `${width}px`;
			document.body.append(viewfinder);
			const scanner = new Html5Qrcode(viewfinder.id, {
				verbose: false,
				formatsToSupport: [Html5QrcodeSupportedFormats.QR_CODE],
				useBarCodeDetectorIfSupported: true
			});
			return new Promise((resolve) => {
				const started = performance.now();
				const timer = setTimeout(() => resolve(null), timeout);
				void scanner.start(
					{ facingMode: 'environment' },
					{
						fps: 15,
						qrbox: (/** @type {number} */ w, /** @type {number} */ h) => {
							const side = Math.max(50, Math.floor(Math.min(w, h) * 0.7));
							return { width: side, height: side };
						},
						disableFlip: true
					},
					() => {
						clearTimeout(timer);
						resolve(performance.now() - started);
					},
					undefined
				);
			});
		},
		{ width, timeout: TIMEOUT_MS }
	);
}

/** @type {(context: { url: string, chromiumPath: string, progress: (message: string) => void }) => Promise<Record<string, number>>} */
export default async function scanFigures({ url, chromiumPath, progress }) {
	const { createServer } = await import('vite');
	const server = await createServer({
		server: { middlewareMode: true },
		appType: 'custom',
		logLevel: 'silent'
	});
	let card;
	let camera;
	try {
		card = await server.ssrLoadModule('/src/lib/domain/card/index.ts');
		camera = await server.ssrLoadModule('/tests/support/camera.ts');
	} finally {
		await server.close();
	}
	const library = await readFile(
		new URL('../../node_modules/html5-qrcode/html5-qrcode.min.js', import.meta.url),
		'utf8'
	);
	const codes = [
		{ name: 'dense vCard (85 modules)', text: camera.IPHONE_VCARD },
		{ name: 'reference card', text: card.encodeCardUrl(card.referenceCard, card.referenceOrigin) }
	];

	/** @type {Record<string, number>} */
	const figures = {};
	/** @type {Map<string, Promise<Buffer>>} */
	let homeScripts = new Map();
	/** @type {Map<string, Promise<Buffer>>} */
	let scanScripts = new Map();
	for (const [index, code] of codes.entries()) {
		// The service worker is blocked: its precache would fetch every chunk and compete for the CPU.
		const session = await camera.launchWithFakeCamera(code.text, {
			executablePath: chromiumPath,
			serviceWorkers: 'block',
			size: { width: 640, height: 480 }
		});
		try {
			const { page } = session;
			await page.route(`${url}/__bench-baseline`, (route) =>
				route.fulfill({ contentType: 'text/html', body: '<!doctype html><body></body>' })
			);
			if (index === 0) {
				const home = recordScripts(page);
				await page.goto(`${url}/`, { waitUntil: 'networkidle' });
				homeScripts = new Map(home);
				page.removeAllListeners('response');
				// The first visit is the one that downloads the scanner; later ones use the cache.
				scanScripts = recordScripts(page);
			}
			/** @type {(number | null)[]} */
			const ours = [];
			/** @type {(number | null)[]} */
			const baseline = [];
			let viewfinderWidth = 0;
			for (let run = 0; run < RUNS; run++) {
				// Alternating which goes first, so neither always meets a warmer machine.
				const oursFirst = run % 2 === 0;
				if (!oursFirst)
					baseline.push(await baselineRun(page, url, library, viewfinderWidth || 358));
				const result = await appRun(page, url);
				ours.push(result.ms);
				viewfinderWidth = result.viewfinderWidth;
				if (index === 0 && run === 0) page.removeAllListeners('response');
				if (oursFirst) baseline.push(await baselineRun(page, url, library, viewfinderWidth));
			}
			progress(`scan: ${code.name}, 640×480, ms from camera start to decode`);
			progress(`  ours (ZXing-C++ wasm):       ${describeRuns(ours)} → median ${medianOf(ours)}`);
			progress(
				`  baseline (html5-qrcode JS):  ${describeRuns(baseline)} → median ${medianOf(baseline)}`
			);
			const key = index === 0 ? 'scanDecodeMsMedian' : 'scanDecodeReferenceMsMedian';
			if (ours.includes(null)) throw new Error(`the scanner missed the ${code.name}`);
			figures[key] = medianOf(ours);
			figures[`${key}Baseline`] = medianOf(baseline);
		} finally {
			await session.close();
		}
	}

	let scanChunkGzipBytes = 0;
	for (const [fileUrl, body] of scanScripts) {
		if (homeScripts.has(fileUrl)) continue;
		const bytes = gzipSync(await body, { level: 9 }).length;
		scanChunkGzipBytes += bytes;
		progress(`  ${String(bytes).padStart(7)} B  ${new URL(fileUrl).pathname} (scan only)`);
	}
	for (const [fileUrl, body] of homeScripts) {
		const text = await body;
		if (text.includes('Html5Qrcode') || fileUrl.endsWith('.wasm') || text.includes('zxing')) {
			throw new Error(`the scanner is in the home page's first load: ${fileUrl}`);
		}
	}
	progress(`scan: ${scanChunkGzipBytes} B gzipped load with /scan only (wasm counted), none on /`);
	return { ...figures, scanChunkGzipBytes };
}
