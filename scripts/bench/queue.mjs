// queueRenderMs5k: with 5,000 connections and 5,000 follow-ups stored, the time from navigating to
// /follow-ups until its first section is on screen and usable (the page marks `queue-ready` after
// that render), median of 5 loads in headless Chromium. Its baseline, measured alternately in the
// same run: a bare SvelteKit page that renders 5,000 plain rows in one Svelte component and marks
// `rows-ready` the same way. The bar is at most twice the baseline.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS } from '../../tests/support/chromium-flags.mjs';
import { buildBareSvelteKit } from './support/bareSvelteKit.mjs';
import { serveFolder } from '../../tests/support/serve.mjs';
import { median } from './support/median.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const COUNT = 5000;
const RUNS = 5;

/** Writes the records in one transaction, in the page's origin, as records.ts shapes them. */
function seed(count) {
	return new Promise((resolve, reject) => {
		const request = indexedDB.open('rapport');
		request.onerror = () => reject(request.error);
		request.onsuccess = () => {
			const db = request.result;
			const tx = db.transaction(['connections', 'followUps', 'settings'], 'readwrite');
			const now = Date.now();
			const day = 86_400_000;
			const id = (prefix, i) => `${prefix}0000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
			const statuses = ['pending', 'pending', 'pending', 'snoozed', 'done', 'skipped'];
			tx.objectStore('settings').put({ timeZone: 'Asia/Taipei', weeklyGoal: 3 }, 'settings');
			for (let i = 0; i < count; i++) {
				const metAt = new Date(now - ((i % 400) + 1) * day).toISOString();
				tx.objectStore('connections').put({
					id: id('c', i),
					card: {
						name: `聯絡人 ${i}`,
						company: `公司 ${i % 50}`,
						channels: [{ kind: 'line', value: `person${i}` }]
					},
					metAt,
					note: '聊到設計系統和前端效能',
					tags: [],
					tier: ['close', 'regular', 'light', 'none'][i % 4],
					source: 'scan',
					updatedAt: metAt
				});
				const status = statuses[i % statuses.length];
				const dueAt = new Date(now + ((i % 120) - 60) * day).toISOString();
				tx.objectStore('followUps').put({
					id: id('f', i),
					connectionId: id('c', i),
					kind: 'post_event',
					cycle: 0,
					dueAt,
					status,
					...(status === 'snoozed'
						? { snoozedUntil: new Date(now + ((i % 9) + 1) * day).toISOString() }
						: {}),
					...(status === 'done' || status === 'skipped' ? { doneAt: metAt } : {}),
					updatedAt: metAt
				});
			}
			tx.oncomplete = () => {
				db.close();
				resolve(undefined);
			};
			tx.onerror = () => reject(tx.error);
		};
	});
}

const BARE_ROWS = `<script>
	import { onMount } from 'svelte';

	let rows = $state([]);
	let ready = $state(false);

	onMount(() => {
		rows = Array.from({ length: ${COUNT} }, (_, i) => ({
			id: i,
			name: \`聯絡人 \${i}\`,
			company: \`公司 \${i % 50}\`,
			due: new Date(Date.now() + ((i % 120) - 60) * 86400000).toLocaleDateString('zh-TW')
		}));
	});

	$effect(() => {
		if (rows.length === 0 || ready) return;
		ready = true;
		performance.mark('rows-ready');
	});
</script>

<main data-ready={ready}>
	{#each rows as row (row.id)}
		<article><h2>{row.name}</h2><p>{row.company} · {row.due}</p></article>
	{/each}
</main>
`;

/**
 * One load of a page that marks `mark` once its rows are on screen, timed from navigation start.
 * @param {import('playwright-core').Page} page @param {string} url @param {string} mark
 */
async function timeLoad(page, url, mark) {
	await page.goto(url);
	await page.locator('[data-ready="true"]').waitFor({ timeout: 30_000 });
	if ((await page.locator('article').count()) === 0) throw new Error(`queue: nothing at ${url}`);
	return page.evaluate(
		(name) => performance.getEntriesByName(name, 'mark')[0]?.startTime ?? NaN,
		mark
	);
}

/** @param {import('../bench.mjs').BenchContext} context */
export default async function queue({ url, chromiumPath, progress }) {
	const bare = await buildBareSvelteKit({
		root,
		progress,
		pages: [{ route: '/rows', source: BARE_ROWS }]
	});
	const bareServer = await serveFolder(bare.buildDir);
	progress(`queue: seeding ${COUNT} connections and ${COUNT} follow-ups`);
	const browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
	try {
		const context = await browser.newContext({ serviceWorkers: 'block' });
		const page = await context.newPage();
		// The app creates its database on the first visit; seeding waits for that.
		await page.goto(`${url}/follow-ups`);
		await page.locator('[data-ready="true"]').waitFor({ timeout: 30_000 });
		await page.evaluate(seed, COUNT);

		/** @type {{ ours: number[], bare: number[] }} */
		const runs = { ours: [], bare: [] };
		for (let run = 0; run < RUNS; run++) {
			runs.ours.push(await timeLoad(page, `${url}/follow-ups`, 'queue-ready'));
			runs.bare.push(await timeLoad(page, `${bareServer.url}/rows`, 'rows-ready'));
			progress(
				`queue: run ${run + 1}: ours ${Math.round(runs.ours[run])} ms, ` +
					`bare ${COUNT} rows ${Math.round(runs.bare[run])} ms`
			);
		}
		const ours = median(runs.ours);
		const baseline = median(runs.bare);
		return {
			queueRenderMs5k: Math.round(ours),
			queueRenderMs5kBaseline: Math.round(baseline),
			queueRenderVsBaseline: Math.round((ours / baseline) * 100) / 100,
			queueRenderRuns: { ours: runs.ours.map(Math.round), bare: runs.bare.map(Math.round) }
		};
	} finally {
		await browser.close();
		await bareServer.close();
		await bare.remove();
	}
}
