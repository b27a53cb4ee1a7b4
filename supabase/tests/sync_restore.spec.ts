import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { useTestDatabase } from '../../tests/support/database';
import { psql, startCluster, type Cluster } from '../../tests/support/pg-cluster.mjs';
import { pullAllAs, pullAs, pushAs, type Change } from '../../tests/support/syncSql';

// Supabase documents logical dumps for backups and for moving a project. A real pg_dump of the
// test database is restored into a fresh cluster, as into a new project: a device that never
// synced gets every row, and one holding a cursor from before is told to start again
// (sync_cursor_invalid) instead of waiting forever for numbers the new database hands out anew.

const PG_BIN = '/usr/lib/postgresql/15/bin';
const db = useTestDatabase();
const scratch = mkdtempSync(join(tmpdir(), 'rapport-restore-'));
let restored: Cluster | undefined;
let restoredClient: pg.Client | undefined;
let userId = '';

afterAll(async () => {
	await restoredClient?.end();
	restored?.stop();
	rmSync(scratch, { recursive: true, force: true });
	if (userId) await db.query('delete from auth.users where id = $1', [userId]);
});

function run(tool: string, args: string[]): void {
	const result = spawnSync(join(PG_BIN, tool), args, { encoding: 'utf8' });
	if (result.status !== 0) throw new Error(`${tool} failed: ${result.stderr}`);
}

const event = (name: string, updatedAt: string): Change => ({
	table: 'events',
	op: 'upsert',
	row: {
		id: crypto.randomUUID(),
		name,
		topic: null,
		context: 'meetup',
		starts_at: '2025-11-20T19:00:00+08:00',
		ends_at: '2025-11-20T21:00:00+08:00',
		venue: null,
		time_zone: 'Asia/Taipei',
		updated_at: updatedAt,
		deleted_at: null
	}
});

it('restored from a dump, serves a new device every row and tells an old cursor to start again', async () => {
	const { rows } = await db.query<{ id: string }>(
		'insert into auth.users (is_anonymous) values (true) returning id'
	);
	userId = rows[0]?.id ?? '';
	// Four events in three transactions; the phone has pulled all of them.
	await pushAs(db, userId, [
		event('一', '2025-11-20T10:00:00Z'),
		event('二', '2025-11-20T10:01:00Z')
	]);
	await pushAs(db, userId, [event('三', '2025-11-20T10:02:00Z')]);
	await pushAs(db, userId, [event('四', '2025-11-20T10:03:00Z')]);
	const phone = await pullAllAs(db, userId, null);
	expect(phone.changes).toHaveLength(4);

	const dump = join(scratch, 'rapport.dump');
	run('pg_dump', ['-Fc', '-d', String(process.env.RAPPORT_TEST_DATABASE_URL), '-f', dump]);
	restored = await startCluster();
	// Roles belong to the cluster, not the dump: the new project has Supabase's own.
	psql(restored.connectionString, [
		'-c',
		`create role anon nologin noinherit;
		create role authenticated nologin noinherit;
		create role service_role nologin noinherit bypassrls;
		create role authenticator login noinherit;
		grant anon, authenticated, service_role to authenticator;`
	]);
	run('pg_restore', ['--exit-on-error', '-d', restored.connectionString, dump]);
	restoredClient = new pg.Client({ connectionString: restored.connectionString });
	await restoredClient.connect();

	const laptop = await pullAllAs(restoredClient, userId, null);
	expect(laptop.changes.map((change) => change.row.name)).toEqual(['一', '二', '三', '四']);
	await expect(pullAs(restoredClient, userId, phone.cursor)).rejects.toMatchObject({
		code: 'P0001',
		message: 'sync_cursor_invalid'
	});

	// Writes go on in the restored database, and the laptop's new cursor sees them.
	await pushAs(restoredClient, userId, [event('五', '2025-11-20T10:04:00Z')]);
	const next = await pullAllAs(restoredClient, userId, laptop.cursor);
	expect(next.changes.map((change) => change.row.name)).toEqual(['五']);
}, 60_000);
