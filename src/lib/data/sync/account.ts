import type { RapportDatabase, RecordAggregate, Stored } from '../db';
import { expandBatches } from '../outbox';
import { announceStored } from '../notices';
import { OVERWRITTEN_KEY } from '../overwritten';
import { PROFILE_KEY, readSettings, SETTINGS_KEY, SYNC_STATE_KEY, emptySyncState } from './state';
import type { DeviceData } from '$lib/domain/sync/status';

// One device's synced data belongs to one account. These are the three ways out when another
// account signs in here (keep it on the device only is doing nothing), and what erasing on sign
// out removes.

const live = (records: Stored[]) => records.filter((record) => !record.deletedAt).length;

/** What this device holds, as the person would count it. */
export async function countDeviceData(db: RapportDatabase): Promise<DeviceData> {
	const tx = db.transaction(['profile', 'events', 'connections', 'followUps']);
	const [card, events, people, followUps] = await Promise.all([
		tx.objectStore('profile').count(PROFILE_KEY),
		tx.objectStore('events').getAll(),
		tx.objectStore('connections').getAll(),
		tx.objectStore('followUps').count()
	]);
	await tx.done;
	return { card: card > 0, events: live(events), people: live(people), followUps };
}

export const hasDeviceData = (data: DeviceData): boolean =>
	data.card || data.events + data.people + data.followUps > 0;

/**
 * Removes every record, the outbox, the sync state, drafts and texts kept from other devices:
 * the device is as new, apart from its language and follow-up rule.
 */
export async function eraseDeviceData(db: RapportDatabase): Promise<void> {
	const stores = [
		'profile',
		'events',
		'connections',
		'followUps',
		'outbox',
		'promptState'
	] as const;
	const tx = db.transaction([...stores, 'settings'], 'readwrite');
	for (const store of stores) await tx.objectStore(store).clear();
	const settingsStore = tx.objectStore('settings');
	for (const key of await settingsStore.getAllKeys()) {
		const name = String(key);
		if (name.startsWith('draft:') || name === OVERWRITTEN_KEY || name === SYNC_STATE_KEY) {
			await settingsStore.delete(key);
		}
	}
	const settings = readSettings(await settingsStore.get(SETTINGS_KEY));
	delete settings.currentEventId;
	await settingsStore.put(settings, SETTINGS_KEY);
	await tx.done;
	announceStored(
		[
			...stores.filter((store) => store !== 'outbox' && store !== 'promptState'),
			'settings' as const
		].map((store) => ({ store, recordId: null })),
		'sync'
	);
}

/**
 * The person confirmed adding this device's data to `accountId`: every event, person and
 * follow-up is queued for it. The card is not: it was the other account's, and the new account
 * keeps its own, which the next pull brings.
 */
export async function addDeviceDataTo(
	db: RapportDatabase,
	accountId: string,
	now: string
): Promise<void> {
	const stores = ['events', 'connections', 'followUps'] as const;
	const tx = db.transaction([...stores, 'profile', 'outbox', 'settings'], 'readwrite');
	const outbox = tx.objectStore('outbox');
	await outbox.clear();
	for (const store of stores) {
		for (const key of await tx.objectStore(store).getAllKeys()) {
			await outbox.add({ aggregate: store, recordId: String(key), op: 'upsert', queuedAt: now });
		}
	}
	await tx.objectStore('profile').delete(PROFILE_KEY);
	await tx
		.objectStore('settings')
		.put({ ...emptySyncState(), accountId, addedToAccount: true }, SYNC_STATE_KEY);
	await tx.done;
}

/** Erased, or adopted as they were: the device now belongs to `accountId`, from scratch. */
export async function startAccount(db: RapportDatabase, accountId: string): Promise<void> {
	await db.put('settings', { ...emptySyncState(), accountId }, SYNC_STATE_KEY);
}

/**
 * Records of ours the server says belong to another account (they were added here from one):
 * each gets a new id, what refers to it follows, and all of them are queued again.
 */
export async function rekeyRecords(
	db: RapportDatabase,
	records: { aggregate: RecordAggregate; recordId: string }[],
	now: string
): Promise<number> {
	const tx = db.transaction(
		['events', 'connections', 'followUps', 'outbox', 'settings'],
		'readwrite'
	);
	const outbox = tx.objectStore('outbox');
	// Entries are found by record below: a batch queued since the push must name its records one by one.
	await expandBatches(outbox);
	const queue = async (aggregate: RecordAggregate, recordId: string) => {
		await outbox.add({ aggregate, recordId, op: 'upsert', queuedAt: now });
	};
	let rekeyed = 0;
	for (const { aggregate, recordId } of records) {
		if (aggregate === 'profile') continue;
		const store = tx.objectStore(aggregate);
		const record = await store.get(recordId);
		if (record === undefined) continue;
		const id = crypto.randomUUID();
		await store.delete(recordId);
		await store.put({ ...record, id });
		for (const entry of await outbox.index('byRecord').getAll([aggregate, recordId])) {
			await outbox.delete(entry.seq!);
		}
		await queue(aggregate, id);
		rekeyed++;
		if (aggregate === 'events') {
			const connections = tx.objectStore('connections');
			for (const held of await connections.index('byEvent').getAll(recordId)) {
				await connections.put({ ...held, eventId: id });
				await queue('connections', String(held.id));
			}
			const settingsStore = tx.objectStore('settings');
			const settings = readSettings(await settingsStore.get(SETTINGS_KEY));
			if (settings.currentEventId === recordId) {
				await settingsStore.put({ ...settings, currentEventId: id }, SETTINGS_KEY);
			}
		}
		if (aggregate === 'connections') {
			const followUps = tx.objectStore('followUps');
			for (const held of await followUps.index('byConnection').getAll(recordId)) {
				await followUps.put({ ...held, connectionId: id });
				await queue('followUps', String(held.id));
			}
		}
	}
	await tx.done;
	return rekeyed;
}
