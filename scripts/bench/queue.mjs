// queueRenderMs5k: with 5,000 connections and 5,000 follow-ups stored, the time from navigating to
// /follow-ups until its first section is on screen and usable (the page marks `queue-ready` after
// that render), median of 5 loads in headless Chromium. The bar is 300 ms.
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS } from '../../tests/support/chromium-flags.mjs';

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

/** @param {import('../bench.mjs').BenchContext} context */
export default async function queue({ url, chromiumPath, progress }) {
	progress(`queue: seeding ${COUNT} connections and ${COUNT} follow-ups`);
	const browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
	try {
		const context = await browser.newContext({ serviceWorkers: 'block' });
		const page = await context.newPage();
		// The app creates its database on the first visit; seeding waits for that.
		await page.goto(`${url}/follow-ups`);
		await page.locator('[data-ready="true"]').waitFor({ timeout: 30_000 });
		await page.evaluate(seed, COUNT);

		const times = [];
		for (let run = 0; run < RUNS; run++) {
			await page.goto(`${url}/follow-ups`);
			await page.locator('[data-ready="true"]').waitFor({ timeout: 30_000 });
			const sections = await page.locator('[data-section] article').count();
			if (sections === 0) throw new Error('queue: no follow-up rendered');
			// Marks are timed from the navigation's start (performance.timeOrigin).
			const ms = await page.evaluate(
				() => performance.getEntriesByName('queue-ready', 'mark')[0]?.startTime ?? NaN
			);
			times.push(ms);
			progress(`queue: run ${run + 1}: ${Math.round(ms)} ms`);
		}
		const sorted = [...times].sort((a, b) => a - b);
		const median = sorted[Math.floor(sorted.length / 2)];
		return { queueRenderMs5k: Math.round(median) };
	} finally {
		await browser.close();
	}
}
