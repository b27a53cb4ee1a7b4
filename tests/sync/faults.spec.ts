// Two devices of one person sync through the test gateway while it drops (after committing),
// delays, fails (500) or duplicates 30 % of the requests, over 1,000 operations. Once the faults
// stop and both devices have synced, the server and both devices hold exactly the same rows:
// none lost, none duplicated. The app's own engine and transport run here in Node, on
// fake-indexeddb, against the real migrations in a throwaway PostgreSQL.
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openRapportDatabase, type RapportDatabase } from '$lib/data/db';
import { createSyncEngine, type SyncEngine } from '$lib/data/sync/engine';
import { createSupabaseTransport } from '$lib/data/sync/supabaseTransport';
import type { SyncTransport } from '$lib/data/sync/transport';
import { deviceHolding, performEdit, serverHolding, type Edit } from '$lib/testing/syncScenario';
import { seededRandom } from '../support/gateway';
import { startSupabaseStack, type SupabaseStack } from '../support/supabaseStack';

const OPERATIONS = 1000;
const SYNC_EVERY = 8;
const EMAIL = 'two-devices@example.test';

interface Device {
	db: RapportDatabase;
	transport: SyncTransport;
	engine: SyncEngine;
}

function randomEdit(random: () => number): Edit {
	const pick = Math.floor(random() * 40);
	const roll = random();
	if (roll < 0.08) return { kind: 'event' };
	if (roll < 0.4) return { kind: 'meet', pick, atEvent: random() < 0.5 };
	if (roll < 0.6) return { kind: 'note', pick };
	if (roll < 0.68) return { kind: 'forget', pick };
	if (roll < 0.8) return { kind: 'done', pick };
	if (roll < 0.86) return { kind: 'unschedule', pick };
	if (roll < 0.95) return { kind: 'keepInTouch', pick, cycle: 1 + Math.floor(random() * 2) };
	return { kind: 'profile' };
}

let stack: SupabaseStack;
const devices: Device[] = [];

beforeAll(async () => {
	stack = await startSupabaseStack();
	const { gateway } = stack;
	for (const name of ['phone', 'laptop']) {
		const db = await openRapportDatabase({ name: `faults-${name}` });
		const transport = await createSupabaseTransport(
			{ url: gateway.url, anonKey: gateway.anonKey },
			{ storageKey: `faults-${name}` }
		);
		const engine = createSyncEngine(db, transport, {
			// Retries are driven by the test, so the run does not wait out backoffs.
			setTimer: (() => 0) as unknown as typeof setTimeout,
			clearTimer: (() => undefined) as typeof clearTimeout,
			locale: () => 'zh-TW',
			deviceTimeZone: () => 'Asia/Taipei'
		});
		devices.push({ db, transport, engine });
	}
	// One person: the phone starts anonymous and links an email, the laptop signs in with it.
	const [phone, laptop] = devices as [Device, Device];
	await phone.transport.signInAnonymously();
	await phone.transport.linkEmail(EMAIL);
	await phone.transport.confirmLinkEmail(EMAIL, gateway.otpFor(EMAIL) ?? '');
	await laptop.transport.requestEmailSignIn(EMAIL);
	await laptop.transport.confirmEmailSignIn(EMAIL, gateway.otpFor(EMAIL) ?? '');
}, 60_000);

afterAll(async () => {
	vi.useRealTimers();
	for (const { db, engine } of devices) {
		engine.stop();
		db.close();
	}
	await stack?.stop();
});

/** The server's rows of that person, as sync_pull spells them. */
async function serverRows(userId: string) {
	const tables = ['profiles', 'events', 'connections', 'follow_ups'] as const;
	const rows: { table: string; row: unknown }[] = [];
	for (const table of tables) {
		const result = await stack.admin.query<{ row: Record<string, unknown> }>(
			`select to_jsonb(t) - 'owner_id' - 'sync_tx' - 'sync_seq' - 'created_at' as row
			from public.${table} t where owner_id = $1`,
			[userId]
		);
		rows.push(...result.rows.map(({ row }) => ({ table, row })));
	}
	return rows;
}

describe('sync through a gateway that loses, delays, fails and repeats requests', () => {
	it('ends with the same rows on the server and on both devices', async () => {
		// Seeded, so a failing run can be replayed exactly.
		const random = seededRandom(20261125);
		let ids = 0;
		const newId = () => `f0000000-0000-4000-8000-${(++ids).toString(16).padStart(12, '0')}`;
		const met = new Set<string>();
		// Every write at an instant of its own: equal times with different content are a tie that
		// last-writer-wins does not claim to break. The devices' clocks stay within the server's
		// 5 minutes (1,000 steps of 100 ms): later times are clamped, which is another scenario.
		vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });

		stack.gateway.setFaults({ rate: 0.3, seed: 7 });
		for (let step = 0; step < OPERATIONS; step++) {
			vi.setSystemTime(Date.now() + 100);
			const device = devices[random() < 0.5 ? 0 : 1]!;
			if (step % SYNC_EVERY === SYNC_EVERY - 1) {
				await device.engine.sync();
				continue;
			}
			const edit = randomEdit(random);
			await performEdit(device.db, edit, newId, async (id) => {
				met.add(id);
			});
		}
		expect(met.size).toBeGreaterThan(200);
		const { faults } = stack.gateway.stats;
		expect(Object.values(faults).every((count) => count > 0)).toBe(true);

		stack.gateway.setFaults(null);
		for (let round = 0; round < 3; round++) {
			for (const { engine } of devices) await engine.sync();
		}

		const { rows } = await stack.admin.query<{ id: string }>(
			'select id from auth.users where email = $1',
			[EMAIL]
		);
		const server = serverHolding(await serverRows(rows[0]!.id));
		expect(server.connections.map((row) => row.id).sort()).toEqual([...met].sort());
		const cycleKeys = server.followUps.map(
			(row) => `${row.connection_id}:${row.kind}:${row.cycle}`
		);
		expect(new Set(cycleKeys).size).toBe(cycleKeys.length);
		for (const { db, engine } of devices) {
			expect(engine.status()).toMatchObject({ phase: 'idle', waiting: 0, rejected: [] });
			expect(await deviceHolding(db)).toEqual(server);
		}
	}, 240_000);
});
