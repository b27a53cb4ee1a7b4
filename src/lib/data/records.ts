import type * as z from 'zod/mini';
import type { OutboxEntry, RapportDatabase, RecordAggregate, Stored } from './db';

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

export interface QueuedWrite {
	store: SyncedStore;
	record: Stored;
	recordId: string;
	op?: OutboxEntry['op'];
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
	await Promise.all([
		...writes.flatMap(({ store, record, recordId, op = 'upsert' }) => [
			store === 'profile'
				? tx.objectStore(store).put(record, recordId)
				: tx.objectStore(store).put(record),
			tx.objectStore('outbox').add({ aggregate: store, recordId, op, queuedAt })
		]),
		tx.done
	]);
}

export function putAndQueue(
	db: RapportDatabase,
	store: SyncedStore,
	record: Stored,
	recordId: string
): Promise<void> {
	return putAllAndQueue(db, [{ store, record, recordId }]);
}
