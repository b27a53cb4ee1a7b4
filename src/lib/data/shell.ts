import { isDue } from '$lib/domain/due';
import { isEventDay } from '$lib/domain/eventPhase';
import type { EventRecord, FollowUp } from '$lib/domain/records';
import type { RapportDatabase } from './db';

/**
 * The few values the shell (home page, layout) shows on every visit: the current event's name
 * and end, whether an event is on today (home then offers the coach), and how many follow-ups
 * are due. They are read without the record schemas, so the
 * first load carries no validation library; they are display hints only, and every screen that
 * acts on a record reads it through its repository, validated.
 */
export interface ShellSummary {
	event: Pick<EventRecord, 'id' | 'name' | 'endsAt'> | null;
	eventToday: boolean;
	dueCount: number;
}

const isText = (value: unknown): value is string => typeof value === 'string' && value !== '';

function asRecord(raw: unknown): Record<string, unknown> | null {
	return typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : null;
}

function shellEvent(raw: unknown): ShellSummary['event'] {
	const event = asRecord(raw);
	if (!event || event.deletedAt || !isText(event.id) || !isText(event.name)) return null;
	if (!isText(event.endsAt) || Number.isNaN(Date.parse(event.endsAt))) return null;
	return { id: event.id, name: event.name, endsAt: event.endsAt };
}

function isOnToday(raw: unknown, now: Date): boolean {
	const event = asRecord(raw);
	if (!event || event.deletedAt) return false;
	if (!isText(event.startsAt) || !isText(event.endsAt) || !isText(event.timeZone)) return false;
	return isEventDay(event as Pick<EventRecord, 'startsAt' | 'endsAt' | 'timeZone'>, now);
}

function countsAsDue(raw: unknown, now: Date): boolean {
	const followUp = asRecord(raw);
	if (!followUp || !isText(followUp.status) || !isText(followUp.dueAt)) return false;
	return isDue(followUp as Pick<FollowUp, 'status' | 'dueAt' | 'snoozedUntil'>, now);
}

export async function readShellSummary(db: RapportDatabase, now: Date): Promise<ShellSummary> {
	const [settings, events, dueCandidates] = await Promise.all([
		db.get('settings', 'settings'),
		// A handful of records a year, so reading them all stays cheap.
		db.getAll('events'),
		// Through the due-date index, so only what is already due is read.
		db.getAllFromIndex('followUps', 'byDueAt', IDBKeyRange.upperBound(now.toISOString()))
	]);
	const currentEventId = asRecord(settings)?.currentEventId;
	return {
		event: isText(currentEventId) ? shellEvent(await db.get('events', currentEventId)) : null,
		eventToday: events.some((raw) => isOnToday(raw, now)),
		dueCount: dueCandidates.filter((raw) => countsAsDue(raw, now)).length
	};
}
