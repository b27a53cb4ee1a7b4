import { foldContentLine } from '../contentLine';
import { assertIntegerIn, parseInstant } from './rule';

/** One follow-up as a calendar event. `start` is an ISO-8601 instant. */
export interface IcsEntry {
	uid: string;
	summary: string;
	description?: string;
	url?: string;
	start: string;
	durationMinutes?: number;
	alarmMinutesBefore?: number;
}

export const DEFAULT_ICS_PRODUCT_ID = '-//Rapport//Follow-ups//EN';

/** A TEXT value (RFC 5545 §3.3.11), which may not carry control characters other than tab. */
function text(value: string): string {
	return value
		.replace(/[\\;,]/g, '\\$&')
		.replace(/\r\n?|\n/g, '\\n')
		.replace(/(?!\t)\p{Cc}/gu, '');
}

function utcStamp(ms: number): string {
	return new Date(ms).toISOString().slice(0, 19).replace(/[-:]/g, '') + 'Z';
}

/**
 * An iCalendar file (RFC 5545) with one event per entry, each with a display alarm, in UTC so no
 * VTIMEZONE is needed. `now` becomes every DTSTAMP, which keeps the output reproducible.
 */
export function toIcs(
	entries: readonly IcsEntry[],
	now: string,
	productId = DEFAULT_ICS_PRODUCT_ID
): string {
	// RFC 5545 requires at least one component in a calendar.
	if (entries.length === 0) throw new Error('toIcs needs at least one entry');
	const stamp = utcStamp(parseInstant(now, 'toIcs: now'));
	const lines = [
		'BEGIN:VCALENDAR',
		'VERSION:2.0',
		`PRODID:${text(productId)}`,
		'CALSCALE:GREGORIAN'
	];
	for (const entry of entries) {
		const { durationMinutes = 15, alarmMinutesBefore = 15 } = entry;
		const label = `toIcs: entry ${JSON.stringify(entry.uid)}`;
		if (!entry.uid.trim()) throw new Error('toIcs: every entry needs a uid');
		assertIntegerIn(durationMinutes, 1, 24 * 60, `${label}: durationMinutes`);
		assertIntegerIn(alarmMinutesBefore, 0, 7 * 24 * 60, `${label}: alarmMinutesBefore`);
		if (entry.url !== undefined && /[\s\p{Cc}]/u.test(entry.url)) {
			throw new Error(`${label}: url must not contain spaces or control characters`);
		}
		const start = parseInstant(entry.start, `${label}: start`);
		lines.push(
			'BEGIN:VEVENT',
			`UID:${text(entry.uid)}`,
			`DTSTAMP:${stamp}`,
			`DTSTART:${utcStamp(start)}`,
			`DTEND:${utcStamp(start + durationMinutes * 60_000)}`,
			`SUMMARY:${text(entry.summary)}`,
			...(entry.description === undefined ? [] : [`DESCRIPTION:${text(entry.description)}`]),
			...(entry.url === undefined ? [] : [`URL:${entry.url}`]),
			'BEGIN:VALARM',
			'ACTION:DISPLAY',
			`TRIGGER:-PT${alarmMinutesBefore}M`,
			`DESCRIPTION:${text(entry.summary)}`,
			'END:VALARM',
			'END:VEVENT'
		);
	}
	lines.push('END:VCALENDAR');
	return lines.map(foldContentLine).join('\r\n') + '\r\n';
}
