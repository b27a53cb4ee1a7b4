import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildBackup, serializeBackup, type BackupContent } from '$lib/domain/yourData';
import { aConnection, at } from '$lib/testing/factories';
import { connectionRepository } from './connections';
import { openRapportDatabase, type RapportDatabase } from './db';
import { onQueued } from './notices';
import { readBackupContent, RESTORE_CHUNK } from './yourData';
import { openRestore } from './yourDataRestore';

// Without a Worker (here, in Node) the restore runs on this thread, behind the same session the
// browser's worker offers.

let n = 0;
let db: RapportDatabase;
beforeEach(async () => {
	db = await openRapportDatabase({ name: `your-data-restore-${++n}` });
});
afterEach(() => db.close());

const fileOf = (content: BackupContent) =>
	new File(
		[serializeBackup(buildBackup(content, new Date('2026-12-01T00:00:00Z')))],
		'rapport-backup-2026-12-01.json'
	);

async function opened(file: File) {
	const result = await openRestore(db, file);
	if (!result.ok) throw new Error(`refused: ${result.reason}`);
	return result.session;
}

describe('restoring a backup file', () => {
	it('previews without writing, then restores and announces the write once, when whole', async () => {
		const people = Array.from({ length: RESTORE_CHUNK + 1 }, () => aConnection());
		const session = await opened(fileOf({ ...(await readBackupContent(db)), connections: people }));
		const heard = vi.fn();
		const stop = onQueued(heard);

		expect(session.preview.tally.connections).toEqual({
			added: people.length,
			updated: 0,
			kept: 0
		});
		expect(await db.count('connections')).toBe(0);

		const report = await session.restore();
		stop();
		expect(report.tally.connections.added).toBe(people.length);
		expect(await db.count('connections')).toBe(people.length);
		expect(heard).toHaveBeenCalledTimes(1);
	});

	it('decides against the device as it is when restoring, not as it was at the preview', async () => {
		const person = aConnection({ note: '備份的', updatedAt: at('2026-11-20T12:00:00Z') });
		const session = await opened(
			fileOf({ ...(await readBackupContent(db)), connections: [person] })
		);
		expect(session.preview.tally.connections.added).toBe(1);
		const edited = { ...person, note: '剛改的', updatedAt: at('2026-11-30T12:00:00Z') };
		await connectionRepository(db).save(edited);

		const report = await session.restore();

		expect(report.tally.connections).toEqual({ added: 0, updated: 0, kept: 1 });
		expect((await connectionRepository(db).get(person.id))?.note).toBe('剛改的');
	});

	it('refuses a file that is not a backup, changing nothing', async () => {
		const result = await openRestore(db, new File(['{"hello": 1}'], 'notes.json'));
		expect(result).toEqual({ ok: false, reason: 'not_backup' });
		expect(await db.count('outbox')).toBe(0);
	});
});
