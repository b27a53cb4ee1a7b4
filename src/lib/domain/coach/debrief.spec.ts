import { describe, expect, it } from 'vitest';
import { anEvent } from '$lib/testing/factories';
import { debriefWindow, dueDebrief, isDebriefDue } from './debrief';

// The factory's event: 19:00–21:30 on 20 November in Taipei (11:00–13:30 UTC).
const taipei = (local: string) => new Date(`${local}+08:00`);

describe('when the debrief is due', () => {
	it('waits for 06:00 the next morning on the venue’s clock', () => {
		const event = anEvent();
		expect(isDebriefDue(event, taipei('2026-11-20T22:00:00'))).toBe(false);
		expect(isDebriefDue(event, taipei('2026-11-21T05:59:00'))).toBe(false);
		expect(isDebriefDue(event, taipei('2026-11-21T06:00:00'))).toBe(true);
		expect(isDebriefDue(event, taipei('2026-11-21T09:30:00'))).toBe(true);
	});

	it('reads the morning on the venue’s clock, whatever zone the phone is in', () => {
		const event = anEvent({
			startsAt: '2026-11-20T18:00:00-05:00',
			endsAt: '2026-11-20T20:00:00-05:00',
			timeZone: 'America/New_York'
		});
		// 06:00 on the 21st in New York is 19:00 that day in Taipei.
		expect(isDebriefDue(event, taipei('2026-11-21T18:59:00'))).toBe(false);
		expect(isDebriefDue(event, taipei('2026-11-21T19:00:00'))).toBe(true);
	});

	it('stops asking a few days later, when the evening is no longer fresh', () => {
		const event = anEvent();
		expect(isDebriefDue(event, taipei('2026-11-24T23:00:00'))).toBe(true);
		expect(isDebriefDue(event, taipei('2026-11-25T06:00:00'))).toBe(false);
	});

	it('is not asked again once answered or skipped, nor for a deleted event', () => {
		const morning = taipei('2026-11-21T08:00:00');
		const answered = { at: '2026-11-21T00:00:00Z', word: 'good' as const };
		expect(isDebriefDue(anEvent({ coach: { debrief: answered } }), morning)).toBe(false);
		const skipped = { at: '2026-11-21T00:00:00Z', skipped: true };
		expect(isDebriefDue(anEvent({ coach: { debrief: skipped } }), morning)).toBe(false);
		expect(isDebriefDue(anEvent({ deletedAt: '2026-11-20T14:00:00Z' }), morning)).toBe(false);
	});

	it('keeps a goal from making the debrief any different', () => {
		const event = anEvent({ coach: { goal: { kind: 'stay-30' } } });
		expect(isDebriefDue(event, taipei('2026-11-21T08:00:00'))).toBe(true);
	});

	it('asks about one event at a time: the one that ended last', () => {
		const earlier = anEvent({ name: 'lunch talk', endsAt: '2026-11-20T05:00:00Z' });
		const later = anEvent({ name: 'evening meetup' });
		expect(dueDebrief([earlier, later], taipei('2026-11-21T08:00:00'))?.name).toBe(
			'evening meetup'
		);
		expect(dueDebrief([], taipei('2026-11-21T08:00:00'))).toBeNull();
	});

	it('has no window for an event whose hours cannot be read', () => {
		expect(debriefWindow({ endsAt: 'not a date', timeZone: 'Asia/Taipei' })).toBeNull();
		expect(debriefWindow({ endsAt: '2026-11-20T13:30:00Z', timeZone: 'Mars/Olympus' })).toBeNull();
	});
});
