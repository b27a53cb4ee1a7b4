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
	type DamagedRecord,
	type DeviceState,
	type OpenedBackup,
	type Present,
	type Tally
} from '$lib/domain/yourData';
import type { RapportDatabase, Stored } from './db';
import { profileRepository } from './profile';
import { promptDeckRepository } from './promptDeck';
import { promptStateRepository } from './promptState';
import { putAllAndQueue, validOnly, type QueuedWrite } from './records';
import { settingsRepository } from './settings';

// Reads everything for an export and writes a restore, in chunks: each chunk is one transaction,
// and between chunks the main thread is given back, so 5,000 people neither freeze the screen
// nor leave a half-written record (a chunk lands whole or not at all). Restored records go
// through the outbox writer like any save, so sync sends them when it is on.

export const CHUNK = 250;

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

export interface RestoreReport {
	/** Records in the file that could be read, per collection. */
	found: Record<Collection, number> & { profile: number };
	tally: Record<Collection | 'profile', Tally>;
	damaged: DamagedRecord[];
}

export interface RestoreOptions {
	/** False for the preview: every decision is made and counted, nothing is written. */
	write: boolean;
	onProgress?: Progress;
}

/**
 * Merges an opened backup into the device (see RestoreMerger for the rules). The same pass with
 * `write: false` is the preview, so what it announces is exactly what a restore would do.
 */
export async function restoreBackup(
	db: RapportDatabase,
	backup: OpenedBackup,
	{ write, onProgress }: RestoreOptions
): Promise<RestoreReport> {
	const merger = new RestoreMerger(await readDeviceState(db));
	const singles = checkSingles(backup);
	const damaged = [...singles.damaged];
	const found = { profile: singles.profile ? 1 : 0, events: 0, connections: 0, followUps: 0 };
	const total = collections.reduce((sum, collection) => sum + backup.raw[collection].length, 0);
	let done = 0;
	onProgress?.(done, total);

	if (singles.profile) {
		const decision = merger.profile(singles.profile);
		if (write && decision.write) await profileRepository(db).save(decision.write);
	}
	const fileConnections = new Set<string>();
	for (const collection of collections) {
		const raws = backup.raw[collection];
		for (let start = 0; start < raws.length; start += CHUNK) {
			const writes: QueuedWrite[] = [];
			const checked = checkRecords(collection, raws.slice(start, start + CHUNK), start);
			damaged.push(...checked.damaged);
			found[collection] += checked.valid.length;
			for (const [i, record] of checked.valid.entries()) {
				const decision =
					collection === 'events'
						? merger.event(record as EventRecord)
						: collection === 'connections'
							? (fileConnections.add(record.id), merger.connection(record as Connection))
							: merger.followUp(record as FollowUp, (id) => fileConnections.has(id));
				if (decision === null) {
					damaged.push({ collection, index: start + i, label: record.id });
					found[collection]--;
				} else if (decision.write) {
					writes.push({ store: collection, record: decision.write, recordId: decision.write.id });
				}
			}
			if (write && writes.length > 0) await putAllAndQueue(db, writes);
			done += Math.min(CHUNK, raws.length - start);
			onProgress?.(done, total);
			await yieldToMain();
		}
	}
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
