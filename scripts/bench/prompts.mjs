// The prompt screen of issue 4: what opening it costs beyond the shell (its own JS and the deck
// of the reader's language, gzip -9), and how long after navigation the first card is on screen.
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS } from '../../tests/support/chromium-flags.mjs';

/** @type {import('../bench.mjs').Measure} */
export default async function measurePrompts({ url, chromiumPath, progress }) {
	progress('prompts: JS for /prompts beyond /, and time to the first card');
	const browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
	try {
		const context = await browser.newContext({ serviceWorkers: 'block' });
		const page = await context.newPage();
		/** @type {Map<string, Promise<Buffer>>} */
		const bodies = new Map();
		let collecting = false;
		page.on('response', (response) => {
			if (!collecting || !/\.m?js$/.test(new URL(response.url()).pathname)) return;
			if (!bodies.has(response.url())) bodies.set(response.url(), response.body());
		});
		await page.goto(`${url}/`, { waitUntil: 'networkidle' });
		collecting = true;
		// A client-side navigation, as from the home tile: only what the screen adds is fetched.
		const started = Date.now();
		await page.click('a[href="/prompts"]');
		await page.waitForSelector('[data-testid="prompt-text"]');
		const firstCardMs = Date.now() - started;
		await page.waitForLoadState('networkidle');
		let bytes = 0;
		for (const body of bodies.values()) bytes += gzipSync(await body, { level: 9 }).length;
		return { promptsRouteJsGzipBytes: bytes, promptsFirstCardMs: firstCardMs };
	} finally {
		await browser.close();
	}
}
