// Reads and checks a backup file off the main thread: parsing a file of thousands of people is
// one long task no slicing can split. Checked records come back in chunks, each a short task.
import { checkRecords, checkSingles, collections, openBackup } from '$lib/domain/yourData';
import type { ReaderMessage } from './yourDataReader';

const CHUNK = 250;
const post = (message: ReaderMessage) => postMessage(message);

onmessage = async (event: MessageEvent<File>) => {
	let text: string;
	try {
		text = await event.data.text();
	} catch {
		post({ type: 'refused', reason: 'unreadable_file' });
		return;
	}
	const opened = openBackup(text);
	if (!opened.ok) {
		post({ type: 'refused', reason: opened.reason });
		return;
	}
	const { raw } = opened.backup;
	const total = collections.reduce((sum, collection) => sum + raw[collection].length, 0);
	let done = 0;
	for (const collection of collections) {
		for (let start = 0; start < raw[collection].length; start += CHUNK) {
			const slice = raw[collection].slice(start, start + CHUNK);
			const { valid, damaged } = checkRecords(collection, slice, start);
			done += slice.length;
			post({ type: 'records', collection, valid, damaged, done, total });
		}
	}
	post({ type: 'checked', singles: checkSingles(opened.backup) });
};
