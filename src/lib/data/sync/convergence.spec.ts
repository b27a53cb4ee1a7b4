import 'fake-indexeddb/auto';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
	connectionSchema,
	eventSchema,
	followUpSchema,
	profileSchema,
	type FollowUp
} from '$lib/domain/records';
import {
	connectionToRow,
	eventToRow,
	followUpToRow,
	parseIncoming,
	type WireRow
} from '$lib/domain/sync/rows';
import { aConnection, anEvent, aProfile } from '$lib/testing/factories';
import { FakeSyncServer, FakeTransport, type FailureMode } from '$lib/testing/fakeSyncServer';
import { connectionRepository } from '../connections';
import { openRapportDatabase, type RapportDatabase } from '../db';
import { eventRepository } from '../events';
import { applyQueueChange, followUpRepository } from '../followUps';
import { profileRepository } from '../profile';
import { createSyncEngine, type SyncEngine } from './engine';

// Two devices of one person and one server, with edits, deletes, failed and half-failed syncs
// interleaved at random. Once both have synced with nothing left to send, the devices and the
// server must hold the same rows: nothing lost, nothing duplicated, the same winner everywhere.

type Device = 0 | 1;
type Op =
	| { kind: 'event'; device: Device }
	| { kind: 'meet'; device: Device; pick: number; atEvent: boolean }
	| { kind: 'note'; device: Device; pick: number }
	| { kind: 'forget'; device: Device; pick: number }
	| { kind: 'done'; device: Device; pick: number }
	| { kind: 'unschedule'; device: Device; pick: number }
	| { kind: 'keepInTouch'; device: Device; pick: number; cycle: number }
	| { kind: 'profile'; device: Device }
	/** `editing`: the person changes a connection while the sync runs, `after` turns in. */
	| {
			kind: 'sync';
			device: Device;
			failure: FailureMode | null;
			editing: { pick: number; after: number } | null;
	  };

const device = fc.constantFrom<Device>(0, 1);
const pick = fc.nat(20);
const op: fc.Arbitrary<Op> = fc.oneof(
	fc.record({ kind: fc.constant('event' as const), device }),
	fc.record({ kind: fc.constant('meet' as const), device, pick, atEvent: fc.boolean() }),
	fc.record({ kind: fc.constant('note' as const), device, pick }),
	fc.record({ kind: fc.constant('forget' as const), device, pick }),
	fc.record({ kind: fc.constant('done' as const), device, pick }),
	fc.record({ kind: fc.constant('unschedule' as const), device, pick }),
	fc.record({
		kind: fc.constant('keepInTouch' as const),
		device,
		pick,
		cycle: fc.integer({ min: 1, max: 2 })
	}),
	fc.record({ kind: fc.constant('profile' as const), device }),
	fc.record({
		kind: fc.constant('sync' as const),
		device,
		failure: fc.constantFrom<FailureMode | null>(null, null, 'unreachable', 'answer-lost'),
		editing: fc.option(fc.record({ pick, after: fc.nat(40) }))
	})
);

let databases = 0;
const START = Date.parse('2026-11-20T01:00:00.000Z');

afterEach(() => vi.useRealTimers());

const nth = <T>(items: T[], index: number): T | undefined =>
	items.length > 0 ? items[index % items.length] : undefined;

let ids = 0;
const randomId = () => {
	ids++;
	return `c0000000-0000-4000-8000-${ids.toString(16).padStart(12, '0')}`;
};

/** Does what `op` says on one device; returns the id of the connection it wrote, if any. */
async function perform(
	db: RapportDatabase,
	op: Op,
	transport: FakeTransport,
	engine: SyncEngine,
	wrote: (connectionId: string) => Promise<void>
): Promise<void> {
	const now = new Date().toISOString();
	const connections = connectionRepository(db);
	const followUps = followUpRepository(db);
	switch (op.kind) {
		case 'event':
			await eventRepository(db).save(anEvent({ id: randomId(), updatedAt: now }));
			return;
		case 'meet': {
			const event = op.atEvent ? nth((await eventRepository(db).list()).items, op.pick) : undefined;
			const connection = aConnection({
				id: randomId(),
				metAt: now,
				updatedAt: now,
				...(event ? { eventId: event.id } : {})
			});
			await connections.saveWithFollowUp(connection, {
				id: randomId(),
				connectionId: connection.id,
				kind: 'post_event',
				cycle: 0,
				dueAt: new Date(Date.parse(now) + 3_600_000).toISOString(),
				status: 'pending',
				updatedAt: now
			});
			await wrote(connection.id);
			return;
		}
		case 'note': {
			const connection = nth((await connections.list()).items, op.pick);
			if (!connection) return;
			await connections.save({ ...connection, note: `note ${now}`, updatedAt: now });
			await wrote(connection.id);
			return;
		}
		case 'forget': {
			const connection = nth((await connections.list()).items, op.pick);
			if (!connection) return;
			await connections.softDelete(connection.id, now);
			await wrote(connection.id);
			return;
		}
		case 'done': {
			const followUp = nth((await followUps.list()).items, op.pick);
			if (followUp)
				await followUps.save({ ...followUp, status: 'done', doneAt: now, updatedAt: now });
			return;
		}
		case 'unschedule': {
			const followUp = nth((await followUps.list()).items, op.pick);
			if (followUp) await applyQueueChange(db, { removeFollowUps: [followUp.id] });
			return;
		}
		case 'keepInTouch': {
			const connection = nth((await connections.list()).items, op.pick);
			if (!connection) return;
			const held = await followUps.listForConnection(connection.id);
			const key = (followUp: FollowUp) => `${followUp.kind}:${followUp.cycle}`;
			if (held.some((followUp) => key(followUp) === `keep_in_touch:${op.cycle}`)) return;
			await followUps.save({
				id: randomId(),
				connectionId: connection.id,
				kind: 'keep_in_touch',
				cycle: op.cycle,
				dueAt: now,
				status: 'pending',
				updatedAt: now
			});
			return;
		}
		case 'profile':
			await profileRepository(db).save(aProfile({ name: `陳怡君 ${now}`, updatedAt: now }));
			return;
		case 'sync': {
			if (op.failure) transport.failNext(1, op.failure);
			const running = engine.sync();
			if (op.editing !== null) {
				for (let turn = 0; turn < op.editing.after; turn++) {
					await new Promise((resolve) => setImmediate(resolve));
				}
				const edit: Op = { kind: 'note', device: op.device, pick: op.editing.pick };
				await perform(db, edit, transport, engine, wrote);
			}
			await running;
			return;
		}
	}
}

/** Everything a device holds, spelled as wire rows, sorted, so two holdings compare as equal. */
async function deviceHolding(db: RapportDatabase) {
	const rows = <T>(schema: { parse(raw: unknown): T }, raws: unknown[], toRow: (r: T) => WireRow) =>
		raws.map((raw) => toRow(schema.parse(raw))).sort(byId);
	const profile = await db.get('profile', 'me');
	return {
		events: rows(eventSchema, await db.getAll('events'), eventToRow),
		connections: rows(connectionSchema, await db.getAll('connections'), connectionToRow),
		followUps: rows(followUpSchema, await db.getAll('followUps'), followUpToRow),
		profile: profile === undefined ? null : profileSchema.parse(profile)
	};
}

const byId = (a: WireRow, b: WireRow) => String(a.id).localeCompare(String(b.id));

function serverHolding(server: FakeSyncServer) {
	const holding = {
		events: [] as WireRow[],
		connections: [] as WireRow[],
		followUps: [] as WireRow[],
		profile: null as unknown
	};
	for (const { table, row } of server.rows('user-1')) {
		const parsed = parseIncoming(table, row);
		if (!parsed) throw new Error(`the server holds a row the app cannot read: ${table}`);
		if (parsed.table === 'events') holding.events.push(eventToRow(parsed.record));
		if (parsed.table === 'connections') holding.connections.push(connectionToRow(parsed.record));
		if (parsed.table === 'follow_ups' && !parsed.deleted) {
			holding.followUps.push(followUpToRow(parsed.record));
		}
		if (parsed.table === 'profiles') holding.profile = parsed.profile;
	}
	holding.events.sort(byId);
	holding.connections.sort(byId);
	holding.followUps.sort(byId);
	return holding;
}

describe('two devices and one server', () => {
	it('end with the same rows, whatever the order of edits, deletes and syncs', async () => {
		await fc.assert(
			fc.asyncProperty(fc.array(op, { minLength: 20, maxLength: 60 }), async (ops) => {
				vi.useFakeTimers({ toFake: ['Date'], now: START });
				const server = new FakeSyncServer();
				const devices = await Promise.all(
					[0, 1].map(async () => {
						const db = await openRapportDatabase({ name: `convergence-${++databases}` });
						const transport = new FakeTransport(server);
						const engine = createSyncEngine(db, transport, {
							random: () => 0,
							// Retries are driven by the test, not by timers.
							setTimer: (() => 0) as unknown as typeof setTimeout,
							clearTimer: (() => undefined) as typeof clearTimeout,
							locale: () => 'zh-TW',
							deviceTimeZone: () => 'Asia/Taipei'
						});
						return { db, transport, engine };
					})
				);
				// The last version of each connection written on either device: with every write at
				// its own instant, that is the one every copy must end with (no update lost).
				const lastWritten = new Map<string, WireRow>();
				try {
					for (const step of ops) {
						// Every change gets its own instant: equal times with different content are a tie
						// that last-writer-wins does not claim to break.
						vi.setSystemTime(Date.now() + 1_000);
						const { db, transport, engine } = devices[step.device]!;
						await perform(db, step, transport, engine, async (id) => {
							const row = connectionToRow(connectionSchema.parse(await db.get('connections', id)));
							const held = lastWritten.get(id);
							if (!held || String(row.updated_at) > String(held.updated_at)) {
								lastWritten.set(id, row);
							}
						});
					}
					for (let round = 0; round < 3; round++) {
						for (const { engine } of devices) await engine.sync();
					}

					const expected = serverHolding(server);
					expect(expected.connections).toEqual([...lastWritten.values()].sort(byId));
					for (const { db, engine } of devices) {
						expect(engine.status()).toMatchObject({ phase: 'idle', waiting: 0, rejected: [] });
						expect(await deviceHolding(db)).toEqual(expected);
					}
				} finally {
					for (const { db, engine } of devices) {
						engine.stop();
						db.close();
					}
					vi.useRealTimers();
				}
			}),
			{ numRuns: 80 }
		);
	});
});
