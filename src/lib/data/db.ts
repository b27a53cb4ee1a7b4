import {
	openDB,
	type DBSchema,
	type IDBPDatabase,
	type IDBPTransaction,
	type StoreNames
} from 'idb';
import type { StorageFailure } from '$lib/domain/storage';

export const DB_NAME = 'rapport';

/** A record as it sits on disk: validated by the repositories on the way out, never trusted. */
export type Stored = Record<string, unknown>;

/** The stores whose records sync; an outbox entry names one of them and a record's key. */
export type RecordAggregate = 'profile' | 'events' | 'connections' | 'followUps';

export interface RecordOutboxEntry {
	seq?: number;
	aggregate: RecordAggregate;
	recordId: string;
	op: 'upsert' | 'delete';
	queuedAt: string;
}

/** A card to send back through someone's exchange token, kept until the server has it. */
export interface ExchangePayload {
	token: string;
	card: Record<string, unknown>;
}

/** An accept_exchange call made while offline (or failed), waiting to be retried. */
export interface ExchangeOutboxEntry {
	seq?: number;
	aggregate: 'exchange';
	/** A random id of its own, so the entry can be named in the list of refused changes. */
	recordId: string;
	op: 'upsert';
	queuedAt: string;
	payload: ExchangePayload;
}

/**
 * Many records saved at once (a restore): one entry naming them all instead of one per record,
 * so writing thousands costs one outbox write per transaction. The sync engine turns it back into
 * one entry per record before anything reads the outbox by record (outbox.ts).
 */
export interface BatchOutboxEntry {
	seq?: number;
	aggregate: 'batch';
	/** A random id of its own. */
	recordId: string;
	op: 'upsert';
	queuedAt: string;
	records: { aggregate: RecordAggregate; recordId: string }[];
}

export type OutboxEntry = RecordOutboxEntry | ExchangeOutboxEntry | BatchOutboxEntry;

export interface RapportSchema extends DBSchema {
	profile: { key: string; value: Stored };
	events: { key: string; value: Stored; indexes: { byUpdatedAt: string } };
	connections: {
		key: string;
		value: Stored;
		indexes: { byUpdatedAt: string; byEvent: string };
	};
	followUps: {
		key: string;
		value: Stored;
		indexes: { byDueAt: string; byConnection: string; byCycle: [string, string, number] };
	};
	outbox: { key: number; value: OutboxEntry; indexes: { byRecord: [string, string] } };
	promptState: { key: string; value: Stored };
	settings: { key: string; value: unknown };
	/** The photo of a paper card, by the connection it was kept with: never synced or exported. */
	paperCardPhotos: { key: string; value: PaperCardPhoto };
}

export interface PaperCardPhoto {
	photo: Blob;
	savedAt: string;
}

export type RapportDatabase = IDBPDatabase<RapportSchema>;
type UpgradeTransaction = IDBPTransaction<
	RapportSchema,
	StoreNames<RapportSchema>[],
	'versionchange'
>;

/**
 * The schema, one step per version. A step only ever adds or reshapes: data written by an older
 * version is carried forward, never dropped. Append a step for every change; never edit a
 * shipped one, because devices in the field have already run it.
 */
const upgradeSteps: ((db: RapportDatabase, tx: UpgradeTransaction) => void | Promise<void>)[] = [
	// 1: the first stores, one per aggregate, plus the sync outbox.
	(db) => {
		db.createObjectStore('profile');
		db.createObjectStore('events', { keyPath: 'id' }).createIndex('byUpdatedAt', 'updatedAt');
		db.createObjectStore('connections', { keyPath: 'id' }).createIndex('byUpdatedAt', 'updatedAt');
		db.createObjectStore('followUps', { keyPath: 'id' });
		db.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true });
	},
	// 2: the queue and the people list read by due date and by event; prompt state and settings.
	(db, tx) => {
		const followUps = tx.objectStore('followUps');
		followUps.createIndex('byDueAt', 'dueAt');
		followUps.createIndex('byConnection', 'connectionId');
		// One follow-up per (connection, kind, cycle): a second save of the same one fails loudly
		// instead of scheduling it twice.
		followUps.createIndex('byCycle', ['connectionId', 'kind', 'cycle'], { unique: true });
		tx.objectStore('connections').createIndex('byEvent', 'eventId');
		db.createObjectStore('promptState');
		db.createObjectStore('settings');
	},
	// 3: sync finds the outbox entries of one record when a pull gives a follow-up the server's id.
	(_db, tx) => {
		tx.objectStore('outbox').createIndex('byRecord', ['aggregate', 'recordId']);
	},
	// 4: every index the steps above should have made. One build shipped step 2 without byCycle,
	// and a device that ran it never got the index.
	async (_db, tx) => {
		for (const { store, name, keyPath, unique } of expectedIndexes) {
			// The index may be one this device lacks, which the typed store cannot name.
			const objectStore = tx.objectStore(store) as unknown as IDBObjectStore;
			if (objectStore.indexNames.contains(name)) continue;
			// Without the unique index a device may hold two follow-ups for one cycle; the newest
			// stays, or the index could not be built and the app would not open.
			if (unique) await keepNewestPerKey(tx, store, keyPath);
			objectStore.createIndex(name, keyPath, { unique });
		}
	},
	// 5: photos of paper cards, kept on this device only, by connection id.
	(db) => {
		db.createObjectStore('paperCardPhotos');
	}
];

type IndexedStore = 'events' | 'connections' | 'followUps' | 'outbox';

/** Every index of the current schema, as steps 1–3 create them. */
export const expectedIndexes: {
	store: IndexedStore;
	name: string;
	keyPath: string | string[];
	unique: boolean;
}[] = [
	{ store: 'events', name: 'byUpdatedAt', keyPath: 'updatedAt', unique: false },
	{ store: 'connections', name: 'byUpdatedAt', keyPath: 'updatedAt', unique: false },
	{ store: 'connections', name: 'byEvent', keyPath: 'eventId', unique: false },
	{ store: 'followUps', name: 'byDueAt', keyPath: 'dueAt', unique: false },
	{ store: 'followUps', name: 'byConnection', keyPath: 'connectionId', unique: false },
	{
		store: 'followUps',
		name: 'byCycle',
		keyPath: ['connectionId', 'kind', 'cycle'],
		unique: true
	},
	{ store: 'outbox', name: 'byRecord', keyPath: ['aggregate', 'recordId'], unique: false }
];

/** Deletes all but the latest-updated record among those sharing one value of `keyPath`. */
async function keepNewestPerKey(
	tx: UpgradeTransaction,
	store: IndexedStore,
	keyPath: string | string[]
): Promise<void> {
	const objectStore = tx.objectStore(store);
	const records = (await objectStore.getAll()) as Stored[];
	const newest = new Map<string, Stored>();
	const losers: Stored[] = [];
	for (const record of records) {
		const values = (Array.isArray(keyPath) ? keyPath : [keyPath]).map((path) => record[path]);
		if (values.some((value) => value === undefined)) continue;
		const key = JSON.stringify(values);
		const held = newest.get(key);
		if (!held) {
			newest.set(key, record);
		} else if (String(record.updatedAt) > String(held.updatedAt)) {
			losers.push(held);
			newest.set(key, record);
		} else {
			losers.push(record);
		}
	}
	for (const loser of losers) await objectStore.delete(loser.id as never);
}

export const DB_VERSION = upgradeSteps.length;

export class StorageUnavailableError extends Error {
	constructor(
		readonly reason: StorageFailure,
		options?: { cause?: unknown }
	) {
		super(`Local storage is unavailable: ${reason}`, options);
		this.name = 'StorageUnavailableError';
	}
}

/** Maps the many ways browsers refuse IndexedDB onto reasons a person can act on. */
export function classifyStorageError(error: unknown): StorageFailure {
	const name = error instanceof Error || error instanceof DOMException ? error.name : '';
	switch (name) {
		case 'QuotaExceededError':
			return 'quota';
		case 'SecurityError':
		case 'InvalidStateError':
		case 'NotAllowedError':
			return 'denied';
		case 'VersionError':
			return 'newer';
		default:
			return 'unknown';
	}
}

export interface OpenOptions {
	name?: string;
	version?: number;
	/** Another tab holds an older version open and must close before we can upgrade. */
	onBlocked?: () => void;
	/** A newer version in another tab wants to upgrade: we close so it is not stuck. */
	onVersionChange?: () => void;
}

export async function openRapportDatabase(options: OpenOptions = {}): Promise<RapportDatabase> {
	if (typeof indexedDB === 'undefined') throw new StorageUnavailableError('unsupported');
	const version = options.version ?? DB_VERSION;
	try {
		const db = await openDB<RapportSchema>(options.name ?? DB_NAME, version, {
			upgrade(db, oldVersion, newVersion, tx) {
				// Steps may wait on the upgrade's own requests; a failing one aborts the upgrade, so
				// the database stays at its old version rather than half upgraded.
				void (async () => {
					for (let step = oldVersion; step < (newVersion ?? version); step++) {
						await upgradeSteps[step]?.(db, tx);
					}
				})().catch(() => {
					try {
						tx.abort();
					} catch {
						// Already over: the open fails on its own.
					}
				});
			},
			blocked: () => options.onBlocked?.(),
			blocking: () => {
				db.close();
				options.onVersionChange?.();
			}
		});
		return db;
	} catch (error) {
		throw new StorageUnavailableError(classifyStorageError(error), { cause: error });
	}
}
