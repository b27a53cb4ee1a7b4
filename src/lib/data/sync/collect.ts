import { connectionSchema, eventSchema, followUpSchema, profileSchema } from '$lib/domain/records';
import {
	connectionToRow,
	deletionRow,
	eventToRow,
	followUpToRow,
	profileToRow,
	type ProfileSettings,
	type SyncTable,
	type WireRow
} from '$lib/domain/sync/rows';
import type { RapportDatabase, RecordAggregate, RecordOutboxEntry } from '../db';
import { readSettings, SETTINGS_KEY } from './state';
import type { WireChange } from './transport';

// Collecting what to push: outbox entries become one change per record, as the record is now,
// cut into batches the server accepts (docs/sync.md: at most 500 changes and a byte cap).

/** Changes per sync_push. */
export const PUSH_BATCH_SIZE = 500;
/**
 * Bytes of JSON per sync_push: half the server's 2,000,000-byte cap on a request body (docs/sync.md), so
 * the arguments' wrapping never tips a batch over it.
 */
export const PUSH_BATCH_BYTES = 1_000_000;

export const tableOf: Record<RecordAggregate, SyncTable> = {
	profile: 'profiles',
	events: 'events',
	connections: 'connections',
	followUps: 'follow_ups'
};

/** One change for the server and the outbox entries it settles. */
export interface PendingChange {
	change: WireChange;
	aggregate: RecordAggregate;
	recordId: string;
	seqs: number[];
}

export interface Collected {
	changes: PendingChange[];
	/** Entries with nothing left to send (their record is gone without a delete). */
	settled: number[];
	/** Records this device cannot read: never sent, listed as refused. */
	unreadable: PendingChange[];
}

/**
 * Turns the outbox into changes: several entries for one record become one change carrying the
 * record as it is now, placed where its oldest entry was (a connection stays ahead of its
 * follow-up). Entries whose record is gone without a delete have nothing left to send.
 */
export async function collectChanges(
	db: RapportDatabase,
	entries: RecordOutboxEntry[],
	profileSettings: (settings: ReturnType<typeof readSettings>) => ProfileSettings
): Promise<Collected> {
	const groups = new Map<string, RecordOutboxEntry[]>();
	for (const entry of entries) {
		const key = `${entry.aggregate}\u0000${entry.recordId}`;
		const group = groups.get(key);
		if (group) group.push(entry);
		else groups.set(key, [entry]);
	}
	const tx = db.transaction(['profile', 'events', 'connections', 'followUps', 'settings']);
	const settings = profileSettings(
		readSettings(await tx.objectStore('settings').get(SETTINGS_KEY))
	);
	const collected: Collected = { changes: [], settled: [], unreadable: [] };
	for (const group of groups.values()) {
		const { aggregate, recordId } = group[0]!;
		const seqs = group.map((entry) => entry.seq!);
		const raw = await tx.objectStore(aggregate).get(recordId);
		const table = tableOf[aggregate];
		if (raw === undefined) {
			const deletion = group.findLast((entry) => entry.op === 'delete');
			// The profile is one row per account and is never deleted from the device.
			if (deletion && aggregate !== 'profile') {
				const row = deletionRow(recordId, deletion.queuedAt);
				collected.changes.push({ change: { table, op: 'delete', row }, aggregate, recordId, seqs });
			} else {
				collected.settled.push(...seqs);
			}
			continue;
		}
		const row = toRow(aggregate, raw, settings);
		const pending = {
			change: { table, op: 'upsert' as const, row: row ?? {} },
			aggregate,
			recordId,
			seqs
		};
		(row ? collected.changes : collected.unreadable).push(pending);
	}
	await tx.done;
	return collected;
}

export function toRow(
	aggregate: RecordAggregate,
	raw: unknown,
	settings: ProfileSettings
): WireRow | null {
	switch (aggregate) {
		case 'profile': {
			const parsed = profileSchema.safeParse(raw);
			return parsed.success ? profileToRow(parsed.data, settings) : null;
		}
		case 'events': {
			const parsed = eventSchema.safeParse(raw);
			return parsed.success ? eventToRow(parsed.data) : null;
		}
		case 'connections': {
			const parsed = connectionSchema.safeParse(raw);
			return parsed.success ? connectionToRow(parsed.data) : null;
		}
		case 'followUps': {
			const parsed = followUpSchema.safeParse(raw);
			return parsed.success ? followUpToRow(parsed.data) : null;
		}
	}
}

export const changeBytes = (pending: PendingChange): number =>
	new TextEncoder().encode(JSON.stringify(pending.change)).length;

/**
 * Cuts changes into batches, in order, of at most `maxCount` changes and `maxBytes` bytes. A
 * change that is over `maxBytes` on its own comes back in `oversized` instead: no batch could
 * carry it.
 */
export function batchesOf(
	changes: PendingChange[],
	maxCount = PUSH_BATCH_SIZE,
	maxBytes = PUSH_BATCH_BYTES
): { batches: PendingChange[][]; oversized: PendingChange[] } {
	const batches: PendingChange[][] = [];
	const oversized: PendingChange[] = [];
	let batch: PendingChange[] = [];
	let bytes = 0;
	for (const pending of changes) {
		const size = changeBytes(pending);
		if (size > maxBytes) {
			oversized.push(pending);
			continue;
		}
		if (batch.length === maxCount || bytes + size > maxBytes) {
			batches.push(batch);
			batch = [];
			bytes = 0;
		}
		batch.push(pending);
		bytes += size;
	}
	if (batch.length > 0) batches.push(batch);
	return { batches, oversized };
}
