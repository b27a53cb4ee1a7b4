import { openBackup, type BackupFailure } from '$lib/domain/yourData';
import type { RapportDatabase } from './db';
import { announceQueued, announceStored, type StoredRecord } from './notices';
import { checkBackup, restoreBackup, type CheckedBackup, type Progress } from './yourData';
import type { RestoreReport } from '$lib/domain/yourData/outcomes';

// Restoring a backup file: opened, checked and previewed, then merged into the device. In a
// worker where there is one (the browser), which keeps the checked records and writes them
// itself, so neither parsing thousands of people nor writing them ever holds the screen, and the
// records never cross to this thread; on this thread in slices otherwise.

const restoredStores: StoredRecord[] = (
	['profile', 'events', 'connections', 'followUps', 'settings'] as const
).map((store) => ({ store, recordId: null }));

/**
 * Whatever landed is queued for sync and shown, a failure half-way included. The records are
 * too many to name: sync reads the outbox, and the screens read each store again.
 */
function announceRestored(): void {
	announceQueued([]);
	announceStored(restoredStores, 'device');
}

export type ReadFailure = BackupFailure | 'unreadable_file';

/** A file checked and previewed, waiting for the person to restore it or let it go. */
export interface RestoreSession {
	/** What restoring would do, decided against the device as it was when the file was chosen. */
	preview: RestoreReport;
	/**
	 * Merges the file into the device (deciding again, against the device as it is now) and
	 * announces the write once, when it is whole. Rejects when the device cannot store it; the
	 * chunks written by then stay, and restoring the same file again completes them.
	 */
	restore(onProgress?: Progress): Promise<RestoreReport>;
	/** Lets the file go without restoring it. */
	close(): void;
}

export type OpenedRestore =
	{ ok: true; session: RestoreSession } | { ok: false; reason: ReadFailure };

/** What the page asks of the worker. */
export type RestoreRequest = { type: 'open'; file: File; database: string } | { type: 'restore' };

/** What the worker answers: progress, then the preview (or why not), then what it restored. */
export type RestoreAnswer =
	| { type: 'progress'; done: number; total: number }
	| { type: 'refused'; reason: ReadFailure }
	| { type: 'previewed'; report: RestoreReport }
	| { type: 'restored'; report: RestoreReport }
	| { type: 'failed' };

/**
 * Opens a backup file for restoring into `db`. Resolves with the reason a file is refused;
 * rejects when the device cannot be read.
 */
export async function openRestore(
	db: RapportDatabase,
	file: File,
	onProgress?: Progress
): Promise<OpenedRestore> {
	if (typeof Worker === 'undefined') return openHere(db, file, onProgress);
	let worker: Worker;
	try {
		worker = new Worker(new URL('./yourDataRestore.worker.ts', import.meta.url), {
			type: 'module'
		});
	} catch {
		return openHere(db, file, onProgress);
	}
	let progress = onProgress;
	/** Sends a request and waits for the answer that ends it, passing progress on meanwhile. */
	const ask = (request: RestoreRequest) =>
		new Promise<Exclude<RestoreAnswer, { type: 'progress' }>>((resolve) => {
			worker.onmessage = ({ data }: MessageEvent<RestoreAnswer>) => {
				if (data.type === 'progress') progress?.(data.done, data.total);
				else resolve(data);
			};
			worker.onerror = () => resolve({ type: 'failed' });
			worker.postMessage(request);
		});
	const opened = await ask({ type: 'open', file, database: db.name });
	if (opened.type !== 'previewed') {
		worker.terminate();
		if (opened.type === 'refused') return { ok: false, reason: opened.reason };
		// A worker that could not start or reach the database (a browser's policy): this thread can.
		return openHere(db, file, onProgress);
	}
	return {
		ok: true,
		session: {
			preview: opened.report,
			async restore(onRestoreProgress) {
				progress = onRestoreProgress;
				try {
					const restored = await ask({ type: 'restore' });
					if (restored.type !== 'restored') throw new Error('The backup could not be restored');
					return restored.report;
				} finally {
					worker.terminate();
					announceRestored();
				}
			},
			close: () => worker.terminate()
		}
	};
}

async function openHere(
	db: RapportDatabase,
	file: File,
	onProgress?: Progress
): Promise<OpenedRestore> {
	let text: string;
	try {
		text = await file.text();
	} catch {
		return { ok: false, reason: 'unreadable_file' };
	}
	const opened = openBackup(text);
	if (!opened.ok) return opened;
	const checked: CheckedBackup = await checkBackup(opened.backup, onProgress);
	return {
		ok: true,
		session: {
			preview: await restoreBackup(db, checked, { write: false, onProgress }),
			async restore(onRestoreProgress) {
				try {
					return await restoreBackup(db, checked, { write: true, onProgress: onRestoreProgress });
				} finally {
					announceRestored();
				}
			},
			close: () => {}
		}
	};
}
