// Scanner figures: how fast /scan decodes the reference card through a fake camera, and how many
// bytes the scanner costs on that page alone (none of which may be in the home page's first load).
import { gzipSync } from 'node:zlib';

const RUNS = 12;

/**
 * @param {import('playwright-core').Page} page
 * @returns {Map<string, Promise<Buffer>>} script URL → body, for every script the page loads
 */
function recordScripts(page) {
	/** @type {Map<string, Promise<Buffer>>} */
	const bodies = new Map();
	page.on('response', (response) => {
		const { pathname } = new URL(response.url());
		const isScript = response.request().resourceType() === 'script' || /\.m?js$/.test(pathname);
		const isWorker = pathname === '/sw.js' || /\/workbox-[^/]*\.js$/.test(pathname);
		if (isScript && !isWorker && !bodies.has(response.url()))
			bodies.set(response.url(), response.body());
	});
	return bodies;
}

/** @param {number[]} values */
function median(values) {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
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
	const text = card.encodeCardUrl(card.referenceCard, card.referenceOrigin);
	// The service worker is blocked: its precache would fetch every chunk and compete for the CPU.
	const session = await camera.launchWithFakeCamera(text, {
		executablePath: chromiumPath,
		serviceWorkers: 'block'
	});
	try {
		const { page } = session;
		const home = recordScripts(page);
		await page.goto(`${url}/`, { waitUntil: 'networkidle' });
		const homeScripts = new Map(home);

		/** @type {number[]} */
		const times = [];
		let scanScripts = new Map();
		page.removeAllListeners('response');
		for (let run = 0; run < RUNS; run++) {
			// The first visit is the one that downloads the scanner; later ones come from the cache.
			if (run === 0) scanScripts = recordScripts(page);
			await page.goto(`${url}/scan`, { waitUntil: 'networkidle' });
			await page.locator('#scan-start').click();
			await page.getByTestId('scan-preview').waitFor({ timeout: 15_000 });
			const ms = await page.evaluate(() => {
				const [start] = performance.getEntriesByName('rapport:scan-start');
				const [decoded] = performance.getEntriesByName('rapport:scan-decoded');
				return start && decoded ? decoded.startTime - start.startTime : null;
			});
			if (ms === null) throw new Error('the scan page recorded no start/decoded marks');
			times.push(ms);
			page.removeAllListeners('response');
		}
		const scanDecodeMsMedian = Math.round(median(times));
		progress(`scan: decode ms ${times.map(Math.round).join(', ')} → median ${scanDecodeMsMedian}`);

		let scanChunkGzipBytes = 0;
		for (const [fileUrl, body] of scanScripts) {
			if (homeScripts.has(fileUrl)) continue;
			const bytes = gzipSync(await body, { level: 9 }).length;
			scanChunkGzipBytes += bytes;
			progress(`  ${String(bytes).padStart(7)} B  ${new URL(fileUrl).pathname} (scan only)`);
		}
		for (const [fileUrl, body] of homeScripts) {
			if ((await body).includes('Html5Qrcode')) {
				throw new Error(`html5-qrcode is in the home page's first load: ${fileUrl}`);
			}
		}
		progress(`scan: ${scanChunkGzipBytes} B gzipped load with /scan only, none of it on /`);
		return { scanDecodeMsMedian, scanChunkGzipBytes };
	} finally {
		await session.close();
	}
}
