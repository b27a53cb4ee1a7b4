import { unwrap } from 'idb';
import type * as z from 'zod/mini';
import type { RapportDatabase, RecordAggregate, Stored } from './db';

/** A read that kept what it could: records that fail validation are counted, not thrown. */
export interface Readout<T> {
	items: T[];
	unreadable: number;
}

export function validOnly<S extends z.ZodMiniType>(
	schema: S,
	raws: unknown[]
): Readout<z.output<S>> {
	const items: z.output<S>[] = [];
	let unreadable = 0;
	for (const raw of raws) {
		const parsed = schema.safeParse(raw);
		if (parsed.success) items.push(parsed.data);
		else unreadable++;
	}
	return { items, unreadable };
}

type SyncedStore = RecordAggregate;

/** A record saved, or (without `record`) removed from the device; either way queued for sync. */
export interface QueuedWrite {
	store: SyncedStore;
	record?: Stored;
	recordId: string;
}

const queuedListeners = new Set<() => void>();

/**
 * Hears of every change queued for sync, once its transaction has committed: how sync pushes
 * soon after a save without each screen having to tell it.
 */
export function onQueued(listener: () => void): () => void {
	queuedListeners.add(listener);
	return () => queuedListeners.delete(listener);
}

/** Tells every listener that changes were queued; call it once their transaction has committed. */
export function announceQueued(): void {
	for (const listener of queuedListeners) listener();
}

/**
 * Writes records and queues each for sync in one transaction, so a crash can never leave a saved
 * change that the sync engine does not know about, nor half of a change that belongs together
 * (a new connection and its follow-up).
 */
export async function putAllAndQueue(db: RapportDatabase, writes: QueuedWrite[]): Promise<void> {
	const stores = [...new Set(writes.map((write) => write.store))];
	const tx = db.transaction([...stores, 'outbox'], 'readwrite');
	const queuedAt = new Date().toISOString();
	const outbox = tx.objectStore('outbox');
	await Promise.all([
		...writes.flatMap(({ store, record, recordId }): Promise<unknown>[] => {
			const records = tx.objectStore(store);
			if (record === undefined) {
				return [
					records.delete(recordId),
					outbox.add({ aggregate: store, recordId, op: 'delete', queuedAt })
				];
			}
			return [
				store === 'profile' ? records.put(record, recordId) : records.put(record),
				outbox.add({ aggregate: store, recordId, op: 'upsert', queuedAt })
			];
		}),
		tx.done
	]);
	announceQueued();
}

/**
 * Saves many records of one store and queues them for sync as one batch entry, in one
 * transaction: the bulk write of a restore. It does not announce itself, so a write made of many
 * such transactions announces once, when it is whole (`announceQueued`).
 */
export async function putBatchAndQueue(
	db: RapportDatabase,
	store: Exclude<SyncedStore, 'profile'>,
	records: (Stored & { id: string })[]
): Promise<void> {
	if (records.length === 0) return;
	const tx = db.transaction([store, 'outbox'], 'readwrite');
	// Plain requests: a promise per put costs more than the put. A failing one aborts the
	// transaction, which `tx.done` reports.
	const target = unwrap(tx.objectStore(store));
	for (const record of records) target.put(record);
	unwrap(tx.objectStore('outbox')).add({
		aggregate: 'batch',
		recordId: crypto.randomUUID(),
		op: 'upsert',
		queuedAt: new Date().toISOString(),
		records: records.map((record) => ({ aggregate: store, recordId: record.id }))
	});
	await tx.done;
}

export function putAndQueue(
	db: RapportDatabase,
	store: SyncedStore,
	record: Stored,
	recordId: string
): Promise<void> {
	return putAllAndQueue(db, [{ store, record, recordId }]);
}
