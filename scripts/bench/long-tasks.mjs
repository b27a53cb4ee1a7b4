// The longest main-thread task after the first contentful paint, in a Chromium trace with the CPU
// slowed down 4×, on `/` and on `/c#<reference card>` (issue 17's bar: none over 50 ms on `/`),
// side by side with a bare SvelteKit site serving the same text (support/pageBaseline.mjs), ours
// and the baseline in turn RUNS times (support/pagesInTurn.mjs). Also the blocking time of those tasks
// (their time over 50 ms, summed), which is what Lighthouse's total blocking time adds up.
// Medians are the figures; every raw run is printed and returned.
import { measurePagesInTurn } from './support/pagesInTurn.mjs';

const RUNS = 5;
const LONG_TASK_MS = 50;

/**
 * Loads `url` in a fresh context under a trace and returns the tasks that ran on the page's main
 * thread after its first contentful paint, in ms.
 * @param {import('playwright-core').Browser} browser @param {string} url
 */
async function tasksAfterFirstPaint(browser, url) {
	const context = await browser.newContext({
		locale: 'zh-TW',
		serviceWorkers: 'block',
		viewport: { width: 390, height: 844 }
	});
	try {
		const page = await context.newPage();
		const cdp = await context.newCDPSession(page);
		await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
		/** @type {{ name: string, pid: number, tid: number, ts: number, dur?: number }[]} */
		const events = [];
		cdp.on('Tracing.dataCollected', ({ value }) => events.push(...value));
		const complete = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
		await cdp.send('Tracing.start', {
			categories: 'devtools.timeline,disabled-by-default-devtools.timeline,loading',
			transferMode: 'ReportEvents'
		});
		await page.goto(url, { waitUntil: 'load' });
		// Long enough for hydration and what the page starts once it is up, at 4× slower.
		await page.waitForTimeout(2500);
		await cdp.send('Tracing.end');
		await complete;
		const paint = events.find((event) => event.name === 'firstContentfulPaint');
		if (!paint) throw new Error(`long tasks: no first contentful paint at ${url}`);
		return events
			.filter(
				(event) =>
					event.name === 'RunTask' &&
					event.pid === paint.pid &&
					event.tid === paint.tid &&
					event.ts >= paint.ts
			)
			.map((event) => (event.dur ?? 0) / 1000);
	} finally {
		await context.close();
	}
}

/** @param {number[]} tasks */
function summarise(tasks) {
	return {
		longestMs: Math.round(Math.max(0, ...tasks)),
		blockingMs: Math.round(tasks.reduce((sum, ms) => sum + Math.max(0, ms - LONG_TASK_MS), 0))
	};
}

/** Figure name prefix per page. */
const PREFIX = { home: 'longTask', 'card page': 'longTaskCardPage' };

/** @type {import('../bench.mjs').Measure} */
export default async function longTasks(context) {
	const { figures, runs } = await measurePagesInTurn(context, {
		runs: RUNS,
		prefixes: PREFIX,
		label: 'long tasks',
		visit: async (browser, pageUrl) => summarise(await tasksAfterFirstPaint(browser, pageUrl))
	});
	return { ...figures, longTaskRuns: runs };
}
