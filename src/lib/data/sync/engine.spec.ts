import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { aConnection, aFollowUp, anEvent, aProfile, at, uuid } from '$lib/testing/factories';
import { FakeSyncServer, FakeTransport } from '$lib/testing/fakeSyncServer';
import { BACKOFF_BASE_MS } from '$lib/domain/sync/backoff';
import { connectionToRow, eventToRow, followUpToRow, profileToRow } from '$lib/domain/sync/rows';
import { connectionRepository } from '../connections';
import { openRapportDatabase, type RapportDatabase } from '../db';
import { eventRepository } from '../events';
import { applyQueueChange, followUpRepository } from '../followUps';
import { overwrittenRepository } from '../overwritten';
import { profileRepository } from '../profile';
import { putBatchAndQueue } from '../outbox';
import { settingsRepository } from '../settings';
import {
	createSyncEngine,
	SYNC_STATE_KEY,
	watchTriggers,
	type ExchangeArrival,
	type SyncEngine,
	type SyncEngineOptions
} from './engine';
import type { SyncStatus } from '$lib/domain/sync/status';
import { applyPage } from './apply';
import { ServerRefusal, TransportFailure, type PushResult, type WireChange } from './transport';

let databases = 0;
const open = () => openRapportDatabase({ name: `sync-engine-${++databases}` });

/** Timers the test fires by hand. */
function manualTimers() {
	const pending = new Map<number, { run: () => void; delay: number }>();
	let ids = 0;
	return {
		pending,
		setTimer: ((run: () => void, delay: number) => {
			pending.set(++ids, { run, delay });
			return ids;
		}) as unknown as typeof setTimeout,
		clearTimer: ((id: number) => void pending.delete(id)) as unknown as typeof clearTimeout,
		delays: () => [...pending.values()].map((timer) => timer.delay),
		fireAll() {
			const due = [...pending.values()];
			pending.clear();
			for (const timer of due) timer.run();
		}
	};
}

const NOW = new Date('2026-11-21T04:00:00.000Z');

function engineFor(
	db: RapportDatabase,
	transport: FakeTransport,
	options: SyncEngineOptions = {}
): { engine: SyncEngine; timers: ReturnType<typeof manualTimers> } {
	const timers = manualTimers();
	const engine = createSyncEngine(db, transport, {
		now: () => NOW,
		random: () => 0.5,
		setTimer: timers.setTimer,
		clearTimer: timers.clearTimer,
		locale: () => 'zh-TW',
		deviceTimeZone: () => 'Asia/Taipei',
		...options
	});
	return { engine, timers };
}

/** Fires the pending timers and waits for the run they start to end. */
function fireAndSettle(
	engine: SyncEngine,
	timers: ReturnType<typeof manualTimers>
): Promise<SyncStatus> {
	const settled = new Promise<SyncStatus>((resolve) => {
		let started = false;
		const stop = engine.subscribe((status) => {
			if (status.phase === 'syncing') started = true;
			else if (started) {
				stop();
				resolve(status);
			}
		});
	});
	timers.fireAll();
	return settled;
}

const pushed = (transport: FakeTransport) =>
	transport.callsOf('push').map(([changes]) => changes as WireChange[]);

let db: RapportDatabase;
let server: FakeSyncServer;
let transport: FakeTransport;

beforeEach(async () => {
	db = await open();
	server = new FakeSyncServer();
	transport = new FakeTransport(server);
});
afterEach(() => {
	db.close();
	vi.unstubAllGlobals();
});

describe('push', () => {
	it('sends the outbox oldest first in batches of at most 500 and empties it', async () => {
		const events = eventRepository(db);
		const saved = [];
		for (let i = 0; i < 1_201; i++) saved.push(await events.save(anEvent({ name: `活動 ${i}` })));
		const { engine } = engineFor(db, transport);

		await engine.sync();

		const batches = pushed(transport);
		expect(batches.map((batch) => batch.length)).toEqual([500, 500, 201]);
		expect(batches.flat().map((change) => change.row.id)).toEqual(saved.map((event) => event.id));
		expect(batches[0]![0]).toEqual({ table: 'events', op: 'upsert', row: eventToRow(saved[0]!) });
		expect(await db.count('outbox')).toBe(0);
		expect(engine.status()).toMatchObject({
			phase: 'idle',
			waiting: 0,
			lastSyncedAt: NOW.toISOString(),
			lastError: null
		});
	});

	it('sends one change per record, as it is now, where its first entry was', async () => {
		const connections = connectionRepository(db);
		const first = await connections.save(aConnection({ note: '第一版' }));
		const other = await connections.save(aConnection());
		await connections.save({ ...first, note: '第二版', updatedAt: at('2026-11-20T13:00:00Z') });
		await connections.softDelete(first.id, at('2026-11-20T14:00:00Z'));
		expect(await db.count('outbox')).toBe(4);
		const { engine } = engineFor(db, transport);

		await engine.sync();

		const [batch] = pushed(transport);
		expect(batch!.map((change) => change.row.id)).toEqual([first.id, other.id]);
		expect(batch![0]!.row).toMatchObject({
			note: '第二版',
			deleted_at: '2026-11-20T14:00:00.000Z',
			updated_at: '2026-11-20T14:00:00.000Z'
		});
		expect(await db.count('outbox')).toBe(0);
	});

	it('sends a removed follow-up as a tombstone and forgets entries whose record is gone', async () => {
		const connection = aConnection();
		const followUp = aFollowUp({ connectionId: connection.id });
		await connectionRepository(db).saveWithFollowUp(connection, followUp);
		vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-11-20T15:00:00Z') });
		await applyQueueChange(db, { removeFollowUps: [followUp.id] });
		vi.useRealTimers();
		// An entry whose record vanished without a delete (nothing to send).
		await db.add('outbox', {
			aggregate: 'events',
			recordId: uuid(),
			op: 'upsert',
			queuedAt: NOW.toISOString()
		});
		const { engine } = engineFor(db, transport);

		await engine.sync();

		expect(pushed(transport)[0]).toEqual([
			{ table: 'connections', op: 'upsert', row: connectionToRow(connection) },
			{
				table: 'follow_ups',
				op: 'delete',
				row: { id: followUp.id, updated_at: '2026-11-20T15:00:00.000Z' }
			}
		]);
		expect(await db.count('outbox')).toBe(0);
	});

	it('drops an entry the server already holds as new or newer, and pulls the winner', async () => {
		const event = anEvent({ name: '舊名稱', updatedAt: at('2026-11-19T02:00:00Z') });
		await eventRepository(db).save(event);
		server.plant('user-1', 'events', {
			...eventToRow(event),
			name: '新名稱',
			updated_at: '2026-11-19T03:00:00.000Z'
		});
		const { engine } = engineFor(db, transport);

		await engine.sync();

		expect(await db.count('outbox')).toBe(0);
		expect(await eventRepository(db).get(event.id)).toMatchObject({ name: '新名稱' });
	});

	it('retries a change that refers to a row further on, after the rest, in the same run', async () => {
		const event = anEvent();
		const connections = connectionRepository(db);
		const met = await connections.save(aConnection({ eventId: event.id }));
		await eventRepository(db).save(event);
		const { engine } = engineFor(db, transport);

		await engine.sync();

		const batches = pushed(transport);
		expect(batches.map((batch) => batch.map((change) => change.row.id))).toEqual([
			[met.id, event.id],
			[met.id]
		]);
		expect(server.rows('user-1').map(({ row }) => row.id)).toContain(met.id);
		expect(await db.count('outbox')).toBe(0);
	});

	it('keeps a change whose reference never comes, without looping', async () => {
		const orphan = await connectionRepository(db).save(aConnection({ eventId: uuid() }));
		await eventRepository(db).save(anEvent());
		const { engine } = engineFor(db, transport);

		await engine.sync();

		expect(pushed(transport)).toHaveLength(2);
		expect(await db.getAll('outbox')).toMatchObject([{ recordId: orphan.id }]);
		expect(engine.status()).toMatchObject({ phase: 'idle', waiting: 1 });
	});

	it('lists a refused change until dismissed, keeping the record', async () => {
		const event = await eventRepository(db).save(anEvent({ timeZone: 'Mars/Olympus_Mons' }));
		const { engine } = engineFor(db, transport);

		await engine.sync();

		const rejected = [
			{
				table: 'events',
				recordId: event.id,
				code: 'invalid_row',
				message: 'time_zone',
				at: NOW.toISOString()
			}
		];
		expect(engine.status().rejected).toEqual(rejected);
		expect(await db.count('outbox')).toBe(0);
		expect(await eventRepository(db).get(event.id)).toEqual(event);

		const reopened = engineFor(db, transport).engine;
		await reopened.sync();
		expect(reopened.status().rejected).toEqual(rejected);
		await reopened.dismissRejected();
		expect(reopened.status().rejected).toEqual([]);
		expect(await db.get('settings', SYNC_STATE_KEY)).toMatchObject({ rejected: [] });
	});

	it('does not send a record this device cannot read, and says so', async () => {
		const id = uuid();
		await db.put('events', { id, name: 7 });
		await db.add('outbox', {
			aggregate: 'events',
			recordId: id,
			op: 'upsert',
			queuedAt: NOW.toISOString()
		});
		const { engine } = engineFor(db, transport);

		await engine.sync();

		expect(pushed(transport)).toEqual([]);
		expect(engine.status().rejected).toMatchObject([
			{ table: 'events', recordId: id, code: 'invalid_row' }
		]);
		expect(await db.count('outbox')).toBe(0);
	});

	it('sends the profile with this device’s follow-up rule', async () => {
		const profile = await profileRepository(db).save(aProfile());
		await settingsRepository(db).update({ followUpHour: 8, timeZone: 'Asia/Tokyo' });
		const { engine } = engineFor(db, transport);

		await engine.sync();

		expect(pushed(transport)[0]).toEqual([
			{
				table: 'profiles',
				op: 'upsert',
				row: profileToRow(profile, {
					locale: 'zh-TW',
					timeZone: 'Asia/Tokyo',
					followUpDelayDays: 1,
					followUpHour: 8,
					followUpSkipWeekends: true
				})
			}
		]);
	});

	it('replays a batch whose answer was lost without changing anything twice', async () => {
		const event = await eventRepository(db).save(anEvent());
		transport.failNext(1, 'answer-lost');
		const { engine, timers } = engineFor(db, transport);

		await engine.sync();
		expect(engine.status()).toMatchObject({ phase: 'retrying', waiting: 1 });
		await fireAndSettle(engine, timers);

		expect(pushed(transport)).toHaveLength(2);
		expect(server.rows('user-1')).toEqual([{ table: 'events', row: eventToRow(event) }]);
		expect(await db.count('outbox')).toBe(0);
	});
	it('sends every record a batch entry names (a restore), one change each, in order', async () => {
		const events = [anEvent(), anEvent()];
		const people = [aConnection(), aConnection(), aConnection()];
		await putBatchAndQueue(db, 'events', events);
		await putBatchAndQueue(db, 'connections', people);
		expect(await db.count('outbox')).toBe(2);
		const { engine } = engineFor(db, transport);

		await engine.sync();

		expect(
			pushed(transport)
				.flat()
				.map((change) => [change.table, change.row.id])
		).toEqual([
			...events.map((event) => ['events', event.id]),
			...people.map((person) => ['connections', person.id])
		]);
		// The server adds each new person's post-event follow-up itself.
		expect(server.rows('user-1').filter(({ table }) => table !== 'follow_ups')).toHaveLength(5);
		expect(await db.count('outbox')).toBe(0);
	});
});

describe('pull', () => {
	it('applies what changed elsewhere without queuing it to be sent back', async () => {
		const event = anEvent();
		const connection = aConnection({ eventId: event.id });
		server.plant('user-1', 'events', eventToRow(event));
		server.plant('user-1', 'connections', connectionToRow(connection));
		const { engine } = engineFor(db, transport);

		await engine.sync();

		expect(await eventRepository(db).get(event.id)).toEqual(event);
		expect(await connectionRepository(db).get(connection.id)).toEqual(connection);
		expect(await db.count('outbox')).toBe(0);
	});

	it('takes the server’s row for a record with no edit waiting, whatever this clock said', async () => {
		const connection = aConnection({ note: '伺服器的', updatedAt: at('2026-11-20T12:00:00Z') });
		// Stamped by a clock a day ahead, and already synced: nothing of it is waiting.
		await db.put('connections', {
			...connection,
			note: '舊',
			updatedAt: at('2026-11-21T12:00:00Z')
		});
		server.plant('user-1', 'connections', connectionToRow(connection));
		const { engine } = engineFor(db, transport);

		await engine.sync();

		expect(await connectionRepository(db).get(connection.id)).toEqual(connection);
	});

	it('keeps a newer record a restore queued as a batch during the run from an older pulled row', async () => {
		const older = aConnection({ note: '伺服器的', updatedAt: at('2026-11-20T12:00:00Z') });
		const restored = { ...older, note: '備份的', updatedAt: at('2026-11-22T12:00:00Z') };
		await putBatchAndQueue(db, 'connections', [restored]);

		await applyPage(db, [{ table: 'connections', row: connectionToRow(older) }], 'cursor', {
			mode: 'pull',
			deviceTimeZone: 'Asia/Taipei',
			now: NOW.toISOString(),
			editedSince: null
		});

		expect(await connectionRepository(db).get(older.id)).toMatchObject(restored);
		expect((await db.getAll('outbox')).map((entry) => [entry.aggregate, entry.recordId])).toEqual([
			['connections', older.id]
		]);
	});

	it('keeps a waiting local edit that is newer than the server’s, merging the other fields', async () => {
		// Its event never reaches the server, so the edit is deferred and still waits at the pull.
		const event = anEvent();
		await db.put('events', event);
		const connection = aConnection({ eventId: event.id, updatedAt: at('2026-11-20T12:00:00Z') });
		const mine = {
			...connection,
			note: '新',
			updatedAt: at('2026-11-20T13:00:00Z'),
			fieldUpdatedAt: { note: at('2026-11-20T13:00:00Z'), tags: connection.updatedAt }
		};
		await db.put('connections', mine);
		await db.add('outbox', {
			aggregate: 'connections',
			recordId: connection.id,
			op: 'upsert',
			queuedAt: mine.updatedAt
		});
		const theirs = {
			...connection,
			tags: ['設計'],
			updatedAt: at('2026-11-20T12:30:00Z'),
			fieldUpdatedAt: { tags: at('2026-11-20T12:30:00Z') }
		};
		server.plant('user-1', 'connections', connectionToRow(theirs));
		const { engine } = engineFor(db, transport);

		await engine.sync();

		expect(await connectionRepository(db).get(connection.id)).toMatchObject({
			note: '新',
			tags: ['設計'],
			updatedAt: mine.updatedAt
		});
		expect(await db.count('outbox')).toBe(1);
	});

	it('hides deleted events and connections and removes deleted follow-ups', async () => {
		const event = anEvent();
		const connection = aConnection();
		const followUp = aFollowUp({ connectionId: connection.id });
		await db.put('events', event);
		await db.put('connections', connection);
		await db.put('followUps', followUp);
		const gone = '2026-11-21T00:00:00.000Z';
		server.plant('user-1', 'events', { ...eventToRow(event), updated_at: gone, deleted_at: gone });
		server.plant('user-1', 'connections', {
			...connectionToRow(connection),
			updated_at: gone,
			deleted_at: gone
		});
		server.plant('user-1', 'follow_ups', {
			...followUpToRow(followUp),
			updated_at: gone,
			deleted_at: gone
		});
		const { engine } = engineFor(db, transport);

		await engine.sync();

		expect(await db.get('events', event.id)).toMatchObject({ deletedAt: gone });
		expect(await eventRepository(db).get(event.id)).toBeNull();
		expect(await connectionRepository(db).get(connection.id)).toBeNull();
		expect(await db.get('followUps', followUp.id)).toBeUndefined();
	});

	it('pages from the saved cursor, saving it after every page', async () => {
		for (let i = 0; i < 1_100; i++) server.plant('user-1', 'events', eventToRow(anEvent()));
		const { engine, timers } = engineFor(db, transport);
		// The second page fails: the first stays applied and the cursor after it is kept.
		const pull = transport.pull.bind(transport);
		const asked: (string | null)[] = [];
		transport.pull = (cursor, size) => {
			asked.push(cursor);
			if (asked.length === 2) return Promise.reject(new TransportFailure('reset'));
			return pull(cursor, size);
		};

		await engine.sync();
		expect(await db.count('events')).toBe(500);
		expect(await db.get('settings', SYNC_STATE_KEY)).toMatchObject({ cursor: '1:500' });

		await fireAndSettle(engine, timers);
		expect(await db.count('events')).toBe(1_100);
		expect(asked).toEqual([null, '1:500', '1:500', '1:1000']);
		expect(engine.status().phase).toBe('idle');
	});

	it('pulls everything again after a restore, and gives the server back what it lost', async () => {
		const kept = await eventRepository(db).save(anEvent({ name: '留下的' }));
		const lost = await eventRepository(db).save(anEvent({ name: '還原後不見的' }));
		const { engine } = engineFor(db, transport);
		await engine.sync();
		server.plant('user-1', 'connections', connectionToRow(aConnection()));
		server.restore([['events', lost.id]]);

		await engine.sync();

		const ids = server.rows('user-1').map(({ row }) => row.id);
		expect(ids).toEqual(expect.arrayContaining([kept.id, lost.id]));
		expect(transport.callsOf('pull').map(([cursor]) => cursor)).toContain(null);
		expect(await db.count('connections')).toBe(1);
		expect(await db.count('outbox')).toBe(0);
		expect(engine.status().phase).toBe('idle');
		expect(await db.get('settings', SYNC_STATE_KEY)).toMatchObject({
			cursor: expect.stringMatching(/^2:/)
		});
	});

	it('skips and counts rows that do not validate, applying the rest', async () => {
		const event = anEvent();
		server.plant('user-1', 'events', { ...eventToRow(anEvent()), starts_at: 'soon' });
		server.plant('user-1', 'events', eventToRow(event));
		server.plant('user-1', 'connections', { ...connectionToRow(aConnection()), card: null });
		const { engine } = engineFor(db, transport);

		await engine.sync();

		expect(await db.getAll('events')).toEqual([event]);
		expect(engine.status()).toMatchObject({ phase: 'idle', skipped: 2 });
	});

	it('gives a follow-up made here the server’s id for the same cycle', async () => {
		const connection = aConnection();
		const mine = aFollowUp({ connectionId: connection.id, dueAt: at('2026-11-21T01:00:00Z') });
		await connectionRepository(db).saveWithFollowUp(connection, {
			...mine,
			updatedAt: connection.updatedAt
		});
		const { engine } = engineFor(db, transport);

		await engine.sync();

		const [serverFollowUp] = server.rows('user-1').filter(({ table }) => table === 'follow_ups');
		expect(serverFollowUp!.row.id).not.toBe(mine.id);
		const local = await followUpRepository(db).listForConnection(connection.id);
		expect(local.map((followUp) => followUpToRow(followUp))).toEqual([serverFollowUp!.row]);
		expect(await db.count('outbox')).toBe(0);
	});

	it('keeps a newer local follow-up under the server’s id and pushes it next', async () => {
		const connection = aConnection();
		await db.put('connections', connection);
		const theirs = aFollowUp({
			connectionId: connection.id,
			updatedAt: at('2026-11-20T12:00:00Z')
		});
		server.plant('user-1', 'connections', connectionToRow(connection));
		server.plant('user-1', 'follow_ups', followUpToRow(theirs));
		const mine = aFollowUp({
			connectionId: connection.id,
			status: 'done',
			doneAt: at('2026-11-21T01:00:00Z'),
			updatedAt: at('2026-11-21T01:00:00Z')
		});
		await followUpRepository(db).save(mine);
		// The server puts this push off, so the pull sees the local follow-up still unsent.
		const push = transport.push.bind(transport);
		let pushes = 0;
		transport.push = (changes) =>
			++pushes === 1
				? Promise.resolve(
						changes.map((change, index): PushResult => ({
							index,
							table: change.table,
							id: null,
							status: 'deferred',
							code: 'missing_reference'
						}))
					)
				: push(changes);
		const { engine } = engineFor(db, transport);

		await engine.sync();
		const local = await followUpRepository(db).listForConnection(connection.id);
		expect(local).toEqual([{ ...mine, id: theirs.id }]);
		expect(await db.getAll('outbox')).toMatchObject([
			{ aggregate: 'followUps', recordId: theirs.id }
		]);

		await engine.sync();
		expect(server.rows('user-1').find(({ row }) => row.id === theirs.id)?.row).toEqual(
			followUpToRow({ ...mine, id: theirs.id })
		);
		expect(await db.count('outbox')).toBe(0);
	});

	it('does not bring back a follow-up removed here that the server has not heard of', async () => {
		const connection = aConnection();
		const followUp = aFollowUp({ connectionId: connection.id });
		await db.put('connections', connection);
		server.plant('user-1', 'connections', connectionToRow(connection));
		server.plant('user-1', 'follow_ups', followUpToRow(followUp));
		vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-11-21T00:00:00Z') });
		await applyQueueChange(db, { removeFollowUps: [followUp.id] });
		vi.useRealTimers();
		const { engine } = engineFor(db, transport);
		// Offline for the push: the pull must still respect the delete waiting in the outbox.
		transport.push = () => Promise.resolve([]);

		await engine.sync();

		expect(await db.get('followUps', followUp.id)).toBeUndefined();
		expect(await db.count('outbox')).toBe(1);
	});

	it('takes a newer profile and follow-up rule from another device', async () => {
		await profileRepository(db).save(aProfile({ updatedAt: at('2026-11-20T00:00:00Z') }));
		const theirs = aProfile({ name: '陳怡君 Yi-Chun', updatedAt: at('2026-11-21T00:00:00Z') });
		server.plant(
			'user-1',
			'profiles',
			profileToRow(theirs, {
				locale: 'en',
				timeZone: 'Asia/Taipei',
				followUpDelayDays: 3,
				followUpHour: 7,
				followUpSkipWeekends: false
			})
		);
		await db.clear('outbox');
		const { engine } = engineFor(db, transport);

		await engine.sync();

		expect((await profileRepository(db).get()).profile).toEqual(theirs);
		const settings = await settingsRepository(db).get();
		expect(settings).toMatchObject({
			followUpDelayDays: 3,
			followUpHour: 7,
			followUpSkipWeekends: false
		});
		expect(settings.timeZone).toBeUndefined();
		expect(await db.count('outbox')).toBe(0);
	});

	it('applies the server’s winning row at once and keeps my replaced note in view', async () => {
		const connection = await connectionRepository(db).save(aConnection());
		const { engine } = engineFor(db, transport);
		await engine.sync();
		const theirs = {
			...connection,
			note: '他們的版本',
			updatedAt: at('2026-11-21T06:00:00Z'),
			fieldUpdatedAt: { note: at('2026-11-21T06:00:00Z') }
		};
		server.plant('user-1', 'connections', connectionToRow(theirs));
		await connectionRepository(db).save({
			...connection,
			note: '我的版本',
			updatedAt: at('2026-11-21T05:00:00Z')
		});
		// Only the push: its answer alone must bring the device to what the server holds.
		transport.pull = () => Promise.resolve({ changes: [], cursor: null, more: false });

		await engine.sync();

		expect((await connectionRepository(db).get(connection.id))?.note).toBe('他們的版本');
		expect(await overwrittenRepository(db).forConnection(connection.id)).toMatchObject([
			{ field: 'note', text: '我的版本' }
		]);
		expect(await db.count('outbox')).toBe(0);
	});

	it('clamps a clock a day ahead to the server’s and adopts the clamped time', async () => {
		const tomorrow = at('2026-11-22T04:00:00Z');
		server.now = () => NOW;
		const event = await eventRepository(db).save(anEvent({ updatedAt: tomorrow }));
		const { engine } = engineFor(db, transport);
		transport.pull = () => Promise.resolve({ changes: [], cursor: null, more: false });

		await engine.sync();

		expect((await eventRepository(db).get(event.id))?.updatedAt).toBe(NOW.toISOString());
	});

	it('sends nothing to another account that signs in here, and says what the device holds', async () => {
		const event = await eventRepository(db).save(anEvent());
		await profileRepository(db).save(aProfile());
		const { engine } = engineFor(db, transport);
		await engine.sync();
		await connectionRepository(db).save(aConnection({ note: '諮商師，不要分享' }));

		const calls = transport.calls.length;
		transport.userId = 'user-2';
		await engine.sync();

		expect(server.rows('user-2')).toEqual([]);
		expect(transport.calls.length).toBe(calls);
		expect(engine.status()).toMatchObject({
			phase: 'account-changed',
			deviceData: { card: true, events: 1, people: 1, followUps: 0 }
		});
		expect(await eventRepository(db).get(event.id)).not.toBeNull();
	});
});

describe('exchange', () => {
	const myCard = { name: '王小明', channels: [] };

	it('delivers a queued card once online, and names new arrivals on the owner’s device', async () => {
		const owner = new FakeTransport(server, 'owner');
		const ownerDb = await open();
		const { engine: ownersEngine } = engineFor(ownerDb, owner);
		const arrivals: ExchangeArrival[][] = [];
		ownersEngine.onExchangeArrivals((arrived) => arrivals.push(arrived));
		await ownersEngine.sync();

		const token = server.createExchangeToken('owner', null);
		const { engine } = engineFor(db, transport);
		transport.failNext(1);
		await engine.queueExchange(token, myCard);
		await engine.sync();
		expect(engine.status()).toMatchObject({ phase: 'retrying', waiting: 1, lastError: 'network' });

		await engine.sync();
		expect(engine.status()).toMatchObject({ phase: 'idle', waiting: 0 });

		await ownersEngine.sync();
		await ownersEngine.sync();
		const [connection] = (await connectionRepository(ownerDb).list()).items;
		expect(connection).toMatchObject({ source: 'exchange', card: myCard });
		expect(arrivals).toEqual([[{ connectionId: connection!.id, name: '王小明' }]]);
		ownerDb.close();

		// Another device of the owner catching up brings the connection without announcing it.
		const laptopDb = await open();
		const { engine: laptopEngine } = engineFor(laptopDb, new FakeTransport(server, 'owner'));
		const laptopArrivals: ExchangeArrival[][] = [];
		laptopEngine.onExchangeArrivals((arrived) => laptopArrivals.push(arrived));
		await laptopEngine.sync();
		expect((await connectionRepository(laptopDb).list()).items).toHaveLength(1);
		expect(laptopArrivals).toEqual([]);
		laptopDb.close();
	});

	it('counts a replay of its own as delivered', async () => {
		const token = server.createExchangeToken('owner', null);
		transport.failNext(1, 'answer-lost');
		const { engine } = engineFor(db, transport);
		await engine.queueExchange(token, myCard);
		await engine.sync();
		await engine.sync();

		expect(transport.callsOf('acceptExchange')).toHaveLength(2);
		expect(engine.status()).toMatchObject({ phase: 'idle', waiting: 0, rejected: [] });
	});

	it('lists a refused exchange and stops trying it', async () => {
		const token = server.createExchangeToken('owner', null);
		server.expireTokens();
		const { engine } = engineFor(db, transport);
		await engine.queueExchange(token, myCard);
		await engine.sync();
		await engine.sync();

		expect(transport.callsOf('acceptExchange')).toHaveLength(1);
		expect(engine.status().rejected).toMatchObject([
			{ table: 'exchange', code: 'exchange_token_expired' }
		]);
		expect(engine.status().waiting).toBe(0);
	});

	it('schedules a sync after queuing', async () => {
		const { engine, timers } = engineFor(db, transport);
		await engine.queueExchange('token', myCard);
		expect(timers.delays()).toEqual([1_500]);
	});
});

describe('runs and failures', () => {
	it('tells what is waiting from the first status it gives, never "nothing waiting" first', async () => {
		await eventRepository(db).save(anEvent());
		const { engine } = engineFor(db, transport);
		const heard = new Promise<SyncStatus>((resolve) => engine.subscribe(resolve));

		expect(await heard).toMatchObject({ phase: 'idle', waiting: 1 });
	});

	it('backs off after a network failure, then recovers', async () => {
		await eventRepository(db).save(anEvent());
		transport.failNext(2);
		const { engine, timers } = engineFor(db, transport);
		const seen: SyncStatus['phase'][] = [];
		engine.subscribe((status) => seen.push(status.phase));

		await engine.sync();
		expect(engine.status()).toMatchObject({
			phase: 'retrying',
			lastError: 'network',
			retryAt: new Date(NOW.getTime() + BACKOFF_BASE_MS / 2).toISOString()
		});
		expect(timers.delays()).toEqual([BACKOFF_BASE_MS / 2]);

		await fireAndSettle(engine, timers);
		// The second failure in a row waits twice as long (same random share).
		expect(timers.delays()).toEqual([BACKOFF_BASE_MS]);

		await fireAndSettle(engine, timers);
		expect(engine.status()).toMatchObject({ phase: 'idle', lastError: null, retryAt: null });
		expect(timers.delays()).toEqual([]);
		expect(seen).toContain('syncing');
		expect(seen.at(-1)).toBe('idle');
	});

	it('says offline when the device knows it is', async () => {
		vi.stubGlobal('navigator', { onLine: false });
		transport.failNext(1);
		const { engine } = engineFor(db, transport);
		await engine.sync();
		expect(engine.status()).toMatchObject({ phase: 'offline', lastError: 'network' });
	});

	it('stops, without retrying, when this device is no longer signed in', async () => {
		transport.signedIn = false;
		const { engine, timers } = engineFor(db, transport);
		await engine.sync();
		expect(engine.status()).toMatchObject({
			phase: 'signed-out',
			lastError: 'auth_session_missing'
		});
		expect(timers.delays()).toEqual([]);
		expect(transport.callsOf('push')).toEqual([]);
	});

	it('treats an expired session found mid-run as signed out', async () => {
		await eventRepository(db).save(anEvent());
		transport.push = () => Promise.reject(new ServerRefusal('auth_refresh_token_not_found'));
		const { engine, timers } = engineFor(db, transport);
		await engine.sync();
		expect(engine.status().phase).toBe('signed-out');
		expect(timers.delays()).toEqual([]);
	});

	it('runs one at a time, and once more for calls made during a run', async () => {
		const { engine } = engineFor(db, transport);
		const first = engine.sync();
		const second = engine.sync();
		const third = engine.sync();
		await Promise.all([first, second, third]);
		expect(transport.callsOf('pull')).toHaveLength(2);
		await engine.sync();
		expect(transport.callsOf('pull')).toHaveLength(3);
	});

	it('coalesces scheduled syncs and keeps the earliest', async () => {
		const { engine, timers } = engineFor(db, transport);
		engine.schedule();
		engine.schedule();
		engine.schedule(5_000);
		expect(timers.delays()).toEqual([1_500]);
		engine.schedule(0);
		expect(timers.delays()).toEqual([0]);
		await fireAndSettle(engine, timers);
		expect(transport.callsOf('pull')).toHaveLength(1);
	});

	it('lets writes wait for the retry while backing off, but not a return online', async () => {
		transport.failNext(1);
		const { engine, timers } = engineFor(db, transport);
		await engine.sync();
		const retry = timers.delays()[0]!;
		engine.schedule(100);
		expect(timers.delays()).toEqual([retry]);
		engine.schedule(0);
		expect(timers.delays()).toEqual([0]);
	});

	it('does nothing more once stopped', async () => {
		const { engine, timers } = engineFor(db, transport);
		engine.stop();
		engine.schedule();
		await engine.sync();
		expect(timers.delays()).toEqual([]);
		expect(transport.calls).toEqual([]);
	});

	it('counts what is waiting as soon as it starts', async () => {
		await eventRepository(db).save(anEvent());
		await eventRepository(db).save(anEvent());
		const { engine } = engineFor(db, transport);
		const statuses: SyncStatus[] = [];
		engine.subscribe((status) => statuses.push(status));
		await vi.waitFor(() => expect(statuses.at(-1)?.waiting).toBe(2));
	});
});

describe('triggers', () => {
	it('sync when the device comes online and when the app becomes visible', () => {
		const schedule = vi.fn();
		const target = new EventTarget();
		const doc = Object.assign(new EventTarget(), { visibilityState: 'hidden' as const });
		const stop = watchTriggers(
			{ schedule },
			target,
			doc as unknown as Pick<
				Document,
				'addEventListener' | 'removeEventListener' | 'visibilityState'
			>
		);

		doc.dispatchEvent(new Event('visibilitychange'));
		expect(schedule).not.toHaveBeenCalled();
		target.dispatchEvent(new Event('online'));
		expect(schedule).toHaveBeenCalledWith(0);
		Object.assign(doc, { visibilityState: 'visible' });
		doc.dispatchEvent(new Event('visibilitychange'));
		expect(schedule).toHaveBeenCalledTimes(2);

		stop();
		target.dispatchEvent(new Event('online'));
		doc.dispatchEvent(new Event('visibilitychange'));
		expect(schedule).toHaveBeenCalledTimes(2);
	});
});
