import { unwrap, type IDBPObjectStore, type StoreNames } from 'idb';
import type {
	BatchOutboxEntry,
	RapportDatabase,
	RapportSchema,
	RecordAggregate,
	Stored
} from './db';
import { announceQueued } from './notices';

type SyncedStore = RecordAggregate;

/** A record saved, or (without `record`) removed from the device; either way queued for sync. */
export interface QueuedWrite {
	store: SyncedStore;
	record?: Stored;
	recordId: string;
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
	announceQueued(writes.map(({ store, recordId }) => ({ store, recordId })));
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

/**
 * Turns every batch entry into one entry per record it names, at the end of the outbox, in the
 * caller's transaction. The sync engine does this before it reads the outbox by record (to push,
 * or to tell whether a record has an edit waiting), so the rest of it only ever sees per-record
 * entries; a restore pays for its thousands of entries only once sync is on, and off its screen.
 * Returns how many batch entries there were.
 */
export async function expandBatches<Names extends ArrayLike<StoreNames<RapportSchema>>>(
	outbox: IDBPObjectStore<RapportSchema, Names, 'outbox', 'readwrite'>
): Promise<number> {
	// Batch entries are `['batch', id]` in the byRecord index, where an array sorts after any string.
	const batchKeys = IDBKeyRange.bound(['batch'], ['batch', []]);
	const batches = (await outbox.index('byRecord').getAll(batchKeys)) as BatchOutboxEntry[];
	// The index orders them by their random ids; the outbox's order is the order they were queued.
	batches.sort((a, b) => a.seq! - b.seq!);
	await Promise.all(
		batches.flatMap(({ seq, queuedAt, records }) => [
			outbox.delete(seq!),
			...records.map(({ aggregate, recordId }) =>
				outbox.add({ aggregate, recordId, op: 'upsert', queuedAt })
			)
		])
	);
	return batches.length;
}
