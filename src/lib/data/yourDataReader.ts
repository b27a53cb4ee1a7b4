import {
	openBackup,
	type BackupFailure,
	type Collection,
	type CollectionRecord,
	type DamagedRecord
} from '$lib/domain/yourData';
import { checkBackup, type CheckedBackup, type Progress } from './yourData';

// Opens and checks a backup file: in a worker where there is one (the browser), so parsing
// thousands of people never blocks the screen; in slices on this thread otherwise.

export type ReadFailure = BackupFailure | 'unreadable_file';
export type ReadResult = { ok: true; checked: CheckedBackup } | { ok: false; reason: ReadFailure };

/** What the worker sends back, in order: records chunk by chunk, then the single records. */
export type ReaderMessage =
	| { type: 'refused'; reason: ReadFailure }
	| {
			type: 'records';
			collection: Collection;
			valid: CollectionRecord[Collection][];
			damaged: DamagedRecord[];
			done: number;
			total: number;
	  }
	| { type: 'checked'; singles: CheckedBackup['singles'] };

export async function readBackupFile(file: File, onProgress?: Progress): Promise<ReadResult> {
	if (typeof Worker === 'undefined') return readHere(file, onProgress);
	let worker: Worker;
	try {
		worker = new Worker(new URL('./yourDataReader.worker.ts', import.meta.url), {
			type: 'module'
		});
	} catch {
		return readHere(file, onProgress);
	}
	const records: CheckedBackup['records'] = { events: [], connections: [], followUps: [] };
	const damaged: DamagedRecord[] = [];
	try {
		return await new Promise<ReadResult>((resolve) => {
			worker.onmessage = ({ data }: MessageEvent<ReaderMessage>) => {
				if (data.type === 'refused') resolve({ ok: false, reason: data.reason });
				else if (data.type === 'records') {
					(records[data.collection] as unknown[]).push(...data.valid);
					damaged.push(...data.damaged);
					onProgress?.(data.done, data.total);
				} else {
					resolve({
						ok: true,
						checked: {
							singles: data.singles,
							records,
							damaged: [...data.singles.damaged, ...damaged]
						}
					});
				}
			};
			worker.onerror = () => resolve({ ok: false, reason: 'unreadable_file' });
			worker.postMessage(file);
		});
	} finally {
		worker.terminate();
	}
}

async function readHere(file: File, onProgress?: Progress): Promise<ReadResult> {
	let text: string;
	try {
		text = await file.text();
	} catch {
		return { ok: false, reason: 'unreadable_file' };
	}
	const opened = openBackup(text);
	if (!opened.ok) return opened;
	return { ok: true, checked: await checkBackup(opened.backup, onProgress) };
}
