import { afterEach, expect, it } from 'vitest';
import { useTestDatabase } from '../../tests/support/database';
import { pushAs, type Change } from '../../tests/support/syncSql';

// What one heavy account may cost everyone else: its quota, and the hourly job over 50,000 of
// its connections. The rows are written as the superuser, set-based, to keep the suite quick;
// what the account itself pushes goes through sync_push.

const db = useTestDatabase();
const users: string[] = [];

afterEach(async () => {
	const gone = users.splice(0);
	await db.query('delete from auth.users where id = any($1)', [gone]);
	await db.query('delete from internal.sync_clocks where owner_id = any($1)', [gone]);
	await db.query('delete from internal.sync_usage where owner_id = any($1)', [gone]);
}, 60_000);

async function createUser(): Promise<string> {
	const { rows } = await db.query<{ id: string }>(
		'insert into auth.users (is_anonymous) values (true) returning id'
	);
	const id = rows[0]?.id ?? '';
	users.push(id);
	return id;
}

const newConnection = (index: number): Change => ({
	table: 'connections',
	op: 'upsert',
	row: {
		id: crypto.randomUUID(),
		card: { name: `Person ${index}` },
		event_id: null,
		met_at: '2025-11-20T12:00:00Z',
		note: null,
		talk_phrase: null,
		prompt_text: null,
		tags: [],
		tier: 'none',
		last_contacted_at: null,
		source: 'scan',
		updated_at: '2025-11-20T12:00:00Z',
		deleted_at: null
	}
});

it('stops a 50,000-row account at its quota with quota_exceeded naming the table', async () => {
	const user = await createUser();
	// 5,000 events, 19,800 connections with the post-event follow-up the trigger gives each, and
	// 5,400 more follow-ups: 50,000 rows.
	await db.query(
		`insert into public.events (owner_id, name, starts_at, ends_at, time_zone, updated_at)
		select $1, 'Event ' || i, '2025-11-20 19:00+08', '2025-11-20 21:00+08', 'Asia/Taipei', '2025-11-20Z'
		from generate_series(1, 5000) i`,
		[user]
	);
	await db.query(
		`insert into public.connections (owner_id, card, met_at, updated_at)
		select $1, jsonb_build_object('name', 'Person ' || i), '2025-11-20 20:00+08', '2025-11-20Z'
		from generate_series(1, 19800) i`,
		[user]
	);
	await db.query(
		`insert into public.follow_ups (owner_id, connection_id, kind, cycle, due_at, status)
		select c.owner_id, c.id, 'keep_in_touch', 1, '2026-01-01Z', 'done'
		from public.connections c where c.owner_id = $1 limit 5400`,
		[user]
	);
	// As autovacuum would: with stale statistics, deleting the account afterwards scans every
	// follow-up once per connection.
	await db.query('analyze public.events, public.connections, public.follow_ups');
	const { rows } = await db.query<{ held: string }>(
		`select sum(row_count)::text as held from internal.sync_usage where owner_id = $1`,
		[user]
	);
	expect(rows).toEqual([{ held: '50000' }]);

	const event = await pushAs(db, user, [
		{
			table: 'events',
			op: 'upsert',
			row: {
				id: crypto.randomUUID(),
				name: 'One too many',
				topic: null,
				context: 'meetup',
				starts_at: '2025-11-21T19:00:00+08:00',
				ends_at: '2025-11-21T21:00:00+08:00',
				venue: null,
				time_zone: 'Asia/Taipei',
				updated_at: '2025-11-21T00:00:00Z',
				deleted_at: null
			}
		}
	]);
	expect(event).toMatchObject([{ status: 'rejected', code: 'quota_exceeded', message: 'events' }]);

	const batch = Array.from({ length: 500 }, (_, index) => newConnection(index));
	const results = await pushAs(db, user, batch);
	expect(results.slice(0, 200).every((result) => result.status === 'applied')).toBe(true);
	expect(
		results
			.slice(200)
			.every(
				(result) =>
					result.status === 'rejected' &&
					result.code === 'quota_exceeded' &&
					result.message === 'connections'
			)
	).toBe(true);

	// At its quota the account still edits and deletes what it has.
	const edited = {
		...batch[0]!,
		row: { ...batch[0]!.row, note: '還是可以改', updated_at: '2025-11-22T00:00:00Z' }
	};
	const deleted: Change = {
		table: 'connections',
		op: 'delete',
		row: { id: batch[1]!.row.id, updated_at: '2025-11-22T00:00:00Z' }
	};
	expect((await pushAs(db, user, [edited, deleted])).map((result) => result.status)).toEqual([
		'applied',
		'applied'
	]);
}, 60_000);

it('runs the hourly job over 50,000 tiered connections in transactions of at most 500 rows and 500 ms', async () => {
	// Three accounts (a connection quota is 20,000), every connection due for its first round.
	const owners = [await createUser(), await createUser(), await createUser()];
	await db.query(
		`set session_replication_role = replica;
		insert into public.connections (owner_id, card, met_at, tier, updated_at, sync_tx, sync_seq)
		select o.id, jsonb_build_object('name', 'Person ' || i), now() - interval '200 days', 'close',
			now() - interval '200 days', 0, nextval('internal.sync_seq')
		from unnest($1::uuid[]) o (id), generate_series(1, 16667) i;
		set session_replication_role = origin;`.replace(/\$1::uuid\[\]/, `'{${owners.join(',')}}'::uuid[]`)
	);
	await db.query('analyze public.connections');

	const chunks: { connections: number; created: number; ms: number }[] = [];
	const onNotice = (notice: { message?: string }) => {
		const match = /^keep_in_touch chunk: (\d+) connections, (\d+) follow-ups, ([\d.]+) ms$/.exec(
			notice.message ?? ''
		);
		if (match) chunks.push({ connections: +match[1]!, created: +match[2]!, ms: +match[3]! });
	};
	db.on('notice', onNotice);
	try {
		await db.query('set client_min_messages = debug1');
		await db.query('call internal.run_keep_in_touch_follow_ups()');
	} finally {
		await db.query('reset client_min_messages');
		db.off('notice', onNotice);
	}

	const { rows } = await db.query<{ count: string }>(
		`select count(*) from public.follow_ups where owner_id = any($1) and kind = 'keep_in_touch'`,
		[owners]
	);
	expect(rows).toEqual([{ count: '50001' }]);
	expect(chunks.reduce((sum, chunk) => sum + chunk.created, 0)).toBeGreaterThanOrEqual(50001);
	expect(chunks.length).toBeGreaterThanOrEqual(101);
	expect(Math.max(...chunks.map((chunk) => chunk.connections))).toBeLessThanOrEqual(500);
	expect(Math.max(...chunks.map((chunk) => chunk.ms))).toBeLessThan(500);
}, 120_000);
