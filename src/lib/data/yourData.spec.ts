import 'fake-indexeddb/auto';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
	buildBackup,
	openBackup,
	serializeBackup,
	type BackupContent,
	type OpenedBackup
} from '$lib/domain/yourData';
import { backupContentArbitrary } from '$lib/testing/backupArbitraries';
import { FakeSyncServer, FakeTransport } from '$lib/testing/fakeSyncServer';
import { aConnection, aFollowUp, anEvent, aProfile, at } from '$lib/testing/factories';
import { connectionRepository } from './connections';
import { openRapportDatabase, type RapportDatabase } from './db';
import { eventRepository } from './events';
import { followUpRepository } from './followUps';
import { outboxRepository } from '$lib/testing/outbox';
import { profileRepository } from './profile';
import { promptDeckRepository } from './promptDeck';
import { settingsRepository } from './settings';
import { createSyncEngine } from './sync/engine';
import type { WireChange } from './sync/transport';
import { checkBackup, readBackupContent, restoreBackup, RESTORE_CHUNK } from './yourData';

let n = 0;
const databases: RapportDatabase[] = [];
const freshDatabase = async () => {
	const db = await openRapportDatabase({ name: `your-data-${++n}` });
	databases.push(db);
	return db;
};
let db: RapportDatabase;

beforeEach(async () => {
	db = await freshDatabase();
});
afterEach(() => {
	for (const open of databases.splice(0)) open.close();
});

const fileOf = (content: BackupContent) =>
	serializeBackup(buildBackup(content, new Date('2026-12-01T00:00:00Z')));

function opened(text: string): OpenedBackup {
	const result = openBackup(text);
	if (!result.ok) throw new Error(`not a backup: ${result.reason}`);
	return result.backup;
}

const restore = async (target: RapportDatabase, text: string) =>
	restoreBackup(target, await checkBackup(opened(text)), { write: true });

/** Everything on the device, raw, to show that a second restore changes nothing at all. */
async function snapshot(target: RapportDatabase) {
	const stores = [
		'profile',
		'events',
		'connections',
		'followUps',
		'promptState',
		'settings'
	] as const;
	const entries = await Promise.all(stores.map((store) => target.getAll(store)));
	return Object.fromEntries(stores.map((store, i) => [store, entries[i]]));
}

describe('backup → restore', () => {
	it('round-trips every record type exactly, into an empty device', async () => {
		await fc.assert(
			fc.asyncProperty(backupContentArbitrary, async (content) => {
				const target = await freshDatabase();
				await restore(target, fileOf(content));
				expect(await readBackupContent(target)).toEqual(content);
				target.close();
			}),
			{ numRuns: 40 }
		);
	}, 60_000);

	it('is idempotent: a second restore of the same file writes nothing', async () => {
		await fc.assert(
			fc.asyncProperty(backupContentArbitrary, async (content) => {
				const target = await freshDatabase();
				const file = fileOf(content);
				await restore(target, file);
				const before = await snapshot(target);
				const queued = await outboxRepository(target).count();
				const report = await restore(target, file);
				expect(await snapshot(target)).toEqual(before);
				expect(await outboxRepository(target).count()).toBe(queued);
				for (const tally of Object.values(report.tally)) {
					expect(tally.added + tally.updated).toBe(0);
				}
				target.close();
			}),
			{ numRuns: 25 }
		);
	}, 60_000);

	it('queues restored records for sync one outbox entry per chunk, and sync sends each', async () => {
		const event = anEvent();
		const people = Array.from({ length: RESTORE_CHUNK + 1 }, () =>
			aConnection({ eventId: event.id })
		);
		const content: BackupContent = {
			...(await readBackupContent(db)),
			profile: aProfile(),
			events: [event],
			connections: people,
			followUps: [aFollowUp({ connectionId: people[0]!.id })]
		};
		await restore(db, fileOf(content));

		const entries = await db.getAll('outbox');
		expect(entries.map((entry) => entry.aggregate)).toEqual([
			'profile',
			'batch',
			'batch',
			'batch',
			'batch'
		]);
		const transport = new FakeTransport(new FakeSyncServer());
		await createSyncEngine(db, transport).sync();
		const sent = transport
			.callsOf('push')
			.flatMap(([changes]) => (changes as WireChange[]).map((change) => change.row.id ?? ''));
		expect(sent).toEqual([
			'',
			event.id,
			...people.map((person) => person.id),
			content.followUps[0]!.id
		]);
		expect(await db.count('outbox')).toBe(0);
	});

	it('previews what it would do without writing anything', async () => {
		const here = aConnection();
		await connectionRepository(db).save(here);
		const content = {
			...(await readBackupContent(db)),
			connections: [here, aConnection({ card: { name: '王小明', channels: [] } })]
		};
		const report = await restoreBackup(db, await checkBackup(opened(fileOf(content))), {
			write: false
		});
		expect(report.found.connections).toBe(2);
		expect(report.tally.connections).toEqual({ added: 1, updated: 0, kept: 1 });
		expect((await connectionRepository(db).list()).items).toHaveLength(1);
	});
});

describe('merging into a device that has data', () => {
	it('keeps the newer copy: the device’s when newer, the file’s when newer', async () => {
		const older = aConnection({ note: 'old', updatedAt: at('2026-11-20T12:00:00Z') });
		const newer = { ...older, note: 'new', updatedAt: at('2026-11-22T12:00:00Z') };
		await connectionRepository(db).save(newer);
		const base = await readBackupContent(db);
		await restore(db, fileOf({ ...base, connections: [older] }));
		expect((await connectionRepository(db).get(older.id))?.note).toBe('new');

		const other = await freshDatabase();
		await connectionRepository(other).save(older);
		await restore(other, fileOf({ ...base, connections: [newer] }));
		expect((await connectionRepository(other).get(older.id))?.note).toBe('new');
	});

	it('matches the same person under another id, and moves their follow-ups to them', async () => {
		const here = aConnection({
			card: { name: '林志明', channels: [{ kind: 'line', value: 'chihming' }] },
			updatedAt: at('2026-11-20T12:00:00Z')
		});
		await connectionRepository(db).saveWithFollowUp(
			here,
			aFollowUp({ connectionId: here.id, kind: 'post_event', cycle: 0 })
		);
		const there = aConnection({
			card: {
				name: '林志明',
				channels: [
					{ kind: 'line', value: 'chihming' },
					{ kind: 'email', value: 'chihming@example.com' }
				]
			},
			note: 'from the other phone',
			updatedAt: at('2026-11-25T12:00:00Z')
		});
		const theirFollowUps = [
			aFollowUp({
				connectionId: there.id,
				kind: 'post_event',
				cycle: 0,
				status: 'done',
				updatedAt: at('2026-11-25T12:00:00Z')
			}),
			aFollowUp({ connectionId: there.id, kind: 'keep_in_touch', cycle: 1 })
		];
		const file = fileOf({
			...(await readBackupContent(db)),
			connections: [there],
			followUps: theirFollowUps
		});
		const report = await restore(db, file);
		expect(report.tally.connections).toEqual({ added: 0, updated: 1, kept: 0 });

		const people = (await connectionRepository(db).list()).items;
		expect(people).toHaveLength(1);
		expect(people[0]?.id).toBe(here.id);
		expect(people[0]?.note).toBe('from the other phone');
		expect(people[0]?.card.channels).toHaveLength(2);
		const followUps = await followUpRepository(db).listForConnection(here.id);
		expect(followUps.map((followUp) => followUp.kind).sort()).toEqual([
			'keep_in_touch',
			'post_event'
		]);
		expect(followUps.find((followUp) => followUp.kind === 'post_event')?.status).toBe('done');

		const before = await snapshot(db);
		await restore(db, file);
		expect(await snapshot(db)).toEqual(before);
	});

	it('never replaces a record the device cannot read, nor brings back a deleted person', async () => {
		const person = aConnection({ updatedAt: at('2026-11-20T12:00:00Z') });
		await db.put('connections', { id: person.id, card: 'damaged' });
		const gone = aConnection({ card: { name: '張三', channels: [] } });
		await connectionRepository(db).save(gone);
		await connectionRepository(db).softDelete(gone.id, at('2026-11-30T00:00:00Z'));
		await restore(db, fileOf({ ...(await readBackupContent(db)), connections: [person, gone] }));
		expect(await db.get('connections', person.id)).toEqual({ id: person.id, card: 'damaged' });
		expect(await connectionRepository(db).get(gone.id)).toBeNull();
	});

	it('keeps the device’s own settings and opener, and adds what it lacks', async () => {
		await settingsRepository(db).update({ followUpHour: 8 });
		await promptDeckRepository(db).saveOpener('zh-TW', { full: '我的開場白' });
		const content = {
			...(await readBackupContent(db)),
			settings: {
				followUpDelayDays: 2,
				followUpHour: 9,
				followUpSkipWeekends: true,
				weeklyGoal: 5
			},
			prompts: {
				state: { favourites: ['en-1'], prepared: {} },
				openers: { 'zh-TW': { full: '別人的' }, en: { short: 'Hi!' } }
			}
		};
		const target = await freshDatabase();
		await settingsRepository(target).update({ followUpHour: 8 });
		await promptDeckRepository(target).saveOpener('zh-TW', { full: '我的開場白' });
		await restore(target, fileOf(content));
		expect(await settingsRepository(target).get()).toMatchObject({
			followUpHour: 8,
			followUpDelayDays: 2,
			weeklyGoal: 5
		});
		expect((await promptDeckRepository(target).get()).openers).toEqual({
			'zh-TW': { full: '我的開場白' },
			en: { short: 'Hi!' }
		});
	});
});

describe('bad input', () => {
	it('restores the valid records of a partly damaged file and lists the damaged ones', async () => {
		const good = aConnection({ card: { name: '好的', channels: [] } });
		const backup = JSON.parse(fileOf({ ...(await readBackupContent(db)), connections: [good] }));
		backup.connections.push({ id: 'not-a-uuid', card: { name: '壞掉的' } }, 42);
		backup.followUps.push(aFollowUp({ connectionId: aConnection().id }));
		backup.events = 'nonsense';
		const report = await restore(db, JSON.stringify(backup));
		expect(report.found.connections).toBe(1);
		expect(report.damaged).toEqual([
			{ collection: 'events', index: -1 },
			{ collection: 'connections', index: 1, label: '壞掉的' },
			{ collection: 'connections', index: 2 },
			{ collection: 'followUps', index: -1, label: expect.any(String), orphan: true }
		]);
		expect((await connectionRepository(db).list()).items.map((c) => c.card.name)).toEqual(['好的']);
		expect((await eventRepository(db).list()).items).toEqual([]);
	});

	it('keeps the device as it was when the profile in the file is older', async () => {
		const mine = await profileRepository(db).save(
			aProfile({ updatedAt: at('2026-11-30T00:00:00Z') })
		);
		const older = aProfile({ name: '舊名字', updatedAt: at('2026-11-01T00:00:00Z') });
		await restore(db, fileOf({ ...(await readBackupContent(db)), profile: older }));
		expect((await profileRepository(db).get()).profile).toEqual(mine);
	});
});
