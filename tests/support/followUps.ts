// Seeds the queue straight into the app's IndexedDB (db `rapport`), as records.ts shapes them, so
// the follow-up tests do not depend on the scan flow.
import type { Page } from 'playwright-core';

export interface SeedCard {
	name: string;
	altName?: string;
	company?: string;
	channels: { kind: string; value: string }[];
}

export interface SeedConnection {
	id: string;
	card: SeedCard;
	eventId?: string;
	metAt: string;
	note?: string;
	talkPhrase?: string;
	promptText?: string;
	tags: string[];
	tier: 'close' | 'regular' | 'light' | 'none';
	lastContactedAt?: string;
	source: 'scan';
	updatedAt: string;
}

export interface SeedFollowUp {
	id: string;
	connectionId: string;
	kind: 'post_event' | 'keep_in_touch';
	cycle: number;
	dueAt: string;
	status: 'pending' | 'snoozed' | 'done' | 'skipped';
	snoozedUntil?: string;
	doneAt?: string;
	updatedAt: string;
}

export interface Seed {
	connections?: SeedConnection[];
	followUps?: SeedFollowUp[];
	events?: Record<string, unknown>[];
	settings?: Record<string, unknown>;
}

let counter = 0;
/** A valid v4-shaped UUID, unique within a test run. */
export function seedId(): string {
	counter++;
	return `10000000-0000-4000-8000-${counter.toString(16).padStart(12, '0')}`;
}

export const iso = (msFromNow: number) => new Date(Date.now() + msFromNow).toISOString();
export const DAY = 86_400_000;

export function person(
	name: string,
	extra: Partial<SeedConnection> = {}
): SeedConnection & { followUp: (extra?: Partial<SeedFollowUp>) => SeedFollowUp } {
	const connection: SeedConnection = {
		id: seedId(),
		card: { name, channels: [] },
		metAt: iso(-3 * DAY),
		tags: [],
		tier: 'none',
		source: 'scan',
		updatedAt: iso(-3 * DAY),
		...extra
	};
	return {
		...connection,
		followUp: (more = {}) => ({
			id: seedId(),
			connectionId: connection.id,
			kind: 'post_event',
			cycle: 0,
			dueAt: iso(-2 * DAY),
			status: 'pending',
			updatedAt: iso(-3 * DAY),
			...more
		})
	};
}

/** Opens the app once so it creates its database, writes the seed in one transaction, reloads. */
export async function seedQueue(page: Page, origin: string, seed: Seed, path = '/follow-ups') {
	// Only data crosses into the page: the connections' follow-up builders stay here.
	const plain: Seed = {
		...seed,
		connections: seed.connections?.map((connection) =>
			Object.fromEntries(Object.entries(connection).filter(([key]) => key !== 'followUp'))
		) as SeedConnection[] | undefined
	};
	// The queue page is ready only once the app has opened (and so upgraded) its database.
	await page.goto(`${origin}/follow-ups`);
	await page.locator('[data-ready="true"]').waitFor();
	await page.evaluate(async (seed) => {
		const db = await new Promise<IDBDatabase>((resolve, reject) => {
			const request = indexedDB.open('rapport');
			request.onsuccess = () => resolve(request.result);
			request.onerror = () => reject(request.error);
		});
		const tx = db.transaction(['connections', 'followUps', 'events', 'settings'], 'readwrite');
		for (const connection of seed.connections ?? []) tx.objectStore('connections').put(connection);
		for (const followUp of seed.followUps ?? []) tx.objectStore('followUps').put(followUp);
		for (const event of seed.events ?? []) tx.objectStore('events').put(event);
		if (seed.settings) tx.objectStore('settings').put(seed.settings, 'settings');
		await new Promise((resolve, reject) => {
			tx.oncomplete = resolve;
			tx.onerror = () => reject(tx.error);
		});
		db.close();
	}, plain);
	await page.goto(`${origin}${path}`);
	if (path === '/follow-ups') await page.locator('[data-ready="true"]').waitFor();
}
