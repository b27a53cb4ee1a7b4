import {
	connectionSchema,
	eventSchema,
	followUpSchema,
	profileSchema,
	settingsSchema,
	type FollowUp
} from '$lib/domain/records';
import { mergeConnection, overwrittenTexts, type LostText } from '$lib/domain/sync/merge';
import { cycleKey, isNewer, mergeProfileSettings, parseIncoming } from '$lib/domain/sync/rows';
import type { IDBPTransaction } from 'idb';
import type { RapportDatabase, RapportSchema, RecordAggregate } from '../db';
import { expandBatches } from '../outbox';
import { type QueuedRecord } from '../notices';
import { keepOverwritten } from '../overwritten';

import { patchState, PROFILE_KEY, readSettings, SETTINGS_KEY, type SyncState } from './state';

// Applying the server's rows on the device: pulled pages, and the rows a push answer carries
// (docs/sync.md). The server's row is the truth unless this device holds an edit of that record
// that the server has not seen yet; a text of ours that another device's edit replaced is kept
// in view (overwritten.ts).

/**
 * - `pull`: a page of what changed; a record with an edit still queued here keeps it when it is
 *   newer (a connection merges field by field), anything else takes the server's row.
 * - `returned`: the server's row for a change just pushed; taken unless a newer edit is queued.
 * - `resync`: every row again after the cursor was lost; the newer side wins, and a local
 *   record that wins is queued again so the server gets it back.
 */
export type ApplyMode = 'pull' | 'returned' | 'resync';

export interface ApplyOptions {
	mode: ApplyMode;
	deviceTimeZone: string;
	now: string;
	/** The last sync: local text edited after it and replaced by the server is kept in view. */
	editedSince: string | null;
}

/** Someone whose card came in through my QR: the connection it made, and their name. */
export interface ExchangeArrival {
	connectionId: string;
	name: string;
}

export interface Applied {
	/** People who arrived by exchange, new on this device. */
	arrivals: ExchangeArrival[];
	skipped: number;
	/** `table:id` of every row applied, for a resync to find what the server lacks. */
	seen: string[];
}

const applyStores = [
	'profile',
	'events',
	'connections',
	'followUps',
	'outbox',
	'settings'
] as const;
type ApplyStore = (typeof applyStores)[number];
type ApplyTransaction = IDBPTransaction<RapportSchema, ApplyStore[], 'readwrite'>;

export function openApplyTransaction(db: RapportDatabase): ApplyTransaction {
	return db.transaction([...applyStores], 'readwrite');
}

interface Context extends ApplyOptions {
	tx: ApplyTransaction;
}

async function isQueued(tx: ApplyTransaction, aggregate: RecordAggregate, id: string) {
	return (await tx.objectStore('outbox').index('byRecord').count([aggregate, id])) > 0;
}

async function requeue(ctx: Context, aggregate: RecordAggregate, id: string): Promise<void> {
	if (await isQueued(ctx.tx, aggregate, id)) return;
	await ctx.tx
		.objectStore('outbox')
		.add({ aggregate, recordId: id, op: 'upsert', queuedAt: ctx.now });
}

/** Whether the device's version stays, given what is queued and which side is newer. */
function localStays(mode: ApplyMode, queued: boolean, localNewer: boolean): boolean {
	switch (mode) {
		case 'returned':
			return queued;
		case 'pull':
			return queued && localNewer;
		case 'resync':
			return localNewer;
	}
}

/** Applies rows in the caller's transaction; returns what a pull reports. */
export async function applyRows(
	tx: ApplyTransaction,
	changes: { table: string; row: unknown }[],
	options: ApplyOptions
): Promise<Applied> {
	const ctx: Context = { ...options, tx };
	const applied: Applied = { arrivals: [], skipped: 0, seen: [] };
	// A restore may have queued records as a batch since this run pushed: they count as waiting.
	await expandBatches(tx.objectStore('outbox'));
	for (const { table, row } of changes) {
		const incoming = parseIncoming(table, row);
		if (!incoming) {
			applied.skipped++;
			continue;
		}
		switch (incoming.table) {
			case 'events': {
				const { record } = incoming;
				const store = tx.objectStore('events');
				const local = eventSchema.safeParse(await store.get(record.id));
				const queued = await isQueued(tx, 'events', record.id);
				const stays =
					local.success &&
					localStays(ctx.mode, queued, isNewer(local.data.updatedAt, record.updatedAt));
				if (!stays) await store.put(record);
				else if (ctx.mode === 'resync') await requeue(ctx, 'events', record.id);
				applied.seen.push(`events:${record.id}`);
				break;
			}
			case 'connections': {
				const arrived = await applyConnection(ctx, incoming.record);
				if (arrived) applied.arrivals.push(arrived);
				applied.seen.push(`connections:${incoming.record.id}`);
				break;
			}
			case 'follow_ups': {
				const id = await applyFollowUp(ctx, incoming.record, incoming.deleted);
				applied.seen.push(`follow_ups:${id}`);
				break;
			}
			case 'profiles': {
				// A deleted profiles row has nothing for this device: its own card stays.
				if (incoming.deleted) break;
				applied.seen.push('profiles:');
				const store = tx.objectStore('profile');
				const local = profileSchema.safeParse(await store.get(PROFILE_KEY));
				const queued = await isQueued(tx, 'profile', PROFILE_KEY);
				const localNewer =
					local.success && isNewer(local.data.updatedAt, incoming.profile.updatedAt);
				if (local.success && localStays(ctx.mode, queued, localNewer)) {
					if (ctx.mode === 'resync') await requeue(ctx, 'profile', PROFILE_KEY);
					break;
				}
				await store.put(incoming.profile, PROFILE_KEY);
				const settingsStore = tx.objectStore('settings');
				const settings = readSettings(await settingsStore.get(SETTINGS_KEY));
				const merged = mergeProfileSettings(settings, incoming.settings, ctx.deviceTimeZone);
				await settingsStore.put(settingsSchema.parse(merged), SETTINGS_KEY);
				break;
			}
		}
	}
	return applied;
}

/** Returns someone who arrived by exchange, new on this device. */
async function applyConnection(
	ctx: Context,
	record: ReturnType<typeof connectionSchema.parse>
): Promise<ExchangeArrival | null> {
	const store = ctx.tx.objectStore('connections');
	const raw = await store.get(record.id);
	const local = connectionSchema.safeParse(raw);
	const queued = await isQueued(ctx.tx, 'connections', record.id);
	let lost: LostText[] = [];
	if (!local.success) {
		await store.put(record);
	} else if (ctx.mode === 'returned') {
		if (!queued) {
			lost = overwrittenTexts(local.data, record, ctx.editedSince);
			await store.put(record);
		}
	} else if (queued || ctx.mode === 'resync') {
		// An edit the server has not seen meets the server's row: field by field.
		const merged = mergeConnection(local.data, record);
		lost = merged.lost;
		await store.put(merged.record);
		const serversAlready = JSON.stringify(merged.record) === JSON.stringify(record);
		if (ctx.mode === 'resync' && !serversAlready) await requeue(ctx, 'connections', record.id);
	} else {
		await store.put(record);
	}
	await keepOverwritten(ctx.tx.objectStore('settings'), record.id, lost, ctx.now);
	return ctx.mode === 'pull' &&
		raw === undefined &&
		record.source === 'exchange' &&
		!record.deletedAt
		? { connectionId: record.id, name: record.card.name }
		: null;
}

/**
 * Follow-ups are one per (connection, kind, cycle) on both sides, and the server keeps its own id
 * when it merges one pushed from here. So the local one for the same cycle, under whatever id, is
 * the same follow-up: it takes the server's id, and the newer fields win. Returns the id it ends
 * under.
 */
async function applyFollowUp(ctx: Context, record: FollowUp, deleted: boolean): Promise<string> {
	const { tx } = ctx;
	const store = tx.objectStore('followUps');
	const sameIdRaw = await store.get(record.id);
	const holderKey = await store.index('byCycle').getKey(cycleKey(record));
	const holderRaw =
		holderKey !== undefined && holderKey !== record.id ? await store.get(holderKey) : undefined;
	const sameId = followUpSchema.safeParse(sameIdRaw);
	const holder = followUpSchema.safeParse(holderRaw);
	// A damaged local record loses to the server's.
	const locals = [sameId, holder].flatMap((parsed) => (parsed.success ? [parsed.data] : []));
	const newestLocal = locals.reduce<(typeof locals)[number] | null>(
		(newest, local) => (!newest || isNewer(local.updatedAt, newest.updatedAt) ? local : newest),
		null
	);
	const queued =
		(await isQueued(tx, 'followUps', record.id)) ||
		(holderKey !== undefined && (await isQueued(tx, 'followUps', holderKey)));
	const localWins =
		newestLocal !== null &&
		localStays(ctx.mode, queued, isNewer(newestLocal.updatedAt, record.updatedAt));

	if (deleted) {
		if (localWins) {
			if (ctx.mode === 'resync') await requeue(ctx, 'followUps', newestLocal.id);
			return newestLocal.id;
		}
		if (sameIdRaw !== undefined) await store.delete(record.id);
		if (holderRaw !== undefined) await store.delete(holderKey!);
		return record.id;
	}
	if (sameIdRaw === undefined && holderRaw === undefined) {
		// Deleted here and not pushed yet: that delete is the newer word unless this row is later.
		const entries = await tx
			.objectStore('outbox')
			.index('byRecord')
			.getAll(['followUps', record.id]);
		const deletedAt = entries.findLast((entry) => entry.op === 'delete')?.queuedAt;
		if (deletedAt !== undefined && !isNewer(record.updatedAt, deletedAt)) return record.id;
		await store.put(record);
		return record.id;
	}
	if (holderRaw !== undefined) {
		await store.delete(holderKey!);
		await moveOutboxEntries(tx, holderKey!, record.id);
	}
	await store.put(localWins ? { ...newestLocal, id: record.id } : record);
	if (localWins && ctx.mode === 'resync') await requeue(ctx, 'followUps', record.id);
	return record.id;
}

/** A follow-up took the server's id: its waiting changes now push under that id. */
async function moveOutboxEntries(tx: ApplyTransaction, from: string, to: string): Promise<void> {
	const outbox = tx.objectStore('outbox');
	const entries = await outbox.index('byRecord').getAll(['followUps', from]);
	for (const entry of entries) await outbox.put({ ...entry, recordId: to });
}

/** Applies one pulled page and saves the cursor that follows it, in one transaction. */
export async function applyPage(
	db: RapportDatabase,
	changes: { table: string; row: unknown }[],
	cursor: string | null,
	options: ApplyOptions
): Promise<{ applied: Applied; state: SyncState }> {
	const tx = openApplyTransaction(db);
	const applied = await applyRows(tx, changes, options);
	const state = await patchState(tx.objectStore('settings'), { cursor });
	await tx.done;
	return { applied, state };
}

const storeOfTable: Record<string, RecordAggregate> = {
	events: 'events',
	connections: 'connections',
	follow_ups: 'followUps'
};

/** The device records behind `Applied.seen`, as `onStored` listeners hear of them. */
export function storedRecords(seen: readonly string[]): QueuedRecord[] {
	return seen.flatMap((key): QueuedRecord[] => {
		const [table = '', recordId = ''] = key.split(/:(.*)/s);
		if (table === 'profiles') return [{ store: 'profile', recordId: PROFILE_KEY }];
		const store = storeOfTable[table];
		return store ? [{ store, recordId }] : [];
	});
}

/**
 * After a full pull that followed a lost cursor: every local record the server did not send back
 * is queued again, so a restored server gets back what it lost.
 */
export async function requeueUnseen(
	db: RapportDatabase,
	seen: ReadonlySet<string>,
	now: string
): Promise<number> {
	const tx = openApplyTransaction(db);
	const ctx: Context = { tx, mode: 'resync', deviceTimeZone: '', now, editedSince: null };
	await expandBatches(tx.objectStore('outbox'));
	let queued = 0;
	for (const [table, aggregate] of Object.entries(storeOfTable)) {
		for (const key of await tx.objectStore(aggregate).getAllKeys()) {
			if (seen.has(`${table}:${String(key)}`)) continue;
			await requeue(ctx, aggregate, String(key));
			queued++;
		}
	}
	if (!seen.has('profiles:') && (await tx.objectStore('profile').get(PROFILE_KEY)) !== undefined) {
		await requeue(ctx, 'profile', PROFILE_KEY);
		queued++;
	}
	await tx.done;
	return queued;
}
