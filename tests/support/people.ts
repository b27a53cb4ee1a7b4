// Writes records straight into the app's IndexedDB from a page of its origin, for the tests that
// need data the UI under test does not create (an event made current, people met earlier).
import type { Page } from 'playwright-core';

/** Resolves once the app has created its database with the stores these helpers write. */
export async function waitForDatabase(page: Page, timeout = 10_000): Promise<void> {
	const deadline = Date.now() + timeout;
	while (!(await databaseReady(page))) {
		if (Date.now() > deadline) throw new Error(`The app made no database within ${timeout} ms`);
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
}

function databaseReady(page: Page): Promise<boolean> {
	return page.evaluate(async () => {
		if (!(await indexedDB.databases()).some((db) => db.name === 'rapport')) return false;
		const db = await new Promise<IDBDatabase>((resolve, reject) => {
			const request = indexedDB.open('rapport');
			request.onsuccess = () => resolve(request.result);
			request.onerror = () => reject(request.error);
		});
		const ready = ['events', 'connections', 'settings'].every((store) =>
			db.objectStoreNames.contains(store)
		);
		db.close();
		return ready;
	});
}

/** Puts records into stores (keyPath stores) and optionally `settings` (stored under 'settings'). */
export async function seed(
	page: Page,
	records: { events?: object[]; connections?: object[]; settings?: object }
): Promise<void> {
	await waitForDatabase(page);
	await page.evaluate(async (records) => {
		const db = await new Promise<IDBDatabase>((resolve, reject) => {
			const request = indexedDB.open('rapport');
			request.onsuccess = () => resolve(request.result);
			request.onerror = () => reject(request.error);
		});
		const tx = db.transaction(['events', 'connections', 'settings'], 'readwrite');
		for (const event of records.events ?? []) tx.objectStore('events').put(event);
		for (const connection of records.connections ?? []) {
			tx.objectStore('connections').put(connection);
		}
		if (records.settings) tx.objectStore('settings').put(records.settings, 'settings');
		await new Promise<void>((resolve, reject) => {
			tx.oncomplete = () => resolve();
			tx.onerror = () => reject(tx.error);
		});
		db.close();
	}, records);
}

/** An event that started an hour ago and ends in two, in Taipei. */
export function currentEvent(name: string, id = crypto.randomUUID()) {
	const now = Date.now();
	return {
		id,
		name,
		context: 'meetup',
		startsAt: new Date(now - 3_600_000).toISOString(),
		endsAt: new Date(now + 7_200_000).toISOString(),
		timeZone: 'Asia/Taipei',
		updatedAt: new Date(now - 86_400_000).toISOString()
	};
}
