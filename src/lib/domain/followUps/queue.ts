import * as z from 'zod/mini';
import { keepInTouchTiers, type FollowUp, type KeepInTouchTier } from '../records';
import {
	addDays,
	assertIntegerIn,
	assertTimeZone,
	followUpDueAt,
	isoWeekday,
	localDateOf,
	resolveLocalTime,
	type LocalDate
} from './rule';

const DAY_MS = 86_400_000;

/**
 * What the queue needs of a follow-up. `FollowUp` records fit as they are; `snoozedUntil` and
 * `doneAt` are fields the records do not carry yet (the server's `follow_ups` table has them).
 */
export type QueueFollowUp = Pick<FollowUp, 'id' | 'dueAt' | 'status' | 'updatedAt'> & {
	snoozedUntil?: string | null;
	doneAt?: string | null;
};

export const queueSectionKeys = [
	'overdue',
	'today',
	'thisWeek',
	'later',
	'snoozed',
	'done',
	'skipped'
] as const;
export type QueueSectionKey = (typeof queueSectionKeys)[number];

export interface QueueSection<T> {
	key: QueueSectionKey;
	items: T[];
}

export interface GroupedQueue<T> {
	/** All seven sections, always in the order of `queueSectionKeys`, empty ones included. */
	sections: QueueSection<T>[];
	counts: Record<QueueSectionKey, number>;
	/** Open follow-ups whose time has come: the number for the app badge. */
	dueCount: number;
}

/** Weeks run Monday to Sunday (ISO 8601), so a weekend stays in one week, at its end. */
function weekStartOf(date: LocalDate): LocalDate {
	return addDays(date, 1 - isoWeekday(date));
}

// A snoozed follow-up comes back at `snoozedUntil`, or at `dueAt` where snoozing moved that instead.
function wakeAt(item: QueueFollowUp): string {
	return (item.status === 'snoozed' && item.snoozedUntil) || item.dueAt;
}

function closedAt(item: QueueFollowUp): string {
	return item.doneAt ?? item.updatedAt;
}

// Records are validated when read from storage, so this only guards against NaN silently sorting
// an item into the wrong section; Date.parse keeps 5,000 items fast.
function instant(value: string, owner: string, field: string): number {
	const ms = Date.parse(value);
	if (Number.isNaN(ms)) {
		throw new Error(`${field} of ${owner} is not a date: ${JSON.stringify(value)}`);
	}
	return ms;
}

function compareText(a: string, b: string): number {
	return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Sorts follow-ups into the queue's sections as seen from `now` in `timeZone`: Overdue (due before
 * today began), Today, This week (until Sunday ends), Later, Snoozed (still asleep), Done and
 * Skipped: skipping is a choice that counts as no contact, so it is never listed as done. A snooze that has run out puts the item back among the open ones at its wake time.
 * Open sections run soonest first, so Overdue starts with the oldest; Done and Skipped start
 * with the most recently closed. Ties go by id so the order never flickers.
 */
export function groupQueue<T extends QueueFollowUp>(
	items: readonly T[],
	now: Date,
	timeZone: string
): GroupedQueue<T> {
	assertTimeZone(timeZone, 'groupQueue: timeZone');
	const nowMs = now.getTime();
	const today = localDateOf(nowMs, timeZone);
	const todayStart = resolveLocalTime(today, 0, timeZone);
	const tomorrowStart = resolveLocalTime(addDays(today, 1), 0, timeZone);
	const nextWeekStart = resolveLocalTime(addDays(weekStartOf(today), 7), 0, timeZone);

	const buckets: Record<QueueSectionKey, { item: T; at: number }[]> = {
		overdue: [],
		today: [],
		thisWeek: [],
		later: [],
		snoozed: [],
		done: [],
		skipped: []
	};
	let dueCount = 0;
	for (const item of items) {
		let key: QueueSectionKey;
		let at: number;
		if (item.status === 'done' || item.status === 'skipped') {
			key = item.status;
			at = -instant(closedAt(item), item.id, 'doneAt');
		} else {
			at = instant(wakeAt(item), item.id, 'dueAt');
			if (at <= nowMs) dueCount++;
			if (item.status === 'snoozed' && at > nowMs) key = 'snoozed';
			else if (at < todayStart) key = 'overdue';
			else if (at < tomorrowStart) key = 'today';
			else if (at < nextWeekStart) key = 'thisWeek';
			else key = 'later';
		}
		buckets[key].push({ item, at });
	}

	const sections = queueSectionKeys.map((key) => ({
		key,
		items: buckets[key]
			.sort((a, b) => a.at - b.at || compareText(a.item.id, b.item.id))
			.map(({ item }) => item)
	}));
	const counts = Object.fromEntries(sections.map((s) => [s.key, s.items.length])) as Record<
		QueueSectionKey,
		number
	>;
	return { sections, counts, dueCount };
}

export type SnoozeOption = 'tomorrow' | 'in3days' | 'nextWeek' | { date: string };

/**
 * When a snoozed follow-up comes back, at `hour`:00 local time (a skipped hour resolves as in the
 * rule). "Next week" means next Monday, even on a Sunday. Weekends are not skipped: the person
 * picked the day themselves. A picked date must give a time after `now`.
 */
export function snoozeUntil(option: SnoozeOption, now: Date, timeZone: string, hour = 10): string {
	assertTimeZone(timeZone, 'snoozeUntil: timeZone');
	assertIntegerIn(hour, 0, 23, 'snoozeUntil: hour');
	const today = localDateOf(now.getTime(), timeZone);
	let date: LocalDate;
	if (option === 'tomorrow') date = addDays(today, 1);
	else if (option === 'in3days') date = addDays(today, 3);
	else if (option === 'nextWeek') date = addDays(weekStartOf(today), 7);
	else date = parseLocalDate(option.date);
	const until = resolveLocalTime(date, hour, timeZone);
	if (until <= now.getTime()) {
		throw new Error(
			`snoozeUntil: ${JSON.stringify(option)} at ${hour}:00 is not after ${now.toISOString()}`
		);
	}
	return new Date(until).toISOString();
}

function parseLocalDate(value: string): LocalDate {
	const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
	const date = match && { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
	// addDays(…, 0) normalises 2026-02-30 to 2 March, which shows the date does not exist.
	const normal = date && addDays(date, 0);
	if (!date || !normal || normal.month !== date.month || date.year < 1900 || date.year > 8999) {
		throw new Error(
			`snoozeUntil: date must be a real YYYY-MM-DD date, got ${JSON.stringify(value)}`
		);
	}
	return date;
}

export { keepInTouchTiers, type KeepInTouchTier };
/** For the `tier` field a connection record needs (the server's `connections.tier`). */
export const keepInTouchTierSchema = z.enum(keepInTouchTiers);

export const tierCadenceDays: Readonly<Record<KeepInTouchTier, number | null>> = {
	close: 30,
	regular: 90,
	light: 180,
	none: null
};

export interface KeepInTouchSettings {
	timeZone: string;
	hour?: number;
	skipWeekends?: boolean;
}

/**
 * The next keep-in-touch follow-up: the follow-up rule with the tier's cadence as its delay, so it
 * lands at the user's hour on a weekday like every other follow-up, and the server's cron job can
 * use `follow_up_due_at` the same way. `null` for tier "none".
 */
export function nextKeepInTouchDueAt(
	lastContactedAt: string,
	tier: KeepInTouchTier,
	settings: KeepInTouchSettings
): string | null {
	const cadence = tierCadenceDays[tier];
	return cadence === null
		? null
		: followUpDueAt({ ...settings, metAt: lastContactedAt, delayDays: cadence });
}

/**
 * What the weekly goal needs of a connection. `tier` and `lastContactedAt` are fields the records
 * do not carry yet (the server's `connections` table has them).
 */
export interface ReconnectCandidate {
	id: string;
	name: string;
	metAt: string;
	tier: KeepInTouchTier;
	lastContactedAt?: string | null;
	deletedAt?: string | null;
}

export type ReconnectFollowUp = QueueFollowUp & { connectionId: string };

/**
 * This week's reconnects: the `goal` tiered contacts most overdue, where overdue is the time since
 * the last contact (or the meeting) beyond the tier's cadence, and someone not yet overdue is
 * never picked. Given the follow-ups, a skipped one counts as contact, so skipping someone rests
 * them for a whole cadence rather than bringing them back next week; and anyone with an open
 * follow-up still in the future (snoozed or scheduled) is left out, as a plan for them exists.
 * Ties go by name, then id.
 */
export function pickWeeklyReconnects<T extends ReconnectCandidate>(
	connections: readonly T[],
	followUps: readonly ReconnectFollowUp[] | undefined,
	now: Date,
	goal = 3
): T[] {
	assertIntegerIn(goal, 0, 100, 'pickWeeklyReconnects: goal');
	const nowMs = now.getTime();
	const closedBy = new Map<string, number>();
	const planned = new Set<string>();
	for (const followUp of followUps ?? []) {
		if (followUp.status === 'done' || followUp.status === 'skipped') {
			const at = instant(closedAt(followUp), followUp.id, 'doneAt');
			closedBy.set(followUp.connectionId, Math.max(at, closedBy.get(followUp.connectionId) ?? at));
		} else if (instant(wakeAt(followUp), followUp.id, 'dueAt') > nowMs) {
			planned.add(followUp.connectionId);
		}
	}

	const overdue: { connection: T; by: number }[] = [];
	for (const connection of connections) {
		const cadence = tierCadenceDays[connection.tier];
		if (cadence === null || connection.deletedAt || planned.has(connection.id)) continue;
		const contacted = instant(
			connection.lastContactedAt ?? connection.metAt,
			connection.id,
			'lastContactedAt ?? metAt'
		);
		const by =
			nowMs - Math.max(contacted, closedBy.get(connection.id) ?? contacted) - cadence * DAY_MS;
		if (by >= 0) overdue.push({ connection, by });
	}
	return overdue
		.sort(
			(a, b) =>
				b.by - a.by ||
				compareText(a.connection.name, b.connection.name) ||
				compareText(a.connection.id, b.connection.id)
		)
		.slice(0, goal)
		.map(({ connection }) => connection);
}

/** One reconnect: a contact with someone, at `at`. */
export interface ReconnectEvent {
	connectionId: string;
	at: string;
}

/**
 * What the weekly goal counts: every follow-up marked done (post-event or keep-in-touch alike) and
 * every recorded contact ("I reached out" on the person page sets `lastContactedAt`). A skipped
 * follow-up is not a contact and never counts.
 */
export function reconnectEvents(
	followUps: readonly (Pick<QueueFollowUp, 'status' | 'doneAt'> & { connectionId: string })[],
	connections: readonly { id: string; lastContactedAt?: string | null; deletedAt?: string | null }[]
): ReconnectEvent[] {
	const events: ReconnectEvent[] = [];
	for (const followUp of followUps) {
		if (followUp.status === 'done' && followUp.doneAt) {
			events.push({ connectionId: followUp.connectionId, at: followUp.doneAt });
		}
	}
	for (const connection of connections) {
		if (connection.lastContactedAt && !connection.deletedAt) {
			events.push({ connectionId: connection.id, at: connection.lastContactedAt });
		}
	}
	return events;
}

/** How many different people were reconnected with during this local week (Monday–Sunday). */
export function weekProgress(
	doneEvents: readonly ReconnectEvent[],
	now: Date,
	timeZone: string
): number {
	assertTimeZone(timeZone, 'weekProgress: timeZone');
	const weekStart = weekStartOf(localDateOf(now.getTime(), timeZone));
	const from = resolveLocalTime(weekStart, 0, timeZone);
	const until = resolveLocalTime(addDays(weekStart, 7), 0, timeZone);
	const people = new Set<string>();
	for (const event of doneEvents) {
		const at = instant(event.at, event.connectionId, 'at');
		if (at >= from && at < until) people.add(event.connectionId);
	}
	return people.size;
}
