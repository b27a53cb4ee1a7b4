import { addDays, localDateOf, resolveLocalTime } from '../followUps/rule';
import { isEventOver } from '../eventPhase';
import type { EventRecord } from '../records';

// When the debrief asks about an event. Not the moment it ends: replaying a conversation straight
// after is where post-event rumination starts (Clark & Wells), so the questions wait for the next
// morning, and stop asking after a few days, when the evening is no longer fresh.

/** The hour, on the venue's clock, the morning after an event when its debrief is offered. */
export const DEBRIEF_HOUR = 6;
/** Days after the event's last day during which the debrief is still offered. */
export const DEBRIEF_DAYS = 4;

type Debriefable = Pick<EventRecord, 'id' | 'endsAt' | 'timeZone' | 'coach' | 'deletedAt'>;

/** The window in which an event's debrief is offered, or null when its hours cannot be read. */
export function debriefWindow(event: Pick<EventRecord, 'endsAt' | 'timeZone'>) {
	const end = Date.parse(event.endsAt);
	if (Number.isNaN(end)) return null;
	try {
		const lastDay = localDateOf(end, event.timeZone);
		return {
			from: resolveLocalTime(addDays(lastDay, 1), DEBRIEF_HOUR, event.timeZone),
			until: resolveLocalTime(addDays(lastDay, 1 + DEBRIEF_DAYS), DEBRIEF_HOUR, event.timeZone)
		};
	} catch {
		return null;
	}
}

/** Whether this event's debrief is waiting: over, the morning after has come, nothing said yet. */
export function isDebriefDue(event: Debriefable, now: Date): boolean {
	if (event.deletedAt || event.coach?.debrief || !isEventOver(event, now)) return false;
	const window = debriefWindow(event);
	return window !== null && now.getTime() >= window.from && now.getTime() < window.until;
}

/** The one debrief to offer now: the event that ended most recently, so only one is ever asked. */
export function dueDebrief<T extends Debriefable>(events: readonly T[], now: Date): T | null {
	const due = events.filter((event) => isDebriefDue(event, now));
	due.sort((a, b) => Date.parse(b.endsAt) - Date.parse(a.endsAt));
	return due[0] ?? null;
}
