import {
	openDB,
	type DBSchema,
	type IDBPDatabase,
	type IDBPTransaction,
	type StoreNames
} from 'idb';

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

export type OutboxEntry = RecordOutboxEntry | ExchangeOutboxEntry;

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
const upgradeSteps: ((db: RapportDatabase, tx: UpgradeTransaction) => void)[] = [
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
	}
];

export const DB_VERSION = upgradeSteps.length;

export type StorageFailure = 'unsupported' | 'denied' | 'quota' | 'newer' | 'unknown';

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
				for (let step = oldVersion; step < (newVersion ?? version); step++) {
					upgradeSteps[step]?.(db, tx);
				}
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
