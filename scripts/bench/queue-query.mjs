// queueQuery100kMs: the follow-up queue read from Supabase with 100,000 follow-ups stored
// (1,000 users × 100 connections, one follow-up each, due dates and statuses spread out): one
// user's open follow-ups due before a moment, by due date, run as that user so RLS applies.
// Median of 200 runs, client round trip included; the bar is 5 ms. queueQueryIndexScan says
// whether the plan reads a follow_ups index rather than the whole table.
//
// Needs no browser or build: it starts a throwaway PostgreSQL cluster of its own (the one
// `npm run test:db` uses), with the Supabase bootstrap and every migration, and removes it after.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { applySql, startCluster } from '../../tests/support/pg-cluster.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const USERS = 1000;
const PER_USER = 100;
const RUNS = 200;
const SCAN_NODES = new Set(['Index Scan', 'Index Only Scan', 'Bitmap Index Scan']);

// Set-based, as the superuser. Replica mode skips the triggers (the post-event scheduler would
// cost a follow_up_due_at per connection, and the follow-ups are written here anyway) and the
// foreign key checks, which the rows satisfy by construction; the change stamps the skipped
// stamp trigger would write are written directly.
const SEED = `
set session_replication_role = replica;
insert into auth.users (id, is_anonymous)
select ('00000000-0000-4000-8000-' || lpad(to_hex(u), 12, '0'))::uuid, true
from generate_series(1, ${USERS}) u;

insert into public.connections (id, owner_id, card, met_at, tier, source, updated_at, sync_tx, sync_seq)
select
	('c0000000-0000-4000-8000-' || lpad(to_hex(u * ${PER_USER} + i), 12, '0'))::uuid,
	('00000000-0000-4000-8000-' || lpad(to_hex(u), 12, '0'))::uuid,
	jsonb_build_object('name', 'Person ' || i, 'channels', '[]'::jsonb),
	now() - (i % 400 + 1) * interval '1 day',
	(array['close', 'regular', 'light', 'none'])[i % 4 + 1],
	'scan',
	now() - (i % 400 + 1) * interval '1 day',
	0,
	nextval('internal.sync_seq')
from generate_series(1, ${USERS}) u, generate_series(0, ${PER_USER - 1}) i;

insert into public.follow_ups (
	id, owner_id, connection_id, kind, cycle, due_at, status, snoozed_until, done_at, updated_at,
	deleted_at, sync_tx, sync_seq
)
select
	('f0000000-0000-4000-8000-' || lpad(to_hex(u * ${PER_USER} + i), 12, '0'))::uuid,
	('00000000-0000-4000-8000-' || lpad(to_hex(u), 12, '0'))::uuid,
	('c0000000-0000-4000-8000-' || lpad(to_hex(u * ${PER_USER} + i), 12, '0'))::uuid,
	'post_event',
	0,
	now() + ((i * 7 + u) % 120 - 60) * interval '1 day' + (u % 24) * interval '1 hour',
	status,
	case when status = 'snoozed' then now() + (i % 9 + 1) * interval '1 day' end,
	case when status in ('done', 'skipped') then now() - interval '1 day' end,
	now() - interval '1 day',
	case when i % 50 = 0 then now() - interval '1 day' end,
	0,
	nextval('internal.sync_seq')
from generate_series(1, ${USERS}) u, generate_series(0, ${PER_USER - 1}) i,
	lateral (
		select (array['pending', 'pending', 'pending', 'snoozed', 'done', 'skipped'])[(i + u) % 6 + 1] as status
	) s;
set session_replication_role = origin;
analyze;
`;

// The queue: open follow-ups (pending or snoozed, not deleted) due before a moment, soonest first.
// No owner filter: RLS restricts it to the caller, as it does for the app.
const QUEUE_QUERY = `
select id, connection_id, kind, cycle, due_at, status, snoozed_until
from public.follow_ups
where status in ('pending', 'snoozed') and deleted_at is null and due_at < $1
order by due_at`;

/** @param {unknown} plan @returns {string[]} the follow_ups indexes a plan reads */
function followUpIndexesIn(plan) {
	if (!plan || typeof plan !== 'object') return [];
	const node = /** @type {Record<string, unknown>} */ (plan);
	const own =
		SCAN_NODES.has(String(node['Node Type'])) && String(node['Index Name']).startsWith('follow_ups')
			? [String(node['Index Name'])]
			: [];
	const children = Array.isArray(node.Plans) ? node.Plans : [];
	return [...own, ...children.flatMap(followUpIndexesIn)];
}

/** @type {import('../bench.mjs').Measure} */
export default async function measureQueueQuery({ progress }) {
	progress('queue query: starting a throwaway PostgreSQL cluster');
	const cluster = await startCluster();
	const client = new pg.Client({ connectionString: cluster.connectionString });
	let connected = false;
	try {
		applySql(cluster.connectionString, join(root, 'tests', 'support', 'supabase-bootstrap.sql'));
		const migrations = join(root, 'supabase', 'migrations');
		for (const file of readdirSync(migrations)
			.filter((name) => name.endsWith('.sql'))
			.sort()) {
			applySql(cluster.connectionString, join(migrations, file));
		}

		await client.connect();
		connected = true;
		progress(`queue query: seeding ${USERS} users × ${PER_USER} follow-ups`);
		const seedStart = performance.now();
		await client.query(SEED);
		progress(`queue query: seeded in ${Math.round(performance.now() - seedStart)} ms`);

		const user = '00000000-0000-4000-8000-' + (USERS / 2).toString(16).padStart(12, '0');
		const dueBefore = new Date(Date.now() + 86_400_000).toISOString();
		await client.query('begin');
		await client.query('set local role authenticated');
		await client.query("select set_config('request.jwt.claims', $1, true)", [
			JSON.stringify({ sub: user, role: 'authenticated' })
		]);

		const { rows: explained } = await client.query(`explain (format json) ${QUEUE_QUERY}`, [
			dueBefore
		]);
		const indexes = followUpIndexesIn(explained[0]?.['QUERY PLAN']?.[0]?.Plan);
		progress(`queue query: plan reads ${indexes.join(', ') || 'no follow_ups index'}`);

		/** @type {number[]} */
		const times = [];
		let rowCount = 0;
		for (let run = 0; run < RUNS; run++) {
			const start = performance.now();
			const result = await client.query({ name: 'queue', text: QUEUE_QUERY, values: [dueBefore] });
			times.push(performance.now() - start);
			rowCount = result.rowCount ?? 0;
		}
		await client.query('rollback');
		if (rowCount === 0) throw new Error('queue query: the user has no follow-up due');

		const sorted = [...times].sort((a, b) => a - b);
		const median = sorted[Math.floor(sorted.length / 2)] ?? NaN;
		progress(`queue query: ${rowCount} rows, median ${median.toFixed(3)} ms over ${RUNS} runs`);
		return {
			queueQuery100kMs: Math.round(median * 1000) / 1000,
			queueQueryIndexScan: indexes.length > 0
		};
	} finally {
		if (connected) await client.end();
		cluster.stop();
	}
}
