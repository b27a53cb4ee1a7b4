// backupRestore5kMs: a backup of 5,000 people, each with a follow-up, restored through Settings →
// Your data into an empty store in headless Chromium with real IndexedDB: the time from choosing
// the file to the preview, plus from "Restore" to "finished" (the person's pause in between is
// not counted). The bar is 3,000 ms, with no task blocking the main thread for over 200 ms
// (`backupRestoreLongestBlockMs`, from the Long Tasks API, the worst over every run).
//
// Baseline, in the same run: the same records written with plain IndexedDB puts, one transaction,
// no validation, no outbox. Baseline and restore alternate, RUNS each; medians, raw runs printed.
//
// Alone, after a build: `node scripts/bench/backup.mjs` serves build/ and prints one JSON line.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS } from '../../tests/support/chromium-flags.mjs';
import { serveFolder } from '../../tests/support/serve.mjs';
import { median } from './support/median.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const PEOPLE = 5000;
const RUNS = 3;

/** The backup's contents, shaped as the record schemas in src/lib/domain/records.ts want them. */
function content() {
	const id = (prefix, i) => `${prefix}0000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
	const day = 86_400_000;
	const now = Date.parse('2026-11-25T02:00:00Z');
	const events = Array.from({ length: 20 }, (_, i) => ({
		id: id('e', i),
		name: `台北前端社群小聚 #${i}`,
		context: 'meetup',
		startsAt: new Date(now - i * 7 * day).toISOString(),
		endsAt: new Date(now - i * 7 * day + 2 * 3_600_000).toISOString(),
		timeZone: 'Asia/Taipei',
		updatedAt: new Date(now - i * 7 * day).toISOString()
	}));
	const connections = [];
	const followUps = [];
	for (let i = 0; i < PEOPLE; i++) {
		const metAt = new Date(now - ((i % 400) + 1) * day).toISOString();
		connections.push({
			id: id('c', i),
			card: {
				name: `聯絡人 ${i}`,
				title: '資深工程師',
				company: `公司 ${i % 50}`,
				channels: [
					{ kind: 'line', value: `person${i}` },
					{ kind: 'email', value: `person${i}@example.com` }
				]
			},
			eventId: events[i % events.length].id,
			metAt,
			note: '聊到設計系統和前端效能',
			tags: ['前端'],
			tier: ['close', 'regular', 'light', 'none'][i % 4],
			source: 'scan',
			updatedAt: metAt
		});
		followUps.push({
			id: id('f', i),
			connectionId: id('c', i),
			kind: 'post_event',
			cycle: 0,
			dueAt: new Date(now + ((i % 120) - 60) * day).toISOString(),
			status: 'pending',
			updatedAt: metAt
		});
	}
	return {
		profile: {
			name: '王小明',
			hidden: [],
			channels: [{ kind: 'email', value: 'ming@example.com', shared: true }],
			updatedAt: new Date(now).toISOString()
		},
		settings: { followUpDelayDays: 1, followUpHour: 10, followUpSkipWeekends: true, weeklyGoal: 3 },
		prompts: { state: { favourites: [], prepared: {} }, openers: {} },
		events,
		connections,
		followUps
	};
}

/** Empties every store the app writes, so each run restores into an empty device. */
function clearStores() {
	return new Promise((resolve, reject) => {
		const request = indexedDB.open('rapport');
		request.onerror = () => reject(request.error);
		request.onsuccess = () => {
			const db = request.result;
			const names = [...db.objectStoreNames];
			const tx = db.transaction(names, 'readwrite');
			for (const name of names) tx.objectStore(name).clear();
			tx.oncomplete = () => {
				db.close();
				resolve(undefined);
			};
			tx.onerror = () => reject(tx.error);
		};
	});
}

/** The baseline: the file's records put as they are, in one transaction, nothing checked. */
function plainPuts(text) {
	const started = performance.now();
	const backup = JSON.parse(text);
	return new Promise((resolve, reject) => {
		const request = indexedDB.open('rapport');
		request.onerror = () => reject(request.error);
		request.onsuccess = () => {
			const db = request.result;
			const tx = db.transaction(['profile', 'events', 'connections', 'followUps'], 'readwrite');
			tx.objectStore('profile').put(backup.profile, 'me');
			for (const store of ['events', 'connections', 'followUps']) {
				for (const record of backup[store]) tx.objectStore(store).put(record);
			}
			tx.oncomplete = () => {
				db.close();
				resolve(performance.now() - started);
			};
			tx.onerror = () => reject(tx.error);
		};
	});
}

/** Records the longest main-thread task from now on. */
function watchLongTasks() {
	const state = { longest: 0 };
	window.__longestTask = state;
	new PerformanceObserver((list) => {
		for (const entry of list.getEntries()) state.longest = Math.max(state.longest, entry.duration);
	}).observe({ type: 'longtask' });
}

/** @param {{ url: string, chromiumPath: string, progress: (message: string) => void }} context */
export default async function backupRestore({ url, chromiumPath, progress }) {
	const { createServer } = await import('vite');
	const vite = await createServer({
		root,
		server: { middlewareMode: true },
		appType: 'custom',
		logLevel: 'silent'
	});
	let text;
	try {
		const backup = await vite.ssrLoadModule('/src/lib/domain/yourData/backup.ts');
		text = backup.serializeBackup(backup.buildBackup(content(), new Date()));
	} finally {
		await vite.close();
	}
	const folder = await mkdtemp(join(tmpdir(), 'rapport-bench-backup-'));
	const file = join(folder, 'rapport-backup.json');
	await writeFile(file, text);
	progress(`backup: ${PEOPLE} people, ${(text.length / 1e6).toFixed(1)} MB file`);

	const browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
	try {
		// The service worker is blocked: its precache would fetch every chunk and compete for the CPU.
		const context = await browser.newContext({ serviceWorkers: 'block', locale: 'zh-TW' });
		const page = await context.newPage();
		const openSettings = async () => {
			await page.goto(`${url}/settings`);
			await page.locator('html[data-hydrated]').waitFor({ state: 'attached', timeout: 30_000 });
			await page.getByTestId('data-restore-file').waitFor({ state: 'attached' });
		};
		await openSettings();

		const baseline = [];
		const ours = [];
		const blocks = [];
		for (let run = 0; run < RUNS; run++) {
			await page.evaluate(clearStores);
			await openSettings();
			baseline.push(await page.evaluate(plainPuts, text));

			await page.evaluate(clearStores);
			await openSettings();
			await page.evaluate(watchLongTasks);
			const chosen = Date.now();
			await page.getByTestId('data-restore-file').setInputFiles(file);
			await page.getByTestId('data-restore-preview').waitFor({ timeout: 60_000 });
			const previewMs = Date.now() - chosen;
			const confirmed = Date.now();
			await page.getByTestId('data-restore-confirm').click();
			await page.getByTestId('data-restore-done').waitFor({ timeout: 60_000 });
			const restoreMs = Date.now() - confirmed;
			const people = await page.evaluate(
				() =>
					new Promise((resolve) => {
						const request = indexedDB.open('rapport');
						request.onsuccess = () => {
							const count = request.result
								.transaction('connections')
								.objectStore('connections')
								.count();
							count.onsuccess = () => {
								request.result.close();
								resolve(count.result);
							};
						};
					})
			);
			if (people !== PEOPLE) throw new Error(`backup: restored ${people} people, not ${PEOPLE}`);
			const longest = await page.evaluate(() => window.__longestTask.longest);
			ours.push(previewMs + restoreMs);
			blocks.push(longest);
			progress(
				`backup: run ${run + 1}: plain puts ${Math.round(baseline[run])} ms; restore ` +
					`${previewMs + restoreMs} ms (preview ${previewMs} + restore ${restoreMs}), ` +
					`longest task ${Math.round(longest)} ms`
			);
		}
		return {
			backupRestore5kMs: Math.round(median(ours)),
			backupRestore5kBaselineMs: Math.round(median(baseline)),
			backupRestoreLongestBlockMs: Math.round(Math.max(...blocks)),
			backupRestoreRuns: ours,
			backupRestoreBaselineRuns: baseline.map(Math.round)
		};
	} finally {
		await browser.close();
		await rm(folder, { recursive: true, force: true });
	}
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
	const server = await serveFolder(join(root, 'build'), { single: '200.html' });
	try {
		const figures = await backupRestore({
			url: server.url,
			chromiumPath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
			progress: (message) => process.stderr.write(`[bench] ${message}\n`)
		});
		console.log(JSON.stringify(figures));
	} finally {
		await server.close();
	}
}
