import type { Connection, EventRecord, FollowUp } from '../records';

// The people as a CSV for spreadsheets and CRMs (columns documented in the README). UTF-8 with a
// byte order mark, because Excel on Windows reads a file without one as the local code page and
// turns Chinese into mojibake; RFC 4180 quoting; CRLF rows.

export const CSV_COLUMNS = [
	'Name',
	'Second name',
	'Title',
	'Company',
	'E-mails',
	'Phones',
	'LINE',
	'URLs',
	'Event',
	'Met on',
	'Tags',
	'Tier',
	'Last contacted',
	'Next follow-up'
] as const;
export const CSV_NOTE_COLUMN = 'Note';

/** Several values in one cell (two e-mails, three tags) are joined with this. */
export const CSV_LIST_SEPARATOR = '; ';

/**
 * A spreadsheet runs a cell that starts with = + - or @ (or a tab or carriage return, which
 * some strip before looking) as a formula: a scanned card could carry `=HYPERLINK(…)`. A leading
 * apostrophe makes it text, as OWASP recommends.
 */
export function neutraliseFormula(value: string): string {
	return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

export function csvCell(value: string): string {
	const safe = neutraliseFormula(value);
	return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** YYYY-MM-DD of an instant in `timeZone`: what a spreadsheet sorts and reads as a date. */
export function localDate(iso: string, timeZone: string): string {
	const parts = new Intl.DateTimeFormat('en-CA', {
		timeZone,
		year: 'numeric',
		month: '2-digit',
		day: '2-digit'
	}).formatToParts(new Date(iso));
	const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
	return `${part('year')}-${part('month')}-${part('day')}`;
}

function nextFollowUp(followUps: FollowUp[]): string | undefined {
	let next: string | undefined;
	for (const followUp of followUps) {
		if (followUp.status === 'done' || followUp.status === 'skipped') continue;
		const at =
			followUp.status === 'snoozed' ? (followUp.snoozedUntil ?? followUp.dueAt) : followUp.dueAt;
		if (next === undefined || Date.parse(at) < Date.parse(next)) next = at;
	}
	return next;
}

export interface CsvInput {
	connections: Connection[];
	events: EventRecord[];
	followUps: FollowUp[];
	timeZone: string;
	/** The private note goes in a last column only when the person asked for it. */
	includeNotes: boolean;
}

export function peopleCsv({
	connections,
	events,
	followUps,
	timeZone,
	includeNotes
}: CsvInput): string {
	const eventNames = new Map(events.map((event) => [event.id, event.name]));
	const byConnection = new Map<string, FollowUp[]>();
	for (const followUp of followUps) {
		const list = byConnection.get(followUp.connectionId) ?? [];
		list.push(followUp);
		byConnection.set(followUp.connectionId, list);
	}
	const header = includeNotes ? [...CSV_COLUMNS, CSV_NOTE_COLUMN] : [...CSV_COLUMNS];
	const rows = [header.map(csvCell).join(',')];
	for (const connection of connections) {
		const { card } = connection;
		const values = (kinds: string[]) =>
			card.channels
				.filter((channel) => kinds.includes(channel.kind))
				.map((channel) => channel.value)
				.join(CSV_LIST_SEPARATOR);
		const next = nextFollowUp(byConnection.get(connection.id) ?? []);
		const row = [
			card.name,
			card.altName ?? '',
			card.title ?? '',
			card.company ?? '',
			values(['email']),
			values(['phone']),
			values(['line']),
			values(['linkedin', 'instagram', 'facebook', 'x', 'website']),
			(connection.eventId && eventNames.get(connection.eventId)) || '',
			localDate(connection.metAt, timeZone),
			connection.tags.join(CSV_LIST_SEPARATOR),
			connection.tier,
			connection.lastContactedAt ? localDate(connection.lastContactedAt, timeZone) : '',
			next ? localDate(next, timeZone) : ''
		];
		if (includeNotes) row.push(connection.note ?? '');
		rows.push(row.map(csvCell).join(','));
	}
	return '\uFEFF' + rows.join('\r\n') + '\r\n';
}
