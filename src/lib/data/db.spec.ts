import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { describe, expect, it } from 'vitest';
import { aConnection, aFollowUp } from '$lib/testing/factories';
import {
	classifyStorageError,
	DB_VERSION,
	openRapportDatabase,
	StorageUnavailableError
} from './db';

let databases = 0;
const freshName = () => `rapport-test-${++databases}`;

describe('openRapportDatabase', () => {
	it('creates a store for every aggregate and the outbox', async () => {
		const db = await openRapportDatabase({ name: freshName() });
		expect([...db.objectStoreNames].sort()).toEqual([
			'connections',
			'events',
			'followUps',
			'outbox',
			'paperCardPhotos',
			'profile',
			'promptState',
			'settings'
		]);
		expect(db.version).toBe(DB_VERSION);
		db.close();
	});

	it('upgrades data written by the first schema without losing any of it', async () => {
		const name = freshName();
		const old = await openRapportDatabase({ name, version: 1 });
		const connection = aConnection({ eventId: '00000000-0000-4000-8000-0000000000aa' });
		const followUp = aFollowUp({ connectionId: connection.id });
		await old.put('profile', { name: '陳怡君', updatedAt: '2026-11-20T02:00:00.000Z' }, 'me');
		await old.put('connections', connection);
		await old.put('followUps', followUp);
		old.close();

		const db = await openRapportDatabase({ name });
		expect(await db.get('profile', 'me')).toMatchObject({ name: '陳怡君' });
		expect(await db.getAllFromIndex('connections', 'byEvent', connection.eventId)).toEqual([
			connection
		]);
		expect(await db.getAllFromIndex('followUps', 'byDueAt')).toEqual([followUp]);
		db.close();
	});

	it('says the data is newer when another build already upgraded past us', async () => {
		const name = freshName();
		const newer = await openDB(name, DB_VERSION + 1);
		newer.close();
		await expect(openRapportDatabase({ name })).rejects.toMatchObject({ reason: 'newer' });
	});

	it('steps aside when a newer version opens in another tab', async () => {
		const name = freshName();
		let asked = false;
		const db = await openRapportDatabase({ name, onVersionChange: () => (asked = true) });
		const newer = await openDB(name, DB_VERSION + 1);
		expect(asked).toBe(true);
		newer.close();
		db.close();
	});
});

describe('classifyStorageError', () => {
	it.each([
		['QuotaExceededError', 'quota'],
		['SecurityError', 'denied'],
		['InvalidStateError', 'denied'],
		['VersionError', 'newer'],
		['AbortError', 'unknown']
	])('reads %s as %s', (name, reason) => {
		expect(classifyStorageError(new DOMException('x', name))).toBe(reason);
	});

	it('treats a missing IndexedDB as unsupported', async () => {
		const real = globalThis.indexedDB;
		// @ts-expect-error simulating a browser without IndexedDB
		delete globalThis.indexedDB;
		try {
			await expect(openRapportDatabase({ name: freshName() })).rejects.toEqual(
				new StorageUnavailableError('unsupported')
			);
		} finally {
			globalThis.indexedDB = real;
		}
	});
});
