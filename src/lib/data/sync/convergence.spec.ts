import 'fake-indexeddb/auto';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { connectionSchema } from '$lib/domain/records';
import { connectionToRow, type WireRow } from '$lib/domain/sync/rows';
import { FakeSyncServer, FakeTransport, type FailureMode } from '$lib/testing/fakeSyncServer';
import {
	byId,
	deviceHolding,
	performEdit,
	serverHolding,
	type Edit
} from '$lib/testing/syncScenario';
import { openRapportDatabase, type RapportDatabase } from '../db';
import { createSyncEngine, type SyncEngine } from './engine';

// Two devices of one person and one server, with edits, deletes, failed and half-failed syncs
// interleaved at random. Once both have synced with nothing left to send, the devices and the
// server must hold the same rows: nothing lost, nothing duplicated, the same winner everywhere.

type Device = 0 | 1;
type Op =
	| (Edit & { device: Device })
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

const personalColumns = ['note', 'talk_phrase', 'tags', 'tier'] as const;

/** What the writes of one connection must end as: docs/sync.md's per-field merge. */
function mergedWrites(rows: WireRow[]): WireRow {
	const latest = (at: (row: WireRow) => string) =>
		rows.reduce((best, row) => (at(row) > at(best) ? row : best));
	const merged = { ...latest((row) => String(row.updated_at)) };
	for (const column of personalColumns) {
		const fieldAt = (row: WireRow) =>
			(row.field_updated_at as Record<string, string> | undefined)?.[column] ??
			String(row.updated_at);
		const winner = latest(fieldAt);
		if (column in winner) merged[column] = winner[column];
	}
	return merged;
}

let ids = 0;
const randomId = () => {
	ids++;
	return `c0000000-0000-4000-8000-${ids.toString(16).padStart(12, '0')}`;
};

/** Does what `op` says on one device. */
async function perform(
	db: RapportDatabase,
	op: Op,
	transport: FakeTransport,
	engine: SyncEngine,
	wrote: (connectionId: string) => Promise<void>
): Promise<void> {
	if (op.kind !== 'sync') return performEdit(db, op, randomId, wrote);
	if (op.failure) transport.failNext(1, op.failure);
	const running = engine.sync();
	if (op.editing !== null) {
		for (let turn = 0; turn < op.editing.after; turn++) {
			await new Promise((resolve) => setImmediate(resolve));
		}
		await performEdit(db, { kind: 'note', pick: op.editing.pick }, randomId, wrote);
	}
	await running;
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
				// Every version of each connection written on either device: with every write at its
				// own instant, every copy must end with the latest one, except that each personal
				// field comes from the latest write that changed it (no update lost).
				const written = new Map<string, WireRow[]>();
				try {
					for (const step of ops) {
						// Every change gets its own instant: equal times with different content are a tie
						// that last-writer-wins does not claim to break.
						vi.setSystemTime(Date.now() + 1_000);
						const { db, transport, engine } = devices[step.device]!;
						await perform(db, step, transport, engine, async (id) => {
							const row = connectionToRow(connectionSchema.parse(await db.get('connections', id)));
							written.set(id, [...(written.get(id) ?? []), row]);
						});
					}
					for (let round = 0; round < 3; round++) {
						for (const { engine } of devices) await engine.sync();
					}

					const expected = serverHolding(server.rows('user-1'));
					// The server keeps when each personal field was last edited; the rest is as written.
					const withoutFieldTimes = (row: WireRow) => {
						const copy = { ...row };
						delete copy.field_updated_at;
						return copy;
					};
					expect(expected.connections.map(withoutFieldTimes)).toEqual(
						[...written.values()].map(mergedWrites).sort(byId).map(withoutFieldTimes)
					);
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
		// 80 runs of up to 60 steps: seconds on a busy machine.
	}, 60_000);
});
