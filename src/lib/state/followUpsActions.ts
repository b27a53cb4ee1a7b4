import type { RapportDatabase } from '$lib/data/db';
import { applyQueueChange, followUpRepository } from '$lib/data/followUps';
import { nextKeepInTouchDueAt, type KeepInTouchSettings } from '$lib/domain/followUps';
import type { Connection, FollowUp, KeepInTouchTier } from '$lib/domain/records';

// The queue's writes, one transaction each, every one returning what it takes to undo it.

/** What puts the records back as they were before an action. */
export interface Undo {
	followUps: FollowUp[];
	connections: Connection[];
	/** Follow-ups the action created. */
	remove: string[];
}

export interface ActionResult {
	undo: Undo;
	followUp?: FollowUp;
	connection?: Connection;
	/** The keep-in-touch follow-up that Done scheduled, if the person has a tier. */
	next?: FollowUp;
}

const isOpen = (followUp: FollowUp) =>
	followUp.status === 'pending' || followUp.status === 'snoozed';

/** The next keep-in-touch round, unless one is already open: then that one is the plan. */
async function nextRound(
	db: RapportDatabase,
	connection: Connection,
	dueAt: string,
	at: string,
	closing?: string
): Promise<FollowUp | null> {
	const existing = (await followUpRepository(db).listForConnection(connection.id)).filter(
		(followUp) => followUp.kind === 'keep_in_touch'
	);
	if (existing.some((followUp) => followUp.id !== closing && isOpen(followUp))) return null;
	// (connection, kind, cycle) is unique, so count on from the highest round there is.
	const cycle = Math.max(0, ...existing.map((followUp) => followUp.cycle)) + 1;
	return {
		id: crypto.randomUUID(),
		connectionId: connection.id,
		kind: 'keep_in_touch',
		cycle,
		dueAt,
		status: 'pending',
		updatedAt: at
	};
}

/**
 * Done: the follow-up is closed, the connection records the contact, and a tiered connection gets
 * its next keep-in-touch follow-up a cadence from now.
 */
export async function markDone(
	db: RapportDatabase,
	followUp: FollowUp,
	connection: Connection,
	now: Date,
	settings: KeepInTouchSettings
): Promise<ActionResult> {
	const at = now.toISOString();
	const done: FollowUp = { ...followUp, status: 'done', doneAt: at, updatedAt: at };
	const contacted: Connection = { ...connection, lastContactedAt: at, updatedAt: at };
	const dueAt = nextKeepInTouchDueAt(at, connection.tier, settings);
	const next = dueAt === null ? null : await nextRound(db, connection, dueAt, at, followUp.id);
	await applyQueueChange(db, {
		followUps: next ? [done, next] : [done],
		connections: [contacted]
	});
	return {
		undo: { followUps: [followUp], connections: [connection], remove: next ? [next.id] : [] },
		followUp: done,
		connection: contacted,
		...(next ? { next } : {})
	};
}

export async function snooze(
	db: RapportDatabase,
	followUp: FollowUp,
	until: string,
	now: Date
): Promise<ActionResult> {
	const snoozed: FollowUp = {
		...followUp,
		status: 'snoozed',
		snoozedUntil: until,
		updatedAt: now.toISOString()
	};
	await applyQueueChange(db, { followUps: [snoozed] });
	return { undo: { followUps: [followUp], connections: [], remove: [] }, followUp: snoozed };
}

/** Skipping is a choice, not a failure: it closes the follow-up without recording a contact. */
export async function skip(
	db: RapportDatabase,
	followUp: FollowUp,
	now: Date
): Promise<ActionResult> {
	const at = now.toISOString();
	const skipped: FollowUp = { ...followUp, status: 'skipped', doneAt: at, updatedAt: at };
	await applyQueueChange(db, { followUps: [skipped] });
	return { undo: { followUps: [followUp], connections: [], remove: [] }, followUp: skipped };
}

export async function setTier(
	db: RapportDatabase,
	connection: Connection,
	tier: KeepInTouchTier,
	now: Date
): Promise<ActionResult> {
	const changed: Connection = { ...connection, tier, updatedAt: now.toISOString() };
	await applyQueueChange(db, { connections: [changed] });
	return { undo: { followUps: [], connections: [connection], remove: [] }, connection: changed };
}

/** One of this week's suggestions, put in today's queue as a keep-in-touch follow-up due now. */
export async function planReconnect(
	db: RapportDatabase,
	connection: Connection,
	now: Date
): Promise<ActionResult> {
	const at = now.toISOString();
	const next = await nextRound(db, connection, at, at);
	if (next === null) return { undo: { followUps: [], connections: [], remove: [] } };
	await applyQueueChange(db, { followUps: [next] });
	return { undo: { followUps: [], connections: [], remove: [next.id] }, followUp: next };
}

export function undo(db: RapportDatabase, change: Undo): Promise<void> {
	return applyQueueChange(db, {
		followUps: change.followUps,
		connections: change.connections,
		removeFollowUps: change.remove
	});
}
