// A first visit over a slow network on a slow phone, on `/` and on `/c#<reference card>`: when the
// page first paints, and when the app is ready (SvelteKit has hydrated the page and started its
// router). Our pages ask for their scripts only after their first paint; the bare SvelteKit page
// (support/pageBaseline.mjs) preloads them while it is parsed, so this shows what that costs.
// Ours and the baseline in turn RUNS times (support/inTurn.mjs); medians are the figures and every
// raw run is returned.
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS } from '../../tests/support/chromium-flags.mjs';
import { inTurn } from './support/inTurn.mjs';
import { median } from './support/median.mjs';
import { pageBaseline } from './support/pageBaseline.mjs';

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
	const { url, chromiumPath, progress } = context;
	const { pages, bareUrl } = await pageBaseline(context);
	const browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
	try {
		/** @type {Record<string, unknown>} */
		const figures = {};
		/** @type {Record<string, { ours: { paintMs: number, readyMs: number }[], bare: { paintMs: number, readyMs: number }[] }>} */
		const runs = {};
		for (const { name, path } of pages) {
			const these = (runs[name] = { ours: [], bare: [] });
			for (let run = 1; run <= RUNS; run++) {
				const { ours, baseline } = await inTurn(
					run,
					() => firstVisit(browser, `${url}${path}`),
					() => firstVisit(browser, `${bareUrl}${path}`)
				);
				these.ours.push(ours);
				these.bare.push(baseline);
				progress(
					`slow start ${name} run ${run}: ours ${JSON.stringify(ours)}, bare ${JSON.stringify(baseline)}`
				);
			}
			for (const [key, suffix] of /** @type {const} */ ([
				['paintMs', 'PaintMs'],
				['readyMs', 'ReadyMs']
			])) {
				figures[`${PREFIX[name]}${suffix}`] = median(these.ours.map((one) => one[key]));
				figures[`${PREFIX[name]}${suffix}Baseline`] = median(these.bare.map((one) => one[key]));
			}
		}
		figures.slowStartRuns = runs;
		return figures;
	} finally {
		await browser.close();
	}
}
