import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../tests/support/database';
import {
	beginAs,
	pullAllAs,
	pullAs,
	pushAs,
	pushIn,
	type Change,
	type PullPage,
	type PushResult,
	type Row,
	type SyncTable as Table
} from '../../tests/support/syncSql';

// sync_push and sync_pull (docs/sync.md) as the app uses them: every call its own committed
// transaction, run the way PostgREST runs a request. Pulls only return committed work of
// transactions older than every running one, so unlike the other suites nothing here can run
// inside a rolled-back transaction: each test makes users of its own and deletes them (and, by
// cascade, all their rows) afterwards. Extra connections play second devices and slow requests.

const db = useTestDatabase();
const devices: pg.Client[] = [];
const users: string[] = [];

beforeAll(async () => {
	for (let i = 0; i < 2; i++) {
		const client = new pg.Client({ connectionString: process.env.RAPPORT_TEST_DATABASE_URL });
		await client.connect();
		devices.push(client);
	}
});

afterAll(async () => {
	await Promise.all(devices.map((client) => client.end()));
});

afterEach(async () => {
	await db.query('delete from auth.users where id = any($1)', [users.splice(0)]);
});

async function createUser(): Promise<string> {
	const { rows } = await db.query<{ id: string }>(
		'insert into auth.users (is_anonymous) values (true) returning id'
	);
	const id = rows[0]?.id;
	if (!id) throw new Error('insert into auth.users returned no row');
	users.push(id);
	return id;
}

const push = (userId: string, changes: Change[], client = db) => pushAs(client, userId, changes);
const pull = (userId: string, cursor: string | null, pageSize = 500, client = db) =>
	pullAs(client, userId, cursor, pageSize);
const pullAll = (userId: string, cursor: string | null, pageSize = 500) =>
	pullAllAs(db, userId, cursor, pageSize);

/** Every row of the user in all four tables, every column (stamps included), read as superuser. */
async function tableContents(userId: string): Promise<unknown> {
	const { rows } = await db.query<{ contents: unknown }>(
		`select jsonb_build_object(
			'profiles', (select jsonb_agg(to_jsonb(t)) from public.profiles t where owner_id = $1),
			'events', (select jsonb_agg(to_jsonb(t) order by id) from public.events t where owner_id = $1),
			'connections',
				(select jsonb_agg(to_jsonb(t) order by id) from public.connections t where owner_id = $1),
			'follow_ups',
				(select jsonb_agg(to_jsonb(t) order by id) from public.follow_ups t where owner_id = $1)
		) as contents`,
		[userId]
	);
	return rows[0]?.contents;
}

// Factories: complete wire rows as docs/sync.md lists them.

function eventRow(overrides: Row = {}): Row {
	return {
		id: crypto.randomUUID(),
		name: '前端技術聚會',
		topic: 'Svelte 5',
		context: 'meetup',
		starts_at: '2025-12-03T19:00:00+08:00',
		ends_at: '2025-12-03T21:30:00+08:00',
		venue: 'Taipei',
		time_zone: 'Asia/Taipei',
		coach: null,
		updated_at: '2025-12-02T10:00:00.000Z',
		deleted_at: null,
		...overrides
	};
}

function connectionRow(overrides: Row = {}): Row {
	return {
		id: crypto.randomUUID(),
		card: { name: '陳怡君', channels: [{ kind: 'line', value: 'yijun' }] },
		event_id: null,
		met_at: '2025-12-03T20:10:00+08:00',
		note: '聊到設計系統',
		talk_phrase: '你在做的設計系統',
		prompt_text: null,
		tags: ['design'],
		tier: 'regular',
		last_contacted_at: null,
		source: 'scan',
		field_updated_at: {},
		updated_at: '2025-12-03T12:10:00.000Z',
		deleted_at: null,
		...overrides
	};
}

function followUpRow(connectionId: string, overrides: Row = {}): Row {
	return {
		id: crypto.randomUUID(),
		connection_id: connectionId,
		kind: 'post_event',
		cycle: 0,
		due_at: '2025-12-04T01:00:00.000Z',
		status: 'pending',
		snoozed_until: null,
		done_at: null,
		updated_at: '2025-12-03T12:10:00.000Z',
		deleted_at: null,
		...overrides
	};
}

function profileRow(overrides: Row = {}): Row {
	return {
		display_name: '林小美',
		card: { name: '林小美', channels: [] },
		locale: 'zh-TW',
		time_zone: 'Asia/Taipei',
		follow_up_delay_days: 1,
		follow_up_hour: 10,
		follow_up_skip_weekends: true,
		updated_at: '2025-12-02T00:00:00.000Z',
		deleted_at: null,
		...overrides
	};
}

const upsert = (table: Table, row: Row): Change => ({ table, op: 'upsert', row });

const statuses = (results: PushResult[]) => results.map((result) => result.status);

describe('sync_push', () => {
	it('changes nothing when a batch is replayed', async () => {
		const user = await createUser();
		const event = eventRow();
		const connection = connectionRow({ event_id: event.id });
		const batch = [
			upsert('profiles', profileRow()),
			upsert('events', event),
			upsert('connections', connection),
			upsert(
				'follow_ups',
				followUpRow(String(connection.id), { status: 'done', updated_at: '2025-12-04T02:00:00Z' })
			),
			{ table: 'events', op: 'delete', row: { id: event.id, updated_at: '2025-12-05T00:00:00Z' } }
		] satisfies Change[];

		expect(statuses(await push(user, batch))).toEqual([
			'applied',
			'applied',
			'applied',
			'applied',
			'applied'
		]);
		const before = await tableContents(user);
		expect(statuses(await push(user, batch))).toEqual([
			'stale',
			'stale',
			'stale',
			'stale',
			'stale'
		]);
		expect(await tableContents(user)).toEqual(before);
	});

	it('keeps the newer row when an older batch arrives after a newer one', async () => {
		const user = await createUser();
		const id = crypto.randomUUID();
		const newer = eventRow({ id, name: 'Second edit', updated_at: '2025-12-02T11:00:00Z' });
		const older = eventRow({ id, name: 'First edit', updated_at: '2025-12-02T10:00:00Z' });

		expect(statuses(await push(user, [upsert('events', newer)]))).toEqual(['applied']);
		expect(statuses(await push(user, [upsert('events', older)]))).toEqual(['stale']);

		const { changes } = await pullAll(user, null);
		expect(changes).toEqual([
			{
				table: 'events',
				row: expect.objectContaining({
					name: 'Second edit',
					updated_at: '2025-12-02T11:00:00+00:00'
				})
			}
		]);
	});

	it('lets the later edit win when two devices of one user push at the same time', async () => {
		const user = await createUser();
		const id = crypto.randomUUID();
		await push(user, [upsert('events', eventRow({ id, updated_at: '2025-12-02T09:00:00Z' }))]);
		const [phone, laptop] = devices;
		if (!phone || !laptop) throw new Error('devices not connected');

		// The phone's edit is the later one but its request is slow: it holds the row while the
		// laptop's older edit arrives, which must wait for it and then lose.
		await beginAs(phone, user);
		await pushIn(phone, [
			upsert('events', eventRow({ id, name: 'Phone', updated_at: '2025-12-02T10:05:00Z' }))
		]);
		const laptopPush = push(
			user,
			[upsert('events', eventRow({ id, name: 'Laptop', updated_at: '2025-12-02T10:00:00Z' }))],
			laptop
		);
		await new Promise((resolve) => setTimeout(resolve, 100));
		await phone.query('commit');
		expect(statuses(await laptopPush)).toEqual(['stale']);

		// And the other way round: the later edit waits for the earlier one and then wins.
		await beginAs(laptop, user);
		await pushIn(laptop, [
			upsert('events', eventRow({ id, name: 'Laptop again', updated_at: '2025-12-02T11:00:00Z' }))
		]);
		const phonePush = push(
			user,
			[upsert('events', eventRow({ id, name: 'Phone again', updated_at: '2025-12-02T11:00:01Z' }))],
			phone
		);
		await new Promise((resolve) => setTimeout(resolve, 100));
		await laptop.query('commit');
		expect(statuses(await phonePush)).toEqual(['applied']);

		const { rows } = await db.query('select name from public.events where id = $1', [id]);
		expect(rows).toEqual([{ name: 'Phone again' }]);
	});

	it('applies the good changes of a 500-item batch with a few bad ones in the middle', async () => {
		const user = await createUser();
		const bad = new Map<number, { row: Row; message: string }>([
			[100, { row: eventRow({ context: 'party' }), message: 'context' }],
			[250, { row: eventRow({ time_zone: 'Mars/Olympus' }), message: 'time_zone' }],
			[251, { row: eventRow({ name: null }), message: 'name' }],
			[400, { row: eventRow({ id: 'e-400' }), message: 'id' }]
		]);
		const batch = Array.from({ length: 500 }, (_, index) =>
			upsert('events', bad.get(index)?.row ?? eventRow({ name: `Event ${index}` }))
		);

		const results = await push(user, batch);

		expect(results).toHaveLength(500);
		results.forEach((result, index) => {
			const expected = bad.get(index);
			expect(result).toEqual(
				expected
					? {
							index,
							table: 'events',
							id: batch[index]?.row.id,
							status: 'rejected',
							code: 'invalid_row',
							message: expected.message
						}
					: { index, table: 'events', id: batch[index]?.row.id, status: 'applied' }
			);
		});
		const { rows } = await db.query<{ count: string }>(
			'select count(*) from public.events where owner_id = $1',
			[user]
		);
		expect(rows).toEqual([{ count: '496' }]);
	}, 30_000);

	it('keeps users apart', async () => {
		const alice = await createUser();
		const bob = await createUser();
		const event = eventRow({ name: 'Alice only' });
		await push(alice, [upsert('events', event)]);

		expect((await pullAll(bob, null)).changes).toEqual([]);
		expect(
			await push(bob, [
				upsert('events', { ...event, name: 'Bob was here', updated_at: '2099-01-01T00:00:00Z' })
			])
		).toEqual([
			{ index: 0, table: 'events', id: event.id, status: 'rejected', code: 'owned_elsewhere' }
		]);
		expect(
			await push(bob, [upsert('connections', connectionRow({ event_id: event.id }))])
		).toMatchObject([{ status: 'deferred', code: 'missing_reference' }]);
		expect(
			await push(bob, [
				{ table: 'events', op: 'delete', row: { id: event.id, updated_at: '2099-01-01T00:00:00Z' } }
			])
		).toMatchObject([{ status: 'applied' }]);

		const { rows } = await db.query(
			'select owner_id, name, deleted_at from public.events where id = $1',
			[event.id]
		);
		expect(rows).toEqual([{ owner_id: alice, name: 'Alice only', deleted_at: null }]);
		expect((await pullAll(bob, null)).changes).toEqual([]);
		expect((await pullAll(alice, null)).changes.map((change) => change.row.id)).toEqual([event.id]);
	});
});

describe('sync_push: the server holds the last word', () => {
	const hours = (count: number) => count * 3_600_000;
	const iso = (ms: number) => new Date(ms).toISOString();

	it('clamps a device 24 h ahead, so a correct device editing later wins, and both end with the server row', async () => {
		const user = await createUser();
		const id = crypto.randomUUID();
		const ahead = await push(user, [
			upsert('events', eventRow({ id, name: 'Ahead', updated_at: iso(Date.now() + hours(24)) }))
		]);
		expect(ahead).toMatchObject([{ status: 'applied', row: { id, name: 'Ahead' } }]);
		const clamped = Date.parse(String(ahead[0]?.row?.updated_at));
		expect(Math.abs(clamped - Date.now())).toBeLessThan(60_000);

		await new Promise((resolve) => setTimeout(resolve, 20));
		const correct = await push(user, [
			upsert('events', eventRow({ id, name: 'Correct', updated_at: iso(Date.now()) }))
		]);
		expect(correct).toEqual([{ index: 0, table: 'events', id, status: 'applied' }]);

		// The device ahead replays its edit: stale, with the winner to adopt.
		const replay = await push(user, [
			upsert('events', eventRow({ id, name: 'Ahead', updated_at: iso(clamped) }))
		]);
		const { changes } = await pullAll(user, null);
		expect(replay).toEqual([
			{ index: 0, table: 'events', id, status: 'stale', row: changes[0]?.row }
		]);
		expect(changes[0]?.row).toMatchObject({ name: 'Correct' });
	});

	it('does not let a delete dated 9999-12-31 outlive a later edit', async () => {
		const user = await createUser();
		const event = eventRow();
		await push(user, [upsert('events', event)]);
		const deleted = await push(user, [
			{ table: 'events', op: 'delete', row: { id: event.id, updated_at: '9999-12-31T23:59:59Z' } }
		]);
		expect(deleted[0]?.row?.deleted_at).toBe(deleted[0]?.row?.updated_at);
		expect(Date.parse(String(deleted[0]?.row?.deleted_at))).toBeLessThan(Date.now() + 60_000);

		await new Promise((resolve) => setTimeout(resolve, 20));
		const revived = await push(user, [
			upsert('events', { ...event, name: 'Back', updated_at: iso(Date.now()) })
		]);
		expect(statuses(revived)).toEqual(['applied']);
		const { rows } = await db.query('select name, deleted_at from public.events where id = $1', [
			event.id
		]);
		expect(rows).toEqual([{ name: 'Back', deleted_at: null }]);
	});

	it('keeps offline edits of different fields of a connection from two devices', async () => {
		const user = await createUser();
		const base = connectionRow({ note: 'Original', tags: [], tier: 'none' });
		await push(user, [upsert('connections', base)]);

		// Offline, the phone writes a note and the laptop, later, tags and a tier. Each device
		// stamps the fields it edits; the others keep the time they had.
		const phone = {
			...base,
			note: '聊到長照 App',
			field_updated_at: {
				note: '2025-12-04T09:00:00Z',
				tags: base.updated_at,
				tier: base.updated_at
			},
			updated_at: '2025-12-04T09:00:00Z'
		};
		const laptop = {
			...base,
			tags: ['長照'],
			tier: 'close',
			field_updated_at: {
				note: base.updated_at,
				tags: '2025-12-04T10:00:00Z',
				tier: '2025-12-04T10:00:00Z'
			},
			updated_at: '2025-12-04T10:00:00Z'
		};
		expect(await push(user, [upsert('connections', phone)])).toEqual([
			{ index: 0, table: 'connections', id: base.id, status: 'applied' }
		]);
		const [merged] = await push(user, [upsert('connections', laptop)]);

		expect(merged).toMatchObject({
			status: 'applied',
			row: {
				note: '聊到長照 App',
				tags: ['長照'],
				tier: 'close',
				field_updated_at: {
					note: '2025-12-04T09:00:00+00:00',
					tags: '2025-12-04T10:00:00+00:00',
					tier: '2025-12-04T10:00:00+00:00'
				},
				updated_at: '2025-12-04T10:00:00+00:00'
			}
		});
		// The phone's note, pushed again, changes nothing and hears the merged row.
		expect(await push(user, [upsert('connections', phone)])).toEqual([
			{ index: 0, table: 'connections', id: base.id, status: 'stale', row: merged?.row }
		]);
		expect((await pullAll(user, null)).changes.find((c) => c.table === 'connections')?.row).toEqual(
			merged?.row
		);
	});

	it('lets a later note win over an earlier one pushed in a newer row', async () => {
		const user = await createUser();
		const base = connectionRow({ note: 'Original' });
		await push(user, [upsert('connections', base)]);
		await push(user, [
			upsert('connections', {
				...base,
				note: 'Phone note',
				field_updated_at: { note: '2025-12-04T11:00:00Z' },
				updated_at: '2025-12-04T11:00:00Z'
			})
		]);
		// The laptop edited its note earlier but its tier last: the tier wins, its note does not.
		const [result] = await push(user, [
			upsert('connections', {
				...base,
				note: 'Laptop note',
				tier: 'light',
				field_updated_at: { note: '2025-12-04T10:00:00Z', tier: '2025-12-04T12:00:00Z' },
				updated_at: '2025-12-04T12:00:00Z'
			})
		]);
		expect(result).toMatchObject({
			status: 'applied',
			row: { note: 'Phone note', tier: 'light', updated_at: '2025-12-04T12:00:00+00:00' }
		});
	});

	it('validates the talk phrase and the field times', async () => {
		const user = await createUser();
		const results = await push(user, [
			upsert('connections', connectionRow({ talk_phrase: '長'.repeat(201) })),
			upsert('connections', connectionRow({ talk_phrase: 42 })),
			upsert('connections', connectionRow({ field_updated_at: { card: '2025-12-04T10:00:00Z' } })),
			upsert('connections', connectionRow({ field_updated_at: { note: 'yesterday' } })),
			upsert('connections', connectionRow({ field_updated_at: { note: '2025-02-30T10:00:00Z' } })),
			upsert('connections', connectionRow({ talk_phrase: '長'.repeat(200) }))
		]);
		expect(results.map((r) => [r.status, r.code, r.message])).toEqual([
			['rejected', 'invalid_row', 'talk_phrase'],
			['rejected', 'invalid_row', 'talk_phrase'],
			['rejected', 'invalid_row', 'field_updated_at'],
			['rejected', 'invalid_row', 'field_updated_at'],
			['rejected', 'invalid_row', 'field_updated_at'],
			['applied', undefined, undefined]
		]);
	});

	it('refuses a body over 2,000,000 bytes and changes nothing', async () => {
		const user = await createUser();
		const padding = 'x'.repeat(5_000);
		const batch = Array.from({ length: 450 }, () => upsert('events', { ...eventRow(), padding }));
		await expect(push(user, batch)).rejects.toMatchObject({
			code: 'P0001',
			message: 'sync_batch_too_large'
		});
		expect(statuses(await push(user, batch.slice(0, 300)))).toEqual(Array(300).fill('applied'));
	});

	it('tells a deleted account it is signed out', async () => {
		const user = await createUser();
		await push(user, [upsert('events', eventRow())]);
		await db.query('delete from auth.users where id = $1', [user]);

		const signedOut = { code: 'P0001', message: 'not_signed_in' };
		await expect(push(user, [upsert('events', eventRow())])).rejects.toMatchObject(signedOut);
		await expect(pull(user, null)).rejects.toMatchObject(signedOut);
	});
});

describe('sync_pull', () => {
	it('returns every row exactly once across pages, then an empty page at the same cursor', async () => {
		const user = await createUser();
		const events = Array.from({ length: 30 }, (_, i) => eventRow({ name: `Event ${i}` }));
		const connections = events.map((event) => connectionRow({ event_id: event.id }));
		await push(user, [
			upsert('profiles', profileRow()),
			...events.map((row) => upsert('events', row)),
			...connections.map((row) => upsert('connections', row))
		]);
		// A second transaction, so the pages also cross from one transaction's stamps to the next.
		await push(
			user,
			events
				.slice(0, 10)
				.map((row) => upsert('events', { ...row, updated_at: '2025-12-06T00:00:00Z' }))
		);

		const { changes, cursor, pages } = await pullAll(user, null, 7);

		// 1 profile, 30 events, 30 connections and the 30 follow-ups the trigger scheduled.
		expect(changes).toHaveLength(91);
		expect(pages).toBe(13);
		const keys = changes.map(({ table, row }) => `${table}:${String(row.id ?? 'profile')}`);
		expect(new Set(keys).size).toBe(91);
		const { rows } = await db.query<{ key: string }>(
			`select 'events:' || id as key from public.events where owner_id = $1
			union all select 'connections:' || id from public.connections where owner_id = $1
			union all select 'follow_ups:' || id from public.follow_ups where owner_id = $1
			union all select 'profiles:profile' from public.profiles where owner_id = $1`,
			[user]
		);
		expect(new Set(keys)).toEqual(new Set(rows.map((row) => row.key)));
		// The ten edited events come last: oldest change first.
		expect(changes.slice(-10).map((change) => change.row.id)).toEqual(
			events.slice(0, 10).map((row) => row.id)
		);

		expect(await pull(user, cursor, 7)).toEqual({ changes: [], cursor, more: false });
	});

	it('returns rows in the wire format, without owner_id or stamps', async () => {
		const user = await createUser();
		const event = eventRow();
		const connection = connectionRow({ event_id: event.id });
		await push(user, [upsert('events', event), upsert('connections', connection)]);

		const { changes } = await pullAll(user, null);

		const [pulledEvent, pulledConnection, pulledFollowUp] = changes;
		expect(pulledEvent).toEqual({
			table: 'events',
			row: {
				...event,
				starts_at: '2025-12-03T11:00:00+00:00',
				ends_at: '2025-12-03T13:30:00+00:00',
				updated_at: '2025-12-02T10:00:00+00:00'
			}
		});
		expect(pulledConnection).toEqual({
			table: 'connections',
			row: {
				...connection,
				met_at: '2025-12-03T12:10:00+00:00',
				updated_at: '2025-12-03T12:10:00+00:00'
			}
		});
		expect(pulledFollowUp?.table).toBe('follow_ups');
		expect(Object.keys(pulledFollowUp?.row ?? {}).sort()).toEqual(
			[
				'id',
				'connection_id',
				'kind',
				'cycle',
				'due_at',
				'status',
				'snoozed_until',
				'done_at',
				'updated_at',
				'deleted_at'
			].sort()
		);
		expect(pulledFollowUp?.row).toMatchObject({
			connection_id: connection.id,
			kind: 'post_event',
			cycle: 0,
			status: 'pending'
		});
	});

	it('brings tombstones to the other devices', async () => {
		const user = await createUser();
		const event = eventRow();
		await push(user, [upsert('events', event)]);
		const first = await pullAll(user, null);
		expect(first.changes.map((change) => change.row.deleted_at)).toEqual([null]);

		await push(user, [
			{ table: 'events', op: 'delete', row: { id: event.id, updated_at: '2025-12-07T00:00:00Z' } }
		]);
		const second = await pullAll(user, first.cursor);

		expect(second.changes).toEqual([
			{
				table: 'events',
				row: expect.objectContaining({
					id: event.id,
					deleted_at: '2025-12-07T00:00:00+00:00',
					updated_at: '2025-12-07T00:00:00+00:00'
				})
			}
		]);
	});

	it('never skips a row committed late by a slow transaction', async () => {
		const user = await createUser();
		const [slow, fast] = devices;
		if (!slow || !fast) throw new Error('devices not connected');
		await push(user, [upsert('events', eventRow({ name: 'Before' }))]);
		const start = await pullAll(user, null);

		// T1 writes first and stays open; T2, of the same account, pushes meanwhile.
		const late = eventRow({ name: 'Slow' });
		const quick = eventRow({ name: 'Quick' });
		await beginAs(slow, user);
		let during: PullPage;
		let quickPush: Promise<PushResult[]>;
		try {
			await pushIn(slow, [upsert('events', late)]);
			quickPush = push(user, [upsert('events', quick)], fast);
			await new Promise((resolve) => setTimeout(resolve, 100));

			// Neither is visible yet, and the pull does not wait for them.
			during = await pull(user, start.cursor);
			expect(during).toEqual({ changes: [], cursor: start.cursor, more: false });
		} catch (error) {
			await slow.query('rollback');
			throw error;
		}

		await slow.query('commit');
		expect(statuses(await quickPush)).toEqual(['applied']);
		const after = await pullAll(user, during.cursor);
		expect(after.changes.map((change) => change.row.name)).toEqual(['Slow', 'Quick']);
	});

	it('does not wait for an open transaction of another account', async () => {
		const alice = await createUser();
		const bob = await createUser();
		const [bobsDevice] = devices;
		if (!bobsDevice) throw new Error('devices not connected');
		const start = await pullAll(alice, null);

		// Bob's push stays open (a slow request, or the hourly job writing his follow-ups).
		await beginAs(bobsDevice, bob);
		try {
			await pushIn(bobsDevice, [upsert('events', eventRow({ name: 'Bob, still open' }))]);
			await push(alice, [upsert('events', eventRow({ name: 'Alice' }))]);
			const startedAt = performance.now();
			const page = await pull(alice, start.cursor);
			expect(page.changes.map((change) => change.row.name)).toEqual(['Alice']);
			expect(performance.now() - startedAt).toBeLessThan(500);
		} finally {
			await bobsDevice.query('rollback');
		}
	});

	it('refuses page sizes outside 1 to 1000 and cursors it did not make', async () => {
		const user = await createUser();
		await expect(pull(user, null, 0)).rejects.toMatchObject({
			code: 'P0001',
			message: 'sync_page_size_invalid'
		});
		await expect(pull(user, null, 1001)).rejects.toMatchObject({
			code: 'P0001',
			message: 'sync_page_size_invalid'
		});
		await expect(pull(user, '12-34')).rejects.toMatchObject({
			code: 'P0001',
			message: 'sync_cursor_invalid'
		});
	});

	it('refuses a cursor of another database, of the old format or ahead of the account', async () => {
		const user = await createUser();
		await push(user, [upsert('events', eventRow())]);
		const { cursor } = await pullAll(user, null);
		const [epoch, tx, seq] = String(cursor).split('.');
		expect(epoch).toMatch(/^[0-9a-f]{12}$/);

		const otherEpoch = `${epoch === '000000000000' ? '111111111111' : '000000000000'}.${tx}.${seq}`;
		for (const stale of [otherEpoch, `${tx}:${seq}`, `${epoch}.${Number(tx) + 1}.0`]) {
			await expect(pull(user, stale)).rejects.toMatchObject({
				code: 'P0001',
				message: 'sync_cursor_invalid'
			});
		}
		expect(await pull(user, String(cursor))).toEqual({ changes: [], cursor, more: false });
	});
});
