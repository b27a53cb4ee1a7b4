import type { RecordAggregate } from './db';

// The commit notices: every write, once its transaction has committed, says what it wrote. Kept
// apart from the outbox writer so the shell can listen without loading it.

/** Which record a queued change wrote. */
export interface QueuedRecord {
	store: RecordAggregate;
	recordId: string;
}

const queuedListeners = new Set<(written: QueuedRecord[]) => void>();

/**
 * Hears of every change queued for sync, once its transaction has committed, with the records it
 * wrote: how sync pushes soon after a save, and an open screen shows a write made elsewhere on
 * the device, without each writer having to tell them.
 */
export function onQueued(listener: (written: QueuedRecord[]) => void): () => void {
	queuedListeners.add(listener);
	return () => queuedListeners.delete(listener);
}

/** A record a committed transaction wrote, or (no `recordId`) a store it emptied or filled. */
export interface StoredRecord {
	store: RecordAggregate | 'settings';
	recordId: string | null;
}

/** Where a stored change came from: made on this device, or brought in by sync (a pull, an erase). */
export type StoredOrigin = 'device' | 'sync';

type StoredListener = (written: StoredRecord[], origin: StoredOrigin) => void;

const storedListeners = new Set<StoredListener>();

/**
 * Hears of every record written on this device once its transaction has committed: saved here
 * (and queued), a setting changed, or applied from the server by sync. How the shell and an open
 * screen stay on what is stored without anyone telling them to refresh.
 */
export function onStored(listener: StoredListener): () => void {
	storedListeners.add(listener);
	return () => storedListeners.delete(listener);
}

/** Tells `onStored` listeners what a committed transaction wrote. */
export function announceStored(written: StoredRecord[], origin: StoredOrigin): void {
	if (written.length === 0) return;
	for (const listener of storedListeners) listener(written, origin);
}

/**
 * Tells every listener what committed changes were queued. A writer that cannot name the records
 * (a restore, written by a worker) passes none: sync still hears of it and reads the outbox.
 */
export function announceQueued(written: QueuedRecord[]): void {
	for (const listener of queuedListeners) listener(written);
	announceStored(written, 'device');
}
