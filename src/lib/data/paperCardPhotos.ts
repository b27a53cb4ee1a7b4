import type { RapportDatabase } from './db';

// The photo of a paper card, kept with the person only when they chose to. It stays on this
// device: it is in no sync outbox, no backup and no export, and goes when they are deleted.

const listeners = new Set<(connectionId: string) => void>();

/** Hears of every photo saved or deleted, by the connection it belongs to. */
export function onPaperCardPhoto(listener: (connectionId: string) => void): () => void {
	listeners.add(listener);
	return () => listeners.delete(listener);
}

export function paperCardPhotoRepository(db: RapportDatabase) {
	const announce = (connectionId: string) => {
		for (const listener of listeners) listener(connectionId);
	};
	return {
		async get(connectionId: string): Promise<Blob | null> {
			const stored = await db.get('paperCardPhotos', connectionId);
			return stored?.photo instanceof Blob ? stored.photo : null;
		},
		async save(connectionId: string, photo: Blob, now = new Date()): Promise<void> {
			await db.put('paperCardPhotos', { photo, savedAt: now.toISOString() }, connectionId);
			announce(connectionId);
		},
		async delete(connectionId: string): Promise<void> {
			await db.delete('paperCardPhotos', connectionId);
			announce(connectionId);
		}
	};
}
