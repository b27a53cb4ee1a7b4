import { isEventOver } from '../eventPhase';
import type { DebriefWord } from './kinds';
import type { EventRecord } from '../records';

// The quiet list of past events: how many, how many people, and what the person said about each.
// Counts of what happened, never of what did not: no goals missed, no streaks, no score.

export interface PastEventEntry {
	id: string;
	name: string;
	endsAt: string;
	people: number;
	word?: DebriefWord;
	good?: string;
}

export interface PastEventsSummary {
	events: number;
	people: number;
	/** The most recent first. */
	entries: PastEventEntry[];
}

export function pastEventsSummary(
	events: readonly EventRecord[],
	connections: readonly { eventId?: string; deletedAt?: string }[],
	now: Date
): PastEventsSummary {
	const past = events
		.filter((event) => !event.deletedAt && isEventOver(event, now))
		.sort((a, b) => Date.parse(b.endsAt) - Date.parse(a.endsAt));
	const metAt = new Map<string, number>();
	for (const connection of connections) {
		if (connection.deletedAt || !connection.eventId) continue;
		metAt.set(connection.eventId, (metAt.get(connection.eventId) ?? 0) + 1);
	}
	const entries = past.map((event): PastEventEntry => {
		const debrief = event.coach?.debrief;
		return {
			id: event.id,
			name: event.name,
			endsAt: event.endsAt,
			people: metAt.get(event.id) ?? 0,
			...(debrief?.word ? { word: debrief.word } : {}),
			...(debrief?.good ? { good: debrief.good } : {})
		};
	});
	return {
		events: entries.length,
		people: entries.reduce((sum, entry) => sum + entry.people, 0),
		entries
	};
}
