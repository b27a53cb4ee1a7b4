import {
	connectionSchema,
	eventSchema,
	followUpSchema,
	type Connection,
	type EventRecord,
	type FollowUp
} from '$lib/domain/records';
import {
	checkRecords,
	checkSingles,
	collections,
	followUpKey,
	mergeOpeners,
	mergePromptState,
	mergeSettings,
	portableSettings,
	RestoreMerger,
	type BackupContent,
	type Collection,
	type CollectionRecord,
	type Decision,
	type DamagedRecord,
	type DeviceState,
	type OpenedBackup,
	type Present
} from '$lib/domain/yourData';
import type { RapportDatabase, Stored } from './db';
import { profileRepository } from './profile';
import { promptDeckRepository } from './promptDeck';
import { promptStateRepository } from './promptState';
import { putBatchAndQueue } from './outbox';
import { validOnly } from './readout';
import { settingsRepository } from './settings';
import type { RestoreReport } from '$lib/domain/yourData/outcomes';

// Reads everything for an export and writes a restore, in chunks: each chunk is one transaction,
// so 5,000 people never leave a half-written record (a chunk lands whole or not at all), and on
// the main thread the screen is given back between chunks. Each chunk queues its records for sync
// as one batch entry, so sync sends them when it is on without an outbox write per record.

export const CHUNK = 200;

/** Lets the browser paint and handle input before the next chunk. */
export function yieldToMain(): Promise<void> {
	const scheduler = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
	if (typeof scheduler?.yield === 'function') return scheduler.yield();
	return new Promise((resolve) => setTimeout(resolve, 0));
}

export type Progress = (done: number, total: number) => void;

async function validInChunks<T>(
	schema: Parameters<typeof validOnly>[0],
	raws: unknown[],
	keep: (record: T) => boolean
): Promise<T[]> {
	const kept: T[] = [];
	for (let start = 0; start < raws.length; start += CHUNK) {
		for (const record of validOnly(schema, raws.slice(start, start + CHUNK)).items as T[]) {
			if (keep(record)) kept.push(record);
		}
		await yieldToMain();
	}
	return kept;
}

/**
 * Everything a backup holds, as the app reads it: damaged records are left out (and stay on the
 * device), deleted people and events too, with the follow-ups of deleted people.
 */
export async function readBackupContent(db: RapportDatabase): Promise<BackupContent> {
	const [profile, settings, promptState, deck] = await Promise.all([
		profileRepository(db).get(),
		settingsRepository(db).get(),
		promptStateRepository(db).get(),
		promptDeckRepository(db).get()
	]);
	const events = await validInChunks<EventRecord>(
		eventSchema,
		await db.getAll('events'),
		(event) => !event.deletedAt
	);
	const connections = await validInChunks<Connection>(
		connectionSchema,
		await db.getAll('connections'),
		(connection) => !connection.deletedAt
	);
	const kept = new Set(connections.map((connection) => connection.id));
	const followUps = await validInChunks<FollowUp>(
		followUpSchema,
		await db.getAll('followUps'),
		(followUp) => kept.has(followUp.connectionId)
	);
	return {
		profile: profile.profile,
		settings: portableSettings(settings),
		prompts: { state: promptState, openers: deck.openers },
		events,
		connections,
		followUps
	};
}

const presentOf = (raw: Stored): Present => ({ updatedAt: raw.updatedAt });

async function readDeviceState(db: RapportDatabase): Promise<DeviceState> {
	const [profile, events, connections, followUps] = await Promise.all([
		db.get('profile', 'me'),
		db.getAll('events'),
		db.getAll('connections'),
		db.getAll('followUps')
	]);
	const people = await validInChunks<Connection>(
		connectionSchema,
		connections,
		(connection) => !connection.deletedAt
	);
	const byId = (raws: Stored[]) =>
		new Map(raws.flatMap((raw) => (typeof raw.id === 'string' ? [[raw.id, presentOf(raw)]] : [])));
	return {
		profile: profile === undefined ? null : presentOf(profile),
		events: byId(events),
		connections: byId(connections),
		people,
		followUps: new Map(
			followUps.flatMap((raw) => {
				if (typeof raw.id !== 'string') return [];
				const parsed = followUpSchema.safeParse(raw);
				return [
					[raw.id, { ...presentOf(raw), key: parsed.success ? followUpKey(parsed.data) : null }]
				];
			})
		)
	};
}

/** A backup's records, each checked against its schema; the damaged ones named. */
export interface CheckedBackup {
	singles: ReturnType<typeof checkSingles>;
	records: { [C in Collection]: CollectionRecord[C][] };
	damaged: DamagedRecord[];
}

/** How long one slice of checking may hold the main thread before it yields. */
const SLICE_MS = 12;

/**
 * Checks every record of an opened backup, in slices of about SLICE_MS so the screen keeps
 * responding whatever the device's speed. Done once: the preview and the restore both use it.
 */
export async function checkBackup(
	backup: OpenedBackup,
	onProgress?: Progress,
	{ offMainThread = false }: { offMainThread?: boolean } = {}
): Promise<CheckedBackup> {
	const singles = checkSingles(backup);
	const damaged = [...singles.damaged];
	const records: CheckedBackup['records'] = { events: [], connections: [], followUps: [] };
	const total = collections.reduce((sum, collection) => sum + backup.raw[collection].length, 0);
	let done = 0;
	onProgress?.(done, total);
	for (const collection of collections) {
		const raws = backup.raw[collection];
		let start = 0;
		while (start < raws.length) {
			const sliceStarted = Date.now();
			let end = start;
			do {
				end = Math.min(raws.length, end + 25);
				const checked = checkRecords(collection, raws.slice(start, end), start);
				(records[collection] as unknown[]).push(...checked.valid);
				damaged.push(...checked.damaged);
				done += end - start;
				start = end;
			} while (start < raws.length && Date.now() - sliceStarted < SLICE_MS);
			onProgress?.(done, total);
			if (!offMainThread) await yieldToMain();
		}
	}
	return { singles, records, damaged };
}

export interface RestoreOptions {
	/** False for the preview: every decision is made and counted, nothing is written. */
	write: boolean;
	onProgress?: Progress;
	/** True in a worker: there is no screen to give back between chunks. */
	offMainThread?: boolean;
}

/**
 * Records per restore transaction. Larger chunks cost fewer commits; on the main thread each
 * chunk's decisions and puts are one task, which stays well under the 200 ms budget at this size.
 */
export const RESTORE_CHUNK = 500;

/**
 * Merges a checked backup into the device (see RestoreMerger for the rules). The same pass with
 * `write: false` is the preview, so what it announces is exactly what a restore would do.
 */
export async function restoreBackup(
	db: RapportDatabase,
	{ singles, records, damaged: damagedInFile }: CheckedBackup,
	{ write, onProgress, offMainThread = false }: RestoreOptions
): Promise<RestoreReport> {
	const merger = new RestoreMerger(await readDeviceState(db));
	const damaged = [...damagedInFile];
	const found = {
		profile: singles.profile ? 1 : 0,
		events: records.events.length,
		connections: records.connections.length,
		followUps: 0
	};
	const total = collections.reduce((sum, collection) => sum + records[collection].length, 0);
	let done = 0;
	onProgress?.(done, total);

	if (singles.profile) {
		const decision = merger.profile(singles.profile);
		if (write && decision.write) await profileRepository(db).save(decision.write);
	}
	const fileConnections = new Set(records.connections.map((connection) => connection.id));
	const decide = {
		events: (record: EventRecord) => merger.event(record),
		connections: (record: Connection) => merger.connection(record),
		followUps: (record: FollowUp) => {
			const decision = merger.followUp(record, (id) => fileConnections.has(id));
			if (decision === null)
				damaged.push({ collection: 'followUps', index: -1, label: record.id, orphan: true });
			else found.followUps++;
			return decision;
		}
	} as { [C in Collection]: (record: CollectionRecord[C]) => Decision<CollectionRecord[C]> | null };
	const landing: Promise<void>[] = [];
	for (const collection of collections) {
		const list: CollectionRecord[Collection][] = records[collection];
		for (let start = 0; start < list.length; start += RESTORE_CHUNK) {
			const writes: CollectionRecord[Collection][] = [];
			for (const record of list.slice(start, start + RESTORE_CHUNK)) {
				const decision = (
					decide[collection] as (r: typeof record) => Decision<typeof record> | null
				)(record);
				if (decision?.write) writes.push(decision.write);
			}
			const reached = (done += Math.min(RESTORE_CHUNK, list.length - start));
			const landed = write ? putBatchAndQueue(db, collection, writes) : Promise.resolve();
			const reported = landed.then(() => onProgress?.(reached, total));
			// Off the main thread nothing waits for the screen: the next chunk is decided while
			// this one is written (IndexedDB still commits them one after another, in order).
			if (offMainThread) landing.push(reported);
			else {
				await reported;
				await yieldToMain();
			}
		}
	}
	await Promise.all(landing);
	if (write) await restoreSingles(db, singles);
	return { found, tally: merger.tally, damaged };
}

async function restoreSingles(
	db: RapportDatabase,
	singles: ReturnType<typeof checkSingles>
): Promise<void> {
	const settingsStore = settingsRepository(db);
	const settings = mergeSettings(await settingsStore.get(), singles.settings);
	if (Object.keys(settings).length > 0) await settingsStore.update(settings);
	if (singles.prompts.state) {
		const prompts = promptStateRepository(db);
		await prompts.save(mergePromptState(await prompts.get(), singles.prompts.state));
	}
	const deck = promptDeckRepository(db);
	const device = (await deck.get()).openers;
	const openers = mergeOpeners(device, singles.prompts.openers);
	for (const [locale, edits] of Object.entries(openers)) {
		if (!(locale in device)) await deck.saveOpener(locale, edits);
	}
}
