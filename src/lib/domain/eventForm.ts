import { eventContexts, type EventRecord } from './records';
import { deviceTimeZone } from './timeZone';

// The event form's model: date-times are typed as wall-clock times at the venue (what a
// `datetime-local` input gives) and stored as instants, so the follow-up rule and other devices
// read the same moment.

export type EventContext = (typeof eventContexts)[number];

export interface EventDraft {
	name: string;
	topic: string;
	context: EventContext;
	/** `YYYY-MM-DDTHH:mm`, wall-clock time in `timeZone`. */
	startsLocal: string;
	endsLocal: string;
	venue: string;
	timeZone: string;
	/** True while the start and end are the form's own suggestion, not hours the person typed. */
	suggestedTimes?: boolean;
}

export const EVENT_TEXT_MAX = { name: 200, topic: 200, venue: 200 } as const;

export type EventFieldError =
	| { code: 'required' }
	| { code: 'too_long'; max: number }
	| { code: 'invalid_date' }
	| { code: 'ends_before_start' }
	| { code: 'unknown_time_zone'; zone: string };

export type EventErrors = Partial<Record<keyof EventDraft, EventFieldError>>;

export type EventResult =
	{ ok: true; event: Omit<EventRecord, 'id' | 'updatedAt'> } | { ok: false; errors: EventErrors };

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;
const HOUR_MS = 3_600_000;

export function isKnownTimeZone(timeZone: string): boolean {
	if (timeZone.trim() === '') return false;
	try {
		new Intl.DateTimeFormat('en', { timeZone });
		return true;
	} catch {
		return false;
	}
}

function wallParts(ms: number, timeZone: string): number[] {
	const parts = new Intl.DateTimeFormat('en-US', {
		timeZone,
		hourCycle: 'h23',
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		hour: '2-digit',
		minute: '2-digit',
		second: '2-digit'
	}).formatToParts(ms);
	const value = (type: string) => Number(parts.find((part) => part.type === type)?.value);
	return ['year', 'month', 'day', 'hour', 'minute', 'second'].map(value);
}

function offsetAt(ms: number, timeZone: string): number {
	const [year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0] = wallParts(ms, timeZone);
	return Date.UTC(year, month - 1, day, hour, minute, second) - ms;
}

/**
 * The instant at which the clock in `timeZone` reads `local`, as an ISO string; null for a date
 * that does not exist (2026-02-30) or a zone Intl does not know. In a clock change's overlap the
 * earlier instant is taken; in a gap, the time the clock reads the same distance past the jump.
 */
export function zonedToInstant(local: string, timeZone: string): string | null {
	const match = LOCAL.exec(local);
	if (!match || !isKnownTimeZone(timeZone)) return null;
	const [year, month, day, hour, minute, second] = match.slice(1).map((part) => Number(part ?? 0));
	const wall = Date.UTC(year!, month! - 1, day!, hour!, minute!, second!);
	const check = new Date(wall);
	if (check.getUTCMonth() !== month! - 1 || check.getUTCDate() !== day! || hour! > 23) return null;
	const before = offsetAt(wall - 24 * HOUR_MS, timeZone);
	const after = offsetAt(wall + 24 * HOUR_MS, timeZone);
	const real = [wall - before, wall - after].filter((ms) => offsetAt(ms, timeZone) === wall - ms);
	return new Date(real.length > 0 ? Math.min(...real) : wall - before).toISOString();
}

/** What a `datetime-local` input shows for `iso` in `timeZone`. */
export function instantToZoned(iso: string, timeZone: string): string {
	const [year = 0, month = 1, day = 1, hour = 0, minute = 0] = wallParts(Date.parse(iso), timeZone);
	const pad = (value: number, width = 2) => String(value).padStart(width, '0');
	return `${pad(year, 4)}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}`;
}

/** Two hours from the next full hour in `timeZone`, as the clock there reads them. */
function suggestedTimes(
	now: Date,
	timeZone: string
): Pick<EventDraft, 'startsLocal' | 'endsLocal'> {
	const [year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0] = wallParts(
		now.getTime(),
		timeZone
	);
	// The next full hour on the venue's clock, which is not a full UTC hour in a zone like +05:30.
	// A moment past the hour counts as past it: that hour has already begun.
	const past = minute || second || now.getUTCMilliseconds();
	const wall = Date.UTC(year, month - 1, day, hour, 0) + (past ? HOUR_MS : 0);
	const local = (ms: number) => new Date(ms).toISOString().slice(0, 16);
	return { startsLocal: local(wall), endsLocal: local(wall + 2 * HOUR_MS) };
}

/** A new event starts at the next full hour and lasts two hours, in the device's zone. */
export function newEventDraft(now: Date, timeZone = deviceTimeZone()): EventDraft {
	return {
		name: '',
		topic: '',
		context: 'any',
		...suggestedTimes(now, timeZone),
		venue: '',
		timeZone,
		suggestedTimes: true
	};
}

/**
 * The draft with the event in another zone. Hours the person typed are the venue's wall-clock
 * hours, so they stay as typed; hours the form suggested move to the next full hour on the new
 * zone's clock, so a new event never starts in the past there. An unknown zone (half typed, say)
 * moves nothing yet.
 */
export function withEventTimeZone(draft: EventDraft, timeZone: string, now: Date): EventDraft {
	if (!draft.suggestedTimes || !isKnownTimeZone(timeZone.trim())) return { ...draft, timeZone };
	return { ...draft, timeZone, ...suggestedTimes(now, timeZone.trim()) };
}

export function eventDraftFrom(event: EventRecord): EventDraft {
	return {
		name: event.name,
		topic: event.topic ?? '',
		context: event.context,
		startsLocal: instantToZoned(event.startsAt, event.timeZone),
		endsLocal: instantToZoned(event.endsAt, event.timeZone),
		venue: event.venue ?? '',
		timeZone: event.timeZone
	};
}

/** The event a draft stands for, or each problem as a code the UI translates. */
export function validateEventDraft(draft: EventDraft): EventResult {
	const errors: EventErrors = {};
	const text = (field: 'name' | 'topic' | 'venue') => {
		const value = draft[field].trim().replace(/\s+/g, ' ');
		if (value.length > EVENT_TEXT_MAX[field]) {
			errors[field] = { code: 'too_long', max: EVENT_TEXT_MAX[field] };
		}
		return value;
	};
	const name = text('name');
	const topic = text('topic');
	const venue = text('venue');
	if (!name) errors.name = { code: 'required' };

	const timeZone = draft.timeZone.trim();
	const zoneKnown = isKnownTimeZone(timeZone);
	if (!zoneKnown) {
		errors.timeZone = timeZone
			? { code: 'unknown_time_zone', zone: timeZone }
			: { code: 'required' };
	}
	const instant = (field: 'startsLocal' | 'endsLocal') => {
		if (!draft[field]) {
			errors[field] = { code: 'required' };
			return null;
		}
		// Without a known zone the time cannot be placed; the zone's own error says why.
		const at = zoneKnown ? zonedToInstant(draft[field], timeZone) : null;
		if (zoneKnown && at === null) errors[field] = { code: 'invalid_date' };
		return at;
	};
	const startsAt = instant('startsLocal');
	const endsAt = instant('endsLocal');
	if (startsAt && endsAt && Date.parse(endsAt) <= Date.parse(startsAt)) {
		errors.endsLocal = { code: 'ends_before_start' };
	}
	if (Object.keys(errors).length > 0 || !startsAt || !endsAt) return { ok: false, errors };
	return {
		ok: true,
		event: {
			name,
			...(topic ? { topic } : {}),
			context: eventContexts.includes(draft.context) ? draft.context : 'any',
			startsAt,
			endsAt,
			...(venue ? { venue } : {}),
			timeZone
		}
	};
}
