import type * as z from 'zod/mini';
import type { OutboxEntry, RapportDatabase, Stored } from './db';

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

type SyncedStore = OutboxEntry['aggregate'];

/**
 * Writes a record and queues it for sync in one transaction, so a crash can never leave a saved
 * change that the sync engine does not know about.
 */
export async function putAndQueue(
	db: RapportDatabase,
	store: SyncedStore,
	record: Stored,
	recordId: string,
	op: OutboxEntry['op'] = 'upsert'
): Promise<void> {
	const tx = db.transaction([store, 'outbox'], 'readwrite');
	const put =
		store === 'profile'
			? tx.objectStore(store).put(record, recordId)
			: tx.objectStore(store).put(record);
	await Promise.all([
		put,
		tx.objectStore('outbox').add({
			aggregate: store,
			recordId,
			op,
			queuedAt: new Date().toISOString()
		}),
		tx.done
	]);
}
