import 'fake-indexeddb/auto';
import { openDB, type IDBPDatabase, type IDBPTransaction } from 'idb';
import { describe, expect, it } from 'vitest';
import { aConnection, aFollowUp } from '$lib/testing/factories';
import { DB_VERSION, expectedIndexes, openRapportDatabase } from './db';

// Databases as earlier builds left them, made with those builds' own upgrade steps (copied here
// as they shipped), then opened by this build: every index must exist and no record be lost.

type OldDatabase = IDBPDatabase<unknown>;
type OldTransaction = IDBPTransaction<unknown, string[], 'versionchange'>;
type OldStep = (db: OldDatabase, tx: OldTransaction) => void;

const step1: OldStep = (db) => {
	db.createObjectStore('profile');
	db.createObjectStore('events', { keyPath: 'id' }).createIndex('byUpdatedAt', 'updatedAt');
	db.createObjectStore('connections', { keyPath: 'id' }).createIndex('byUpdatedAt', 'updatedAt');
	db.createObjectStore('followUps', { keyPath: 'id' });
	db.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true });
};

// Step 2 as first shipped, before byCycle was added to it.
const step2WithoutCycle: OldStep = (db, tx) => {
	tx.objectStore('followUps').createIndex('byDueAt', 'dueAt');
	tx.objectStore('followUps').createIndex('byConnection', 'connectionId');
	tx.objectStore('connections').createIndex('byEvent', 'eventId');
	db.createObjectStore('promptState');
	db.createObjectStore('settings');
};

const step2: OldStep = (db, tx) => {
	step2WithoutCycle(db, tx);
	tx.objectStore('followUps').createIndex('byCycle', ['connectionId', 'kind', 'cycle'], {
		unique: true
	});
};

const step3: OldStep = (_db, tx) => {
	tx.objectStore('outbox').createIndex('byRecord', ['aggregate', 'recordId']);
};

const builds: { name: string; steps: OldStep[] }[] = [
	{ name: 'version 1', steps: [step1] },
	{ name: 'version 2 without byCycle', steps: [step1, step2WithoutCycle] },
	{ name: 'version 2', steps: [step1, step2] },
	{ name: 'version 3 over a step 2 without byCycle', steps: [step1, step2WithoutCycle, step3] },
	{ name: 'version 3', steps: [step1, step2, step3] }
];

let databases = 0;

async function oldDatabase(steps: OldStep[]): Promise<string> {
	const name = `rapport-upgrade-${++databases}`;
	const db = await openDB(name, steps.length, {
		upgrade(db, oldVersion, _newVersion, tx) {
			for (let step = oldVersion; step < steps.length; step++) steps[step]!(db, tx);
		}
	});
	db.close();
	return name;
}

describe('opening a database an earlier build made', () => {
	it.each(builds)('$name ends with every index and all of its records', async ({ steps }) => {
		const name = await oldDatabase(steps);
		const connection = aConnection();
		const followUp = aFollowUp({ connectionId: connection.id });
		const old = await openDB(name, steps.length);
		await old.put('profile', { name: '陳怡君', updatedAt: '2026-11-20T02:00:00.000Z' }, 'me');
		await old.put('connections', connection);
		await old.put('followUps', followUp);
		await old.add('outbox', {
			aggregate: 'connections',
			recordId: connection.id,
			op: 'upsert',
			queuedAt: '2026-11-20T02:00:00.000Z'
		});
		old.close();

		const db = await openRapportDatabase({ name });
		expect(db.version).toBe(DB_VERSION);
		const tx = db.transaction(['events', 'connections', 'followUps', 'outbox']);
		for (const { store, name: index } of expectedIndexes) {
			const names = tx.objectStore(store).indexNames as DOMStringList;
			expect(names.contains(index), `${store}.${index}`).toBe(true);
		}
		await tx.done;
		expect(db.objectStoreNames.contains('paperCardPhotos')).toBe(true);
		expect(await db.get('profile', 'me')).toMatchObject({ name: '陳怡君' });
		expect(await db.get('connections', connection.id)).toEqual(connection);
		expect(await db.getFromIndex('followUps', 'byCycle', [connection.id, 'post_event', 0])).toEqual(
			followUp
		);
		expect(
			await db.getAllFromIndex('outbox', 'byRecord', ['connections', connection.id])
		).toHaveLength(1);
		db.close();
	});

	it('keeps the newest of two follow-ups for one cycle when byCycle was never built', async () => {
		const name = await oldDatabase([step1, step2WithoutCycle, step3]);
		const connection = aConnection();
		const older = aFollowUp({ connectionId: connection.id, updatedAt: '2026-11-20T02:00:00.000Z' });
		const newer = aFollowUp({ connectionId: connection.id, updatedAt: '2026-11-21T02:00:00.000Z' });
		const old = await openDB(name, 3);
		await old.put('followUps', older);
		await old.put('followUps', newer);
		old.close();

		const db = await openRapportDatabase({ name });
		expect(await db.getAll('followUps')).toEqual([newer]);
		db.close();
	});
});
