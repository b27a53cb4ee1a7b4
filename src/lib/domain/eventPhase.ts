import type { EventRecord } from './records';

// When an event is on. Kept apart from the record schemas so the shell (home) can tell a
// finished event without loading them.

export type EventPhase = 'upcoming' | 'ongoing' | 'past';

type Timed = Pick<EventRecord, 'startsAt' | 'endsAt'>;

/** An event is over from its end on; a damaged end counts as over rather than "on forever". */
export function isEventOver(event: Pick<EventRecord, 'endsAt'>, now: Date): boolean {
	const end = Date.parse(event.endsAt);
	return Number.isNaN(end) || end <= now.getTime();
}

export function eventPhase(event: Timed, now: Date): EventPhase {
	if (isEventOver(event, now)) return 'past';
	return Date.parse(event.startsAt) <= now.getTime() ? 'ongoing' : 'upcoming';
}

/** The date on the venue's clock, YYYY-MM-DD; null for a zone this runtime does not know. */
function venueDate(ms: number, timeZone: string): string | null {
	try {
		return new Intl.DateTimeFormat('en-CA', {
			timeZone,
			year: 'numeric',
			month: '2-digit',
			day: '2-digit'
		}).format(ms);
	} catch {
		return null;
	}
}

/**
 * On the event's day: it is on now, or it starts later today on the venue's clock. Here, not with
 * the follow-up rule, so the shell can ask it without loading the rule's schemas.
 */
export function isEventDay(
	event: Pick<EventRecord, 'startsAt' | 'endsAt' | 'timeZone'>,
	now: Date
): boolean {
	const phase = eventPhase(event, now);
	if (phase !== 'upcoming') return phase === 'ongoing';
	const today = venueDate(now.getTime(), event.timeZone);
	return today !== null && today === venueDate(Date.parse(event.startsAt), event.timeZone);
}

/**
 * The chosen event while it can still be current: an event stops being current by itself once it
 * is over, so people met a week later are not filed under it and home stops saying "at …".
 */
export function currentEventOf<T extends Pick<EventRecord, 'id' | 'endsAt'>>(
	chosenId: string | undefined,
	events: readonly T[],
	now: Date
): T | null {
	const chosen = chosenId === undefined ? undefined : events.find((e) => e.id === chosenId);
	return chosen && !isEventOver(chosen, now) ? chosen : null;
}

export interface SplitEvents<T> {
	/** Ongoing and upcoming, the one happening or about to happen first. */
	upcoming: T[];
	/** Over, the most recent first. */
	past: T[];
}

export function splitEvents<T extends Timed>(events: readonly T[], now: Date): SplitEvents<T> {
	const upcoming: T[] = [];
	const past: T[] = [];
	for (const event of events) (isEventOver(event, now) ? past : upcoming).push(event);
	upcoming.sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt));
	past.sort((a, b) => Date.parse(b.endsAt) - Date.parse(a.endsAt));
	return { upcoming, past };
}
