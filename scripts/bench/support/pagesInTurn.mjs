// The page-speed measures that take a few numbers from each visit (long tasks, the slow first
// visit): every page of ours and of the bare site in turn (inTurn.mjs), RUNS times, each figure the
// median of its runs, every raw run kept.
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS } from '../../../tests/support/chromium-flags.mjs';
import { inTurn } from './inTurn.mjs';
import { median } from './median.mjs';
import { pageBaseline } from './pageBaseline.mjs';

/**
 * The bench's pages and the bare site beside them, each visited in one Chromium.
 * @template {Record<string, number>} Visit
 * @param {import('../../bench.mjs').BenchContext} context
 * @param {{ runs: number, prefixes: Record<string, string>, label: string, visit: (browser: import('playwright-core').Browser, url: string) => Promise<Visit> }} options
 */
export async function measurePagesInTurn(context, { runs, prefixes, label, visit }) {
	const { url, chromiumPath, progress } = context;
	const { pages, bareUrl } = await pageBaseline(context);
	const browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
	try {
		return await pagesInTurn({
			pages,
			url,
			bareUrl,
			runs,
			prefixes,
			label,
			visit: (pageUrl) => visit(browser, pageUrl),
			progress
		});
	} finally {
		await browser.close();
	}
}

/**
 * Figures are named `${prefix}${Key}` and `${prefix}${Key}Baseline`, where Key is a visit's key
 * with a capital: `longestMs` of the home page, prefix `longTask`, is `longTaskLongestMs`.
 * @template {Record<string, number>} Visit
 * @param {object} options
 * @param {{ name: string, path: string }[]} options.pages
 * @param {string} options.url our origin
 * @param {string} options.bareUrl the bare site's origin
 * @param {number} options.runs
 * @param {Record<string, string>} options.prefixes figure name prefix per page name
 * @param {string} options.label what the progress lines call this measure
 * @param {(url: string) => Promise<Visit>} options.visit
 * @param {(message: string) => void} options.progress
 * @returns {Promise<{ figures: Record<string, number>, runs: Record<string, { ours: Visit[], bare: Visit[] }> }>}
 */
export async function pagesInTurn({ pages, url, bareUrl, runs, prefixes, label, visit, progress }) {
	/** @type {Record<string, number>} */
	const figures = {};
	/** @type {Record<string, { ours: Visit[], bare: Visit[] }>} */
	const raw = {};
	for (const { name, path } of pages) {
		/** @type {{ ours: Visit[], bare: Visit[] }} */
		const these = { ours: [], bare: [] };
		raw[name] = these;
		for (let run = 1; run <= runs; run++) {
			const { ours, baseline } = await inTurn(
				run,
				() => visit(`${url}${path}`),
				() => visit(`${bareUrl}${path}`)
			);
			these.ours.push(ours);
			these.bare.push(baseline);
			progress(
				`${label} ${name} run ${run}: ours ${JSON.stringify(ours)}, bare ${JSON.stringify(baseline)}`
			);
		}
		for (const key of Object.keys(these.ours[0] ?? {})) {
			const figure = `${prefixes[name]}${key[0]?.toUpperCase()}${key.slice(1)}`;
			figures[figure] = median(these.ours.map((one) => one[key] ?? NaN));
			figures[`${figure}Baseline`] = median(these.bare.map((one) => one[key] ?? NaN));
		}
	}
	return { figures, runs: raw };
}
