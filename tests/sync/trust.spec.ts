// Issue 13 against the real SQL, through the test gateway: two accounts on one shared device
// never mix, a device whose clock runs a day ahead and a correct one end equal to the server,
// and a device whose cursor the server no longer understands resyncs without losing anything.
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionRepository } from '$lib/data/connections';
import { openRapportDatabase, type RapportDatabase } from '$lib/data/db';
import { eventRepository } from '$lib/data/events';
import { profileRepository } from '$lib/data/profile';
import { createSyncEngine, SYNC_STATE_KEY, type SyncEngine } from '$lib/data/sync/engine';
import { createSupabaseTransport } from '$lib/data/sync/supabaseTransport';
import type { SyncTransport } from '$lib/data/sync/transport';
import { aConnection, anEvent, aProfile } from '$lib/testing/factories';
import { deviceHolding, serverHolding } from '$lib/testing/syncScenario';
import { startSupabaseStack, type SupabaseStack } from '../support/supabaseStack';

interface Device {
	db: RapportDatabase;
	transport: SyncTransport;
	engine: SyncEngine;
}

let stack: SupabaseStack;
let devices = 0;
const opened: Device[] = [];

async function aDevice(): Promise<Device> {
	const name = `trust-${++devices}`;
	const db = await openRapportDatabase({ name });
	const transport = await createSupabaseTransport(
		{ url: stack.gateway.url, anonKey: stack.gateway.anonKey },
		{ storageKey: name }
	);
	const device = { db, transport, engine: engineOn(db, transport) };
	opened.push(device);
	return device;
}

function engineOn(db: RapportDatabase, transport: SyncTransport): SyncEngine {
	return createSyncEngine(db, transport, {
		setTimer: (() => 0) as unknown as typeof setTimeout,
		clearTimer: (() => undefined) as typeof clearTimeout,
		locale: () => 'zh-TW',
		deviceTimeZone: () => 'Asia/Taipei'
	});
}

/** An account with an email, signed in on `device`; returns its user id. */
async function signUp(device: Device, email: string): Promise<string> {
	const account = await device.transport.signInAnonymously();
	await device.transport.linkEmail(email);
	await device.transport.confirmLinkEmail(email, stack.gateway.otpFor(email) ?? '');
	return account.userId;
}

async function signIn(device: Device, email: string): Promise<void> {
	await device.transport.requestEmailSignIn(email);
	await device.transport.confirmEmailSignIn(email, stack.gateway.otpFor(email) ?? '');
}

/** The server's rows of one account, as sync_pull spells them. */
async function serverRows(userId: string) {
	const rows: { table: string; row: unknown }[] = [];
	for (const table of ['profiles', 'events', 'connections', 'follow_ups']) {
		const result = await stack.admin.query<{ row: Record<string, unknown> }>(
			`select to_jsonb(t) - 'owner_id' - 'sync_tx' - 'sync_seq' - 'created_at' as row
			from public.${table} t where owner_id = $1`,
			[userId]
		);
		rows.push(...result.rows.map(({ row }) => ({ table, row })));
	}
	return rows;
}

beforeAll(async () => {
	stack = await startSupabaseStack();
}, 60_000);

afterAll(async () => {
	for (const { db, engine } of opened) {
		engine.stop();
		db.close();
	}
	await stack?.stop();
});

describe('a shared device', () => {
	it('gives another account nothing of the one before until the person chooses', async () => {
		const tablet = await aDevice();
		const bobsPhone = await aDevice();
		const alice = await signUp(tablet, 'alice@example.test');
		await profileRepository(tablet.db).save(aProfile({ name: 'Alice' }));
		const event = await eventRepository(tablet.db).save(anEvent({ name: 'Alice 的讀書會' }));
		await tablet.engine.sync();
		const secret = await connectionRepository(tablet.db).save(
			aConnection({ note: '諮商師，不要分享' })
		);
		await tablet.transport.signOut();

		const bob = await signUp(bobsPhone, 'bob@example.test');
		await profileRepository(bobsPhone.db).save(aProfile({ name: 'Bob' }));
		await bobsPhone.engine.sync();

		await signIn(tablet, 'bob@example.test');
		await tablet.engine.sync();

		expect(tablet.engine.status()).toMatchObject({
			phase: 'account-changed',
			deviceData: { card: true, people: 1 }
		});
		const bobs = serverHolding(await serverRows(bob));
		expect(bobs.connections).toEqual([]);
		expect(bobs.profile).toMatchObject({ name: 'Bob' });
		expect(await connectionRepository(tablet.db).get(secret.id)).not.toBeNull();

		// Adding, confirmed: what Alice's account holds goes under new ids, Bob keeps his card.
		await tablet.engine.resolveAccountChange('add');
		await tablet.engine.sync();

		const after = serverHolding(await serverRows(bob));
		expect(after.profile).toMatchObject({ name: 'Bob' });
		expect(after.connections.map((row) => row.note)).toContain('諮商師，不要分享');
		expect(after.events.map((row) => row.name)).toEqual(['Alice 的讀書會']);
		expect(after.events.map((row) => row.id)).not.toContain(event.id);
		expect(tablet.engine.status()).toMatchObject({ phase: 'idle', waiting: 0, rejected: [] });
		expect(await deviceHolding(tablet.db)).toEqual(after);
		expect((await profileRepository(tablet.db).get()).profile?.name).toBe('Bob');
		expect(serverHolding(await serverRows(alice)).events.map((row) => row.id)).toEqual([event.id]);
	}, 60_000);
});

describe('clocks', () => {
	it('end with the server’s rows on a device a day ahead and a correct one', async () => {
		const ahead = await aDevice();
		const correct = await aDevice();
		const userId = await signUp(ahead, 'clocks@example.test');
		await signIn(correct, 'clocks@example.test');
		const tomorrow = new Date(Date.now() + 86_400_000).toISOString();
		const connection = await connectionRepository(ahead.db).save(
			aConnection({ note: '明天的時鐘', metAt: new Date().toISOString(), updatedAt: tomorrow })
		);
		await ahead.engine.sync();
		await correct.engine.sync();

		const edited = await connectionRepository(correct.db).get(connection.id);
		await connectionRepository(correct.db).save({
			...edited!,
			note: '正確的時鐘',
			updatedAt: new Date().toISOString()
		});
		await correct.engine.sync();
		await ahead.engine.sync();

		const server = serverHolding(await serverRows(userId));
		expect(server.connections.map((row) => row.note)).toEqual(['正確的時鐘']);
		for (const device of [ahead, correct]) {
			expect(device.engine.status()).toMatchObject({ phase: 'idle', waiting: 0, rejected: [] });
			expect(await deviceHolding(device.db)).toEqual(server);
		}
	}, 60_000);
});

describe('a cursor the server no longer understands', () => {
	it('pulls everything again and gives the server back what it lacks', async () => {
		const device = await aDevice();
		const userId = await signUp(device, 'restore@example.test');
		const kept = await eventRepository(device.db).save(anEvent({ name: '留下的' }));
		const lost = await eventRepository(device.db).save(anEvent({ name: '還原後不見的' }));
		await device.engine.sync();
		await stack.admin.query('delete from public.events where id = $1', [lost.id]);
		// A cursor of the format before the per-owner clock: the server refuses it.
		const state = (await device.db.get('settings', SYNC_STATE_KEY)) as Record<string, unknown>;
		await device.db.put('settings', { ...state, cursor: '12345:1' }, SYNC_STATE_KEY);
		// The app opens again and reads its state from disk.
		device.engine.stop();
		device.engine = engineOn(device.db, device.transport);

		await device.engine.sync();

		const server = serverHolding(await serverRows(userId));
		expect(server.events.map((row) => row.id).sort()).toEqual([kept.id, lost.id].sort());
		expect(device.engine.status()).toMatchObject({ phase: 'idle', waiting: 0, rejected: [] });
		expect(await deviceHolding(device.db)).toEqual(server);
	}, 60_000);
});
