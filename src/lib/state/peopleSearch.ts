import { LABEL_MAX, normalizeChannel, type Channel, type ChannelKind } from '$lib/domain/card';
import type { Connection } from '$lib/domain/records';

// People's pure helpers: the list order, the search, typed tags and contact details.

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

export const TAG_MAX = 50;

/** Tags typed as one line: split on commas (either width) and 、, trimmed, without repeats. */
export function parseTags(text: string): string[] {
	const tags = text
		.split(/[,，、]/)
		.map((tag) => tag.trim().slice(0, TAG_MAX))
		.filter(Boolean);
	return [...new Set(tags)];
}

export interface ChannelDraft {
	kind: ChannelKind;
	value: string;
	label: string;
}

/** Which part of a typed channel is wrong: the value for its kind, or the label's length. */
export type ChannelProblem = 'value' | 'label';

export type ChannelCheck =
	{ ok: true; channels: Channel[] } | { ok: false; problems: (ChannelProblem | null)[] };

/**
 * Checks typed channels with the card codec and returns them canonical (a phone as digits, a
 * profile as its https link). A row left completely empty is dropped rather than refused.
 */
export function checkChannels(drafts: ChannelDraft[]): ChannelCheck {
	const problems: (ChannelProblem | null)[] = [];
	const channels: Channel[] = [];
	for (const draft of drafts) {
		const value = draft.value.trim();
		const label = draft.label.trim();
		if (!value && !label) {
			problems.push(null);
			continue;
		}
		if (label.length > LABEL_MAX) {
			problems.push('label');
			continue;
		}
		const channel = normalizeChannel({ kind: draft.kind, value, ...(label ? { label } : {}) });
		// A website that is really a LinkedIn profile becomes one; any other change of kind is not
		// what the person asked for.
		if (channel === null || (channel.kind !== draft.kind && draft.kind !== 'website')) {
			problems.push('value');
			continue;
		}
		problems.push(null);
		channels.push(channel);
	}
	return problems.some(Boolean) ? { ok: false, problems } : { ok: true, channels };
}

export const toDrafts = (channels: Channel[]): ChannelDraft[] =>
	channels.map((channel) => ({
		kind: channel.kind,
		value: channel.value,
		label: channel.label ?? ''
	}));

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

/** The current instant as stored (kept out of the rune module, where a Date reads as state). */
export const nowIso = (): string => new Date().toISOString();
