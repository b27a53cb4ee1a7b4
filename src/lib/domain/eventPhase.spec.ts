import { describe, expect, it } from 'vitest';
import { anEvent, at } from '$lib/testing/factories';
import { currentEventOf, eventPhase, isEventOver, splitEvents } from './eventPhase';

// The factory's event runs 2026-11-20 11:00–13:30 UTC (19:00–21:30 in Taipei).
const meetup = anEvent({ name: 'meetup' });

describe('eventPhase', () => {
	it('is upcoming before the start, ongoing until the end, and past from the end on', () => {
		expect(eventPhase(meetup, new Date(at('2026-11-20T10:59:59Z')))).toBe('upcoming');
		expect(eventPhase(meetup, new Date(at('2026-11-20T11:00:00Z')))).toBe('ongoing');
		expect(eventPhase(meetup, new Date(at('2026-11-20T13:29:59Z')))).toBe('ongoing');
		expect(eventPhase(meetup, new Date(at('2026-11-20T13:30:00Z')))).toBe('past');
		expect(eventPhase(meetup, new Date(at('2026-11-27T12:00:00Z')))).toBe('past');
	});

	it('treats an end that is not a date as over, not as on forever', () => {
		expect(isEventOver({ endsAt: 'soon' }, new Date(at('2026-11-20T12:00:00Z')))).toBe(true);
	});
});

describe('currentEventOf', () => {
	const events = [meetup, anEvent({ name: 'later' })];

	it('is the chosen event until it ends', () => {
		expect(currentEventOf(meetup.id, events, new Date(at('2026-11-20T09:00:00Z')))).toBe(meetup);
		expect(currentEventOf(meetup.id, events, new Date(at('2026-11-20T13:00:00Z')))).toBe(meetup);
	});

	it('stops by itself once the event is over', () => {
		expect(currentEventOf(meetup.id, events, new Date(at('2026-11-20T13:30:00Z')))).toBeNull();
		expect(currentEventOf(meetup.id, events, new Date(at('2026-11-27T09:00:00Z')))).toBeNull();
	});

	it('is none when nothing is chosen or the chosen event is gone', () => {
		const now = new Date(at('2026-11-20T12:00:00Z'));
		expect(currentEventOf(undefined, events, now)).toBeNull();
		expect(currentEventOf('00000000-0000-4000-8000-fffffffffff0', events, now)).toBeNull();
	});
});

describe('splitEvents', () => {
	it('lists ongoing and upcoming events soonest first, and past ones latest first', () => {
		const now = new Date(at('2026-11-20T12:00:00Z'));
		const lastWeek = anEvent({
			name: 'last week',
			startsAt: at('2026-11-13T11:00:00Z'),
			endsAt: at('2026-11-13T13:00:00Z')
		});
		const yesterday = anEvent({
			name: 'yesterday',
			startsAt: at('2026-11-19T11:00:00Z'),
			endsAt: at('2026-11-19T13:00:00Z')
		});
		const nextWeek = anEvent({
			name: 'next week',
			startsAt: at('2026-11-27T11:00:00Z'),
			endsAt: at('2026-11-27T13:00:00Z')
		});
		const tomorrow = anEvent({
			name: 'tomorrow',
			startsAt: at('2026-11-21T11:00:00Z'),
			endsAt: at('2026-11-21T13:00:00Z')
		});
		const { upcoming, past } = splitEvents([lastWeek, nextWeek, meetup, yesterday, tomorrow], now);
		expect(upcoming.map((e) => e.name)).toEqual(['meetup', 'tomorrow', 'next week']);
		expect(past.map((e) => e.name)).toEqual(['yesterday', 'last week']);
	});
});
