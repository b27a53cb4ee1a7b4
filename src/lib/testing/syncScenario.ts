// Test-only. What a person does on one of their devices between syncs, and how to compare what a
// device holds with what the server holds. Shared by the in-memory convergence property
// (src/lib/data/sync/convergence.spec.ts) and the fault run against the real database
// (tests/sync/faults.spec.ts).
import { connectionRepository } from '$lib/data/connections';
import type { RapportDatabase } from '$lib/data/db';
import { eventRepository } from '$lib/data/events';
import { applyQueueChange, followUpRepository } from '$lib/data/followUps';
import { profileRepository } from '$lib/data/profile';
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
import { aConnection, anEvent, aProfile } from './factories';

export type Edit =
	| { kind: 'event' }
	| { kind: 'meet'; pick: number; atEvent: boolean }
	| { kind: 'note'; pick: number }
	| { kind: 'forget'; pick: number }
	| { kind: 'done'; pick: number }
	| { kind: 'unschedule'; pick: number }
	| { kind: 'keepInTouch'; pick: number; cycle: number }
	| { kind: 'profile' };

const nth = <T>(items: T[], index: number): T | undefined =>
	items.length > 0 ? items[index % items.length] : undefined;

/**
 * Does what `edit` says on one device, through the repositories as the app does (record and
 * outbox entry together). `wrote` hears of every connection written.
 */
export async function performEdit(
	db: RapportDatabase,
	edit: Edit,
	newId: () => string,
	wrote: (connectionId: string) => Promise<void> = async () => {}
): Promise<void> {
	const now = new Date().toISOString();
	const connections = connectionRepository(db);
	const followUps = followUpRepository(db);
	switch (edit.kind) {
		case 'event':
			await eventRepository(db).save(anEvent({ id: newId(), updatedAt: now }));
			return;
		case 'meet': {
			const event = edit.atEvent
				? nth((await eventRepository(db).list()).items, edit.pick)
				: undefined;
			const connection = aConnection({
				id: newId(),
				metAt: now,
				updatedAt: now,
				...(event ? { eventId: event.id } : {})
			});
			await connections.saveWithFollowUp(connection, {
				id: newId(),
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
			const connection = nth((await connections.list()).items, edit.pick);
			if (!connection) return;
			await connections.save({ ...connection, note: `note ${now}`, updatedAt: now });
			await wrote(connection.id);
			return;
		}
		case 'forget': {
			const connection = nth((await connections.list()).items, edit.pick);
			if (!connection) return;
			await connections.softDelete(connection.id, now);
			await wrote(connection.id);
			return;
		}
		case 'done': {
			const followUp = nth((await followUps.list()).items, edit.pick);
			if (followUp)
				await followUps.save({ ...followUp, status: 'done', doneAt: now, updatedAt: now });
			return;
		}
		case 'unschedule': {
			const followUp = nth((await followUps.list()).items, edit.pick);
			if (followUp) await applyQueueChange(db, { removeFollowUps: [followUp.id] });
			return;
		}
		case 'keepInTouch': {
			const connection = nth((await connections.list()).items, edit.pick);
			if (!connection) return;
			const held = await followUps.listForConnection(connection.id);
			const key = (followUp: FollowUp) => `${followUp.kind}:${followUp.cycle}`;
			if (held.some((followUp) => key(followUp) === `keep_in_touch:${edit.cycle}`)) return;
			await followUps.save({
				id: newId(),
				connectionId: connection.id,
				kind: 'keep_in_touch',
				cycle: edit.cycle,
				dueAt: now,
				status: 'pending',
				updatedAt: now
			});
			return;
		}
		case 'profile':
			await profileRepository(db).save(aProfile({ name: `陳怡君 ${now}`, updatedAt: now }));
			return;
	}
}

export const byId = (a: WireRow, b: WireRow) => String(a.id).localeCompare(String(b.id));

export interface Holding {
	events: WireRow[];
	connections: WireRow[];
	followUps: WireRow[];
	profile: unknown;
}

/** Everything a device holds, spelled as wire rows, sorted, so two holdings compare as equal. */
export async function deviceHolding(db: RapportDatabase): Promise<Holding> {
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

/** The same for the rows a server holds; deleted follow-ups are gone from devices, so skipped. */
export function serverHolding(rows: Iterable<{ table: string; row: unknown }>): Holding {
	const holding: Holding = { events: [], connections: [], followUps: [], profile: null };
	for (const { table, row } of rows) {
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
