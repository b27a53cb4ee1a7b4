import type { OutboxEntry, RapportDatabase } from '$lib/data/db';

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
