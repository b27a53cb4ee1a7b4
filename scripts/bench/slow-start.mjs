// A first visit over a slow network on a slow phone, on `/` and on `/c#<reference card>`: when the
// page first paints, and when the app is ready (SvelteKit has hydrated the page and started its
// router). Our pages ask for their scripts only after their first paint; the bare SvelteKit page
// (support/pageBaseline.mjs) preloads them while it is parsed, so this shows what that costs.
// Ours and the baseline in turn RUNS times (support/pagesInTurn.mjs); medians are the figures and
// every raw run is returned.
import { measurePagesInTurn } from './support/pagesInTurn.mjs';

const RUNS = 5;
// Lighthouse's slow 4G: 150 ms round trips, 1.6 Mbit/s down, 750 kbit/s up; and its 4× CPU.
const NETWORK = {
	offline: false,
	latency: 150,
	downloadThroughput: 1_600_000 / 8,
	uploadThroughput: 750_000 / 8
};
const CPU_SLOWDOWN = 4;

/**
 * SvelteKit registers its `beforeunload` listener as it starts its router, right after hydration,
 * on any SvelteKit page: the same moment on both sides, with no marker of our own.
 */
function recordReady() {
	const add = window.addEventListener.bind(window);
	window.addEventListener = (type, ...rest) => {
		if (type === 'beforeunload' && !('__readyAt' in window)) {
			Object.assign(window, { __readyAt: performance.now() });
		}
		return add(type, ...rest);
	};
}

/**
 * @param {import('playwright-core').Browser} browser @param {string} url
 * @returns {Promise<{ paintMs: number, readyMs: number }>}
 */
async function firstVisit(browser, url) {
	const context = await browser.newContext({
		locale: 'zh-TW',
		serviceWorkers: 'block',
		viewport: { width: 390, height: 844 }
	});
	try {
		await context.addInitScript(recordReady);
		const page = await context.newPage();
		const cdp = await context.newCDPSession(page);
		await cdp.send('Network.enable');
		await cdp.send('Network.emulateNetworkConditions', NETWORK);
		await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
		await page.goto(url);
		await page.waitForFunction(() => '__readyAt' in window, undefined, { timeout: 30_000 });
		const { paint, ready } = await page.evaluate(() => ({
			paint: performance.getEntriesByName('first-contentful-paint')[0]?.startTime,
			ready: /** @type {{ __readyAt: number }} */ (/** @type {unknown} */ (window)).__readyAt
		}));
		if (paint === undefined) throw new Error(`slow start: no first contentful paint at ${url}`);
		return { paintMs: Math.round(paint), readyMs: Math.round(ready) };
	} finally {
		await context.close();
	}
}

/** Figure name prefix per page. */
const PREFIX = { home: 'slowStart', 'card page': 'slowStartCardPage' };

/** @type {import('../bench.mjs').Measure} */
export default async function slowStart(context) {
	const { figures, runs } = await measurePagesInTurn(context, {
		runs: RUNS,
		prefixes: PREFIX,
		label: 'slow start',
		visit: (browser, pageUrl) => firstVisit(browser, pageUrl)
	});
	return { ...figures, slowStartRuns: runs };
}
