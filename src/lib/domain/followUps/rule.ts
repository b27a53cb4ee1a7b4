import * as z from 'zod/mini';

/**
 * The follow-up scheduling rule. Its SQL twin, `internal.follow_up_due_at`, must give the same
 * answer for every case in `supabase/tests/follow_up_vectors.json`, so every choice below that
 * is not forced by the wording says so, to be copied on the other side.
 */

export interface FollowUpRuleInput {
	metAt: string;
	eventEndsAt?: string | null;
	timeZone: string;
	delayDays?: number;
	hour?: number;
	skipWeekends?: boolean;
}

/** A calendar date on a wall calendar somewhere; `month` is 1–12. */
export interface LocalDate {
	year: number;
	month: number;
	day: number;
}

const DAY_MS = 86_400_000;

// The app only ever deals with recent dates. The floor keeps Intl away from eras and the
// Julian/Gregorian question; the ceiling keeps results (up to 368 days later) within the 4-digit
// years that `toISOString()` and the records' zod schemas expect.
const MIN_INSTANT = Date.UTC(1900, 0, 1);
const MAX_INSTANT = Date.UTC(9000, 0, 1);

const isoInstant = z.iso.datetime({ offset: true });

// Only IANA "Area/Location" names and "UTC". ICU also accepts legacy IDs such as "PST" or "CET"
// (as zones with daylight saving), while PostgreSQL reads those as fixed-offset abbreviations and
// reads "+08:00" as POSIX (UTC−8): both sides agree only on names with a slash, and on "UTC".
const ZONE_NAME = /^(?:UTC|[A-Za-z][\w+-]*(?:\/[\w+-]+)+)$/;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string, label = 'timeZone'): Intl.DateTimeFormat {
	const cached = formatters.get(timeZone);
	if (cached) return cached;
	const problem = `${label} must be an IANA time zone name such as "Asia/Taipei", or "UTC"; got ${JSON.stringify(timeZone)}`;
	if (!ZONE_NAME.test(timeZone)) throw new Error(problem);
	let formatter: Intl.DateTimeFormat;
	try {
		formatter = new Intl.DateTimeFormat('en-US', {
			timeZone,
			hourCycle: 'h23',
			year: 'numeric',
			month: 'numeric',
			day: 'numeric',
			hour: 'numeric',
			minute: 'numeric',
			second: 'numeric'
		});
	} catch {
		throw new Error(problem);
	}
	formatters.set(timeZone, formatter);
	return formatter;
}

/** Throws the rule's error for a time zone it cannot use, naming `label` and the value. */
export function assertTimeZone(timeZone: string, label: string): void {
	formatterFor(timeZone, label);
}

export function assertIntegerIn(value: number, min: number, max: number, label: string): void {
	if (!Number.isInteger(value) || value < min || value > max) {
		throw new Error(`${label} must be an integer from ${min} to ${max}, got ${String(value)}`);
	}
}

/** Epoch milliseconds of an ISO-8601 date-time that carries its offset ("Z" or "+08:00"). */
export function parseInstant(value: string, label: string): number {
	// Date.parse alone is too forgiving: it turns 2026-02-30 into 2 March, and reads a date-time
	// without an offset in the device's zone.
	const ms = isoInstant.safeParse(value).success ? Date.parse(value) : Number.NaN;
	if (Number.isNaN(ms)) {
		throw new Error(
			`${label} must be an ISO-8601 date-time with an offset, such as 2026-05-12T19:30:00+08:00; got ${JSON.stringify(value)}`
		);
	}
	if (ms < MIN_INSTANT || ms >= MAX_INSTANT) {
		throw new Error(`${label} must be between the years 1900 and 8999, got ${value}`);
	}
	return ms;
}

interface WallClock extends LocalDate {
	hour: number;
	minute: number;
	second: number;
}

function wallClock(ms: number, timeZone: string): WallClock {
	const wall: WallClock = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
	for (const part of formatterFor(timeZone).formatToParts(ms)) {
		if (part.type in wall) wall[part.type as keyof WallClock] = Number(part.value);
	}
	return wall;
}

/**
 * How far the zone's wall clock is ahead of UTC at `ms` (negative west of Greenwich). Only asked
 * about whole seconds, which is all the wall clock shows.
 */
function offsetAt(ms: number, timeZone: string): number {
	const w = wallClock(ms, timeZone);
	return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - ms;
}

export function localDateOf(ms: number, timeZone: string): LocalDate {
	const { year, month, day } = wallClock(ms, timeZone);
	return { year, month, day };
}

export function addDays(date: LocalDate, days: number): LocalDate {
	const shifted = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
	return {
		year: shifted.getUTCFullYear(),
		month: shifted.getUTCMonth() + 1,
		day: shifted.getUTCDate()
	};
}

/** ISO weekday of a calendar date: Monday 1 … Sunday 7. */
export function isoWeekday(date: LocalDate): number {
	return new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay() || 7;
}

/**
 * The instant at which the wall clock in `timeZone` reads `date` at `hour`:00 (rule 5).
 *
 * The instant lies within a day of the wall time read as UTC, so sampling the offset a day either
 * side of it sees both offsets of any clock change, provided the zone changes at most once in
 * those two days (true of all 418 ICU zones from 2000 to 2040). Each sampled offset gives one
 * candidate instant; a candidate counts if the zone really has that offset then. Two real
 * candidates: clocks went back, take the earlier. None: clocks jumped forward over this time, so
 * reading it with the offset from before the jump lands exactly the gap's length later (02:30 in
 * a 02:00→03:00 gap becomes 03:30). PostgreSQL's `AT TIME ZONE` resolves a gap the same way but
 * an overlap to the later instant, so the SQL twin must pick the earlier one itself.
 */
export function resolveLocalTime(date: LocalDate, hour: number, timeZone: string): number {
	const wall = Date.UTC(date.year, date.month - 1, date.day, hour);
	const before = offsetAt(wall - DAY_MS, timeZone);
	const after = offsetAt(wall + DAY_MS, timeZone);
	const real = [wall - before, wall - after].filter((ms) => offsetAt(ms, timeZone) === wall - ms);
	return real.length > 0 ? Math.min(...real) : wall - before;
}

/**
 * When to follow up with someone met at `metAt`, as an ISO-8601 UTC instant.
 *
 * Throws an Error naming the bad value for an unknown time zone, an unparseable date, or a
 * `delayDays` / `hour` out of range, so the UI can fall back to the device's zone and say so.
 */
export function followUpDueAt(input: FollowUpRuleInput): string {
	const { timeZone, delayDays = 1, hour = 10, skipWeekends = true } = input;
	assertTimeZone(timeZone, 'followUpDueAt: timeZone');
	assertIntegerIn(delayDays, 0, 365, 'followUpDueAt: delayDays');
	assertIntegerIn(hour, 0, 23, 'followUpDueAt: hour');
	const metAt = parseInstant(input.metAt, 'followUpDueAt: metAt');
	const anchor =
		input.eventEndsAt == null
			? metAt
			: Math.max(metAt, parseInstant(input.eventEndsAt, 'followUpDueAt: eventEndsAt'));

	let date = addDays(localDateOf(anchor, timeZone), delayDays);
	// Rule 3 compares the instant rule 5 resolves, gap shift included. One extra day is always
	// enough: the anchor lies on the day before, so any time on the next day is after it.
	if (resolveLocalTime(date, hour, timeZone) <= anchor) date = addDays(date, 1);
	// Rule 4 comes after rule 3 because rule 3 can push a Friday onto a Saturday (delayDays 0,
	// met on Friday after `hour`); the other way round would schedule on weekends. It judges the
	// calendar date aimed at, and rule 5 runs last, once. A gap shift changes the date only where
	// clocks jump over midnight: from 2000 to 2040 that is Greenland's Saturday 23:00 (a weekend
	// either way) and three past Friday nights (Dhaka 2009, Samoa 2011, Pyongyang 2018).
	const weekday = isoWeekday(date);
	if (skipWeekends && weekday > 5) date = addDays(date, 8 - weekday);
	return new Date(resolveLocalTime(date, hour, timeZone)).toISOString();
}
