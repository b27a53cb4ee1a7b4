// Restores a backup file off the main thread: parsing a file of thousands of people is one long
// task no slicing can split, and writing them is thousands of structured clones. The checked
// records stay here between the preview and the restore (yourDataRestore.ts).
import { openBackup } from '$lib/domain/yourData';
import { openRapportDatabase } from './db';
import { checkBackup, restoreBackup, type CheckedBackup, type RestoreOptions } from './yourData';
import type { RestoreAnswer, RestoreRequest } from './yourDataRestore';

const answer = (message: RestoreAnswer) => postMessage(message);
const onProgress = (done: number, total: number) => answer({ type: 'progress', done, total });

let checked: CheckedBackup | null = null;
let database = '';

async function merge(options: Pick<RestoreOptions, 'write'>) {
	const db = await openRapportDatabase({ name: database });
	try {
		return await restoreBackup(db, checked!, { ...options, onProgress, offMainThread: true });
	} finally {
		db.close();
	}
}

onmessage = async ({ data }: MessageEvent<RestoreRequest>) => {
	if (data.type === 'restore') {
		if (!checked) return answer({ type: 'failed' });
		try {
			answer({ type: 'restored', report: await merge({ write: true }) });
		} catch {
			answer({ type: 'failed' });
		}
		return;
	}
	let text: string;
	try {
		text = await data.file.text();
	} catch {
		return answer({ type: 'refused', reason: 'unreadable_file' });
	}
	const opened = openBackup(text);
	if (!opened.ok) return answer({ type: 'refused', reason: opened.reason });
	checked = await checkBackup(opened.backup, onProgress, { offMainThread: true });
	database = data.database;
	try {
		answer({ type: 'previewed', report: await merge({ write: false }) });
	} catch {
		answer({ type: 'failed' });
	}
};
