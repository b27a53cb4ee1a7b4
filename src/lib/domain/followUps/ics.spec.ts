import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { toIcs, type IcsEntry } from './ics';

const now = '2026-05-13T03:00:00Z';
const tricky = '謝謝你今天的分享, Mei; 下次見\\再聊\n第二行';
const longChinese = '跟林小姐聊到在地社群的經營方式，她推薦了好幾本書；'.repeat(6);

const thanks: IcsEntry = {
	uid: 'follow-up-1@rapport',
	summary: tricky,
	description: longChinese,
	url: 'https://rapport.example/follow-ups?id=1&kind=post_event',
	start: '2026-05-14T02:00:00.000Z'
};
const coffee: IcsEntry = {
	uid: 'follow-up-2@rapport',
	summary: 'Coffee with 陳 🙂 '.repeat(8),
	start: '2026-05-18T10:00:00+08:00',
	durationMinutes: 30,
	alarmMinutesBefore: 60
};

function parse(ics: string) {
	const calendar = new ICAL.Component(ICAL.parse(ics));
	return {
		calendar,
		events: calendar.getAllSubcomponents('vevent').map((vevent) => new ICAL.Event(vevent))
	};
}

describe('toIcs', () => {
	const ics = toIcs([thanks, coffee], now);

	it('is a calendar with the required header, CRLF line endings and no bare LF', () => {
		expect(ics.startsWith('BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Rapport//')).toBe(true);
		expect(ics).toContain('\r\nCALSCALE:GREGORIAN\r\n');
		expect(ics.endsWith('END:VCALENDAR\r\n')).toBe(true);
		expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
	});

	it('keeps every physical line within 75 octets, continuation lines opened by one space', () => {
		const lines = ics.split('\r\n').slice(0, -1);
		for (const line of lines) {
			expect(new TextEncoder().encode(line).length).toBeLessThanOrEqual(75);
			expect(line.isWellFormed()).toBe(true);
		}
		expect(lines.filter((line) => line.startsWith(' ')).length).toBeGreaterThan(4);
		// Unfolding removes exactly the CRLF and the one space, which gives back the whole line.
		expect(ics.replace(/\r\n /g, '')).toContain(`\r\nSUMMARY:${coffee.summary}\r\n`);
	});

	it('round-trips text with Chinese, commas, semicolons, backslashes and newlines', () => {
		const [first, second] = parse(ics).events;
		expect(first?.summary).toBe(tricky);
		expect(first?.description).toBe(longChinese);
		expect(second?.summary).toBe(coffee.summary);
		expect(ics).toContain('SUMMARY:謝謝你今天的分享\\, Mei\\; 下次見\\\\再聊\\n第二行');
	});

	it('writes UTC times, the end from the duration, UID, DTSTAMP and URL', () => {
		const [first, second] = parse(ics).events;
		expect(first?.uid).toBe('follow-up-1@rapport');
		expect(first?.startDate.toJSDate().toISOString()).toBe('2026-05-14T02:00:00.000Z');
		expect(first?.endDate.toJSDate().toISOString()).toBe('2026-05-14T02:15:00.000Z');
		expect(second?.startDate.toJSDate().toISOString()).toBe('2026-05-18T02:00:00.000Z');
		expect(second?.endDate.toJSDate().toISOString()).toBe('2026-05-18T02:30:00.000Z');
		expect(ics).toContain('DTSTART:20260514T020000Z\r\n');
		expect(ics).toContain('DTSTAMP:20260513T030000Z\r\n');
		expect(first?.component.getFirstPropertyValue('url')).toBe(thanks.url);
	});

	it('gives each event a display alarm, 15 minutes before unless told otherwise', () => {
		const [first, second] = parse(ics).events.map((event) =>
			event.component.getFirstSubcomponent('valarm')
		);
		expect(first?.getFirstPropertyValue('action')).toBe('DISPLAY');
		expect(first?.getFirstPropertyValue('description')).toBe(tricky);
		const triggers = [first, second].map((alarm) => alarm?.getFirstPropertyValue('trigger'));
		expect(triggers.map((t) => (t instanceof ICAL.Duration ? t.toSeconds() : t))).toEqual([
			-15 * 60,
			-60 * 60
		]);
		expect(toIcs([{ ...coffee, alarmMinutesBefore: 0 }], now)).toContain('TRIGGER:-PT0M\r\n');
	});

	it('drops control characters that TEXT may not carry', () => {
		const [event] = parse(toIcs([{ ...coffee, summary: 'a\u0007b\tc' }], now)).events;
		expect(event?.summary).toBe('ab\tc');
	});

	it('refuses what it cannot write', () => {
		expect(() => toIcs([], now)).toThrow('at least one');
		expect(() => toIcs([thanks], 'later')).toThrow('now');
		expect(() => toIcs([{ ...coffee, start: '2026-05-18' }], now)).toThrow('start');
		expect(() => toIcs([{ ...coffee, uid: ' ' }], now)).toThrow('uid');
		expect(() => toIcs([{ ...coffee, url: 'https://x.example/a b' }], now)).toThrow('url');
		expect(() => toIcs([{ ...coffee, durationMinutes: 0 }], now)).toThrow('durationMinutes');
	});
});
