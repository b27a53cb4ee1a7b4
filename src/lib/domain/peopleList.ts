import type { Connection } from './records';

// The people list: its order, its search and the line under each name.

export interface PersonRow {
	connection: Connection;
	/** The event they were met at, by name, also once that event is deleted. */
	eventName?: string;
}

const fold = (text: string | undefined) => (text ?? '').normalize('NFKC').toLowerCase().trim();

/** Newest meeting first; each with the name of the event it was made at. */
export function peopleRows(
	connections: Connection[],
	eventNames: ReadonlyMap<string, string>
): PersonRow[] {
	return connections
		.map((connection) => {
			const eventName = connection.eventId ? eventNames.get(connection.eventId) : undefined;
			return eventName === undefined ? { connection } : { connection, eventName };
		})
		.sort((a, b) => Date.parse(b.connection.metAt) - Date.parse(a.connection.metAt));
}

/**
 * The rows matching every word of the query in the name (either one), company, title, event name
 * or a tag; full-width and half-width letters and case count as the same.
 */
export function searchPeople(rows: PersonRow[], query: string): PersonRow[] {
	const words = fold(query)
		.split(/[\s,，、]+/)
		.filter(Boolean);
	if (words.length === 0) return rows;
	return rows.filter(({ connection: { card, tags }, eventName }) => {
		const haystack = [card.name, card.altName, card.company, card.title, eventName, ...tags]
			.map(fold)
			.join('\n');
		return words.every((word) => haystack.includes(word));
	});
}

/** "Met on 2026年11月20日 at 台北前端社群小聚", in the reader's language. */
export function metLine(
	connection: Connection,
	eventName: string | undefined,
	locale: string,
	text: {
		onAt: (input: { date: string; event: string }) => string;
		on: (input: { date: string }) => string;
	}
): string {
	const date = new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(
		new Date(connection.metAt)
	);
	return eventName ? text.onAt({ date, event: eventName }) : text.on({ date });
}
