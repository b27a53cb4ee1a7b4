// Lighthouse mobile (simulated throttling) on `/` and on `/c#<reference card>` — the page a
// visitor without the app sees first — side by side with a bare SvelteKit site serving the same
// text (support/pageBaseline.mjs), ours and the baseline in turn RUNS times each
// (support/inTurn.mjs), so a busy machine slows both alike. Medians are the figures; every raw run
// is printed and returned. Five runs, not three: total blocking time moves by 100 ms from one run
// to the next here, and a median of three still follows a single run.
// The browser reads Traditional Chinese, as the people the app is for do (Lighthouse's own Chromium
// would otherwise ask for English). Our pages are also run once more per round in a browser that
// reads English, which the app renders after hydration: those figures carry `En` in their names.
import { launch as launchChrome } from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { CHROMIUM_ARGS } from '../../tests/support/chromium-flags.mjs';
import { inTurn } from './support/inTurn.mjs';
import { median } from './support/median.mjs';
import { pageBaseline } from './support/pageBaseline.mjs';

const RUNS = 5;

const CATEGORIES = {
	performance: 'Performance',
	accessibility: 'Accessibility',
	'best-practices': 'BestPractices'
};

/** Lighthouse audit id → figure suffix; times in ms, layout shift unitless. */
const METRICS = {
	'first-contentful-paint': 'FcpMs',
	'largest-contentful-paint': 'LcpMs',
	'total-blocking-time': 'TbtMs',
	'cumulative-layout-shift': 'Cls',
	'speed-index': 'SpeedIndexMs'
};

/**
 * One Lighthouse run in a fresh Chromium.
 * @param {string} url @param {string} chromiumPath @param {string} language the browser's
 * @returns {Promise<{ figures: Record<string, number | null>, failedAudits: string[] }>}
 */
async function audit(url, chromiumPath, language = 'zh-TW') {
	const chrome = await launchChrome({
		chromePath: chromiumPath,
		chromeFlags: [...CHROMIUM_ARGS, `--lang=${language}`, `--accept-lang=${language}`],
		logLevel: 'silent'
	});
	try {
		const result = await lighthouse(
			url,
			{ port: chrome.port, logLevel: 'error', onlyCategories: Object.keys(CATEGORIES) },
			undefined
		);
		if (!result) throw new Error('Lighthouse returned no result');
		const { lhr } = result;
		if (lhr.runtimeError) throw new Error(`Lighthouse: ${lhr.runtimeError.message}`);
		/** @type {Record<string, number | null>} */
		const figures = {};
		for (const [id, suffix] of Object.entries(CATEGORIES)) {
			const score = lhr.categories[id]?.score;
			figures[suffix] = typeof score === 'number' ? Math.round(score * 100) : null;
		}
		for (const [id, suffix] of Object.entries(METRICS)) {
			const value = lhr.audits[id]?.numericValue;
			figures[suffix] =
				typeof value !== 'number'
					? null
					: suffix.endsWith('Ms')
						? Math.round(value)
						: Math.round(value * 1000) / 1000;
		}
		// The audits that cost points where the bar is 100, for diagnosis without the full report.
		const failedAudits = [];
		for (const id of ['accessibility', 'best-practices']) {
			for (const ref of lhr.categories[id]?.auditRefs ?? []) {
				const score = lhr.audits[ref.id]?.score;
				if (typeof score === 'number' && score < 1) failedAudits.push(ref.id);
			}
		}
		return { figures, failedAudits };
	} finally {
		chrome.kill();
	}
}

/** Figure name prefix per page. */
const PREFIX = { home: 'lighthouse', 'card page': 'lighthouseCardPage' };

/** @type {import('../bench.mjs').Measure} */
export default async function measureLighthouse(context) {
	const { url, chromiumPath, progress } = context;
	const { pages, bareUrl } = await pageBaseline(context);
	/** @type {Record<string, unknown>} */
	const figures = {};
	/** @typedef {Record<string, number | null>[]} Runs */
	/** @type {Record<string, { ours: Runs, bare: Runs, oursEnglish: Runs }>} */
	const runs = {};
	const failed = new Set();
	for (const { name, path } of pages) {
		const prefix = PREFIX[name];
		runs[name] = { ours: [], bare: [], oursEnglish: [] };
		for (let run = 1; run <= RUNS; run++) {
			const { ours, baseline } = await inTurn(
				run,
				() => audit(`${url}${path}`, chromiumPath),
				() => audit(`${bareUrl}${path}`, chromiumPath)
			);
			const english = await audit(`${url}${path}`, chromiumPath, 'en-US');
			runs[name].ours.push(ours.figures);
			runs[name].bare.push(baseline.figures);
			runs[name].oursEnglish.push(english.figures);
			for (const id of [...ours.failedAudits, ...english.failedAudits]) failed.add(id);
			progress(
				`lighthouse ${name} run ${run}: ours ${JSON.stringify(ours.figures)}, ` +
					`bare ${JSON.stringify(baseline.figures)}, ` +
					`ours in English ${JSON.stringify(english.figures)}`
			);
		}
		for (const suffix of [...Object.values(CATEGORIES), ...Object.values(METRICS)]) {
			const of = (/** @type {Record<string, number | null>[]} */ list) => {
				const values = list.map((figure) => figure[suffix]).filter((v) => typeof v === 'number');
				return values.length === list.length ? median(/** @type {number[]} */ (values)) : null;
			};
			figures[`${prefix}${suffix}`] = of(runs[name].ours);
			figures[`${prefix}${suffix}Baseline`] = of(runs[name].bare);
			figures[`${prefix}En${suffix}`] = of(runs[name].oursEnglish);
		}
	}
	figures.lighthouseFailedAudits = [...failed].sort();
	figures.lighthouseRuns = runs;
	progress(
		`lighthouse medians of ${RUNS}: ${JSON.stringify(
			Object.fromEntries(Object.entries(figures).filter(([key]) => key !== 'lighthouseRuns'))
		)}`
	);
	return figures;
}
