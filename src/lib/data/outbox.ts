import type { IDBPObjectStore, StoreNames } from 'idb';
import type { BatchOutboxEntry, OutboxEntry, RapportDatabase, RapportSchema } from './db';

export function outboxRepository(db: RapportDatabase) {
	return {
		count(): Promise<number> {
			return db.count('outbox');
		},
		/** The oldest changes first, so the server sees them in the order they were made. */
		peek(limit: number): Promise<OutboxEntry[]> {
			return db.getAll('outbox', undefined, limit);
		},
		async remove(seqs: number[]): Promise<void> {
			const tx = db.transaction('outbox', 'readwrite');
			await Promise.all([...seqs.map((seq) => tx.store.delete(seq)), tx.done]);
		}
	};
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
