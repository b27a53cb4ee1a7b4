import { describe, expect, it } from 'vitest';
import {
	eventDraftFrom,
	instantToZoned,
	isKnownTimeZone,
	newEventDraft,
	validateEventDraft,
	withEventTimeZone,
	zonedToInstant,
	type EventDraft
} from './eventForm';
import { anEvent } from '$lib/testing/factories';

const draft = (overrides: Partial<EventDraft> = {}): EventDraft => ({
	name: '台北前端社群小聚',
	topic: '',
	context: 'meetup',
	startsLocal: '2026-11-20T19:00',
	endsLocal: '2026-11-20T21:30',
	venue: '',
	timeZone: 'Asia/Taipei',
	...overrides
});

describe('event times', () => {
	it('reads the wall clock at the venue', () => {
		expect(zonedToInstant('2026-11-20T19:00', 'Asia/Taipei')).toBe('2026-11-20T11:00:00.000Z');
		expect(instantToZoned('2026-11-20T11:00:00.000Z', 'Asia/Taipei')).toBe('2026-11-20T19:00');
	});

	it('handles clock changes: a gap moves on, an overlap takes the earlier time', () => {
		// Berlin, 29 March 2026: 02:00 jumps to 03:00; 25 October: 03:00 goes back to 02:00.
		expect(zonedToInstant('2026-03-29T02:30', 'Europe/Berlin')).toBe('2026-03-29T01:30:00.000Z');
		expect(zonedToInstant('2026-10-25T02:30', 'Europe/Berlin')).toBe('2026-10-25T00:30:00.000Z');
	});

	it('refuses dates that do not exist and zones Intl does not know', () => {
		expect(zonedToInstant('2026-02-30T19:00', 'Asia/Taipei')).toBeNull();
		expect(zonedToInstant('2026-11-20T19:00', 'Asia/Taipeh')).toBeNull();
		expect(isKnownTimeZone('Asia/Taipei')).toBe(true);
		expect(isKnownTimeZone('Mars/Olympus')).toBe(false);
	});

	it('starts a new event at the next full hour, for two hours, in the given zone', () => {
		const fresh = newEventDraft(new Date('2026-11-20T10:20:00Z'), 'Asia/Taipei');
		expect(fresh).toMatchObject({
			startsLocal: '2026-11-20T19:00',
			endsLocal: '2026-11-20T21:00',
			timeZone: 'Asia/Taipei'
		});
	});
});

describe('the event’s time zone', () => {
	// A phone set to UTC at 10:20 UTC, which is 18:20 in Taipei.
	const now = new Date('2026-11-20T10:20:00Z');
	const startsAt = (draft: EventDraft) => {
		const result = validateEventDraft({ ...draft, name: '台北前端社群小聚' });
		return result.ok ? Date.parse(result.event.startsAt) : NaN;
	};

	it('moves a new event’s suggested hours to the next full hour on the new zone’s clock', () => {
		const fresh = newEventDraft(now, 'UTC');
		expect(fresh).toMatchObject({ startsLocal: '2026-11-20T11:00', suggestedTimes: true });
		const taipei = withEventTimeZone(fresh, 'Asia/Taipei', now);
		expect(taipei).toMatchObject({
			timeZone: 'Asia/Taipei',
			startsLocal: '2026-11-20T19:00',
			endsLocal: '2026-11-20T21:00',
			suggestedTimes: true
		});
		expect(startsAt(taipei)).toBeGreaterThan(now.getTime());
	});

	it('suggests the next hour, not this one, a moment after the hour', () => {
		const justPast = new Date('2026-11-20T10:00:00.250Z');
		expect(newEventDraft(justPast, 'Asia/Taipei').startsLocal).toBe('2026-11-20T19:00');
		expect(startsAt(newEventDraft(justPast, 'Asia/Taipei'))).toBeGreaterThan(justPast.getTime());
		expect(newEventDraft(new Date('2026-11-20T10:00:00Z'), 'UTC').startsLocal).toBe(
			'2026-11-20T10:00'
		);
	});

	it('suggests a full hour on the clock in a zone half an hour off UTC', () => {
		expect(newEventDraft(now, 'Asia/Kolkata')).toMatchObject({
			startsLocal: '2026-11-20T16:00',
			endsLocal: '2026-11-20T18:00'
		});
		expect(newEventDraft(new Date('2026-11-20T10:30:00Z'), 'Asia/Kolkata').startsLocal).toBe(
			'2026-11-20T16:00'
		);
	});

	it('keeps the hours the person typed, read on the new zone’s clock', () => {
		const typed: EventDraft = {
			...newEventDraft(now, 'UTC'),
			startsLocal: '2026-11-21T19:00',
			endsLocal: '2026-11-21T21:00',
			suggestedTimes: false
		};
		const taipei = withEventTimeZone(typed, 'Asia/Taipei', now);
		expect(taipei).toMatchObject({
			timeZone: 'Asia/Taipei',
			startsLocal: '2026-11-21T19:00',
			endsLocal: '2026-11-21T21:00'
		});
		expect(new Date(startsAt(taipei)).toISOString()).toBe('2026-11-21T11:00:00.000Z');
	});

	it('keeps a saved event’s hours when its zone changes', () => {
		const saved = eventDraftFrom(anEvent({ timeZone: 'Asia/Taipei' }));
		const tokyo = withEventTimeZone(saved, 'Asia/Tokyo', now);
		expect([tokyo.startsLocal, tokyo.endsLocal]).toEqual([saved.startsLocal, saved.endsLocal]);
	});

	it('moves nothing while the zone is still being typed', () => {
		const fresh = newEventDraft(now, 'UTC');
		const half = withEventTimeZone(fresh, 'Asia/Tai', now);
		expect(half).toEqual({ ...fresh, timeZone: 'Asia/Tai' });
		expect(withEventTimeZone(half, 'Asia/Taipei', now).startsLocal).toBe('2026-11-20T19:00');
	});
});

describe('event validation', () => {
	it('turns a valid draft into an event', () => {
		expect(validateEventDraft(draft({ venue: '  台北市 信義區  ', topic: '前端效能' }))).toEqual({
			ok: true,
			event: {
				name: '台北前端社群小聚',
				topic: '前端效能',
				context: 'meetup',
				startsAt: '2026-11-20T11:00:00.000Z',
				endsAt: '2026-11-20T13:30:00.000Z',
				venue: '台北市 信義區',
				timeZone: 'Asia/Taipei'
			}
		});
	});

	it('names each problem', () => {
		expect(validateEventDraft(draft({ name: ' ', endsLocal: '2026-11-20T18:00' }))).toEqual({
			ok: false,
			errors: { name: { code: 'required' }, endsLocal: { code: 'ends_before_start' } }
		});
		expect(validateEventDraft(draft({ timeZone: 'Taipei' }))).toEqual({
			ok: false,
			errors: { timeZone: { code: 'unknown_time_zone', zone: 'Taipei' } }
		});
		expect(validateEventDraft(draft({ startsLocal: '' }))).toEqual({
			ok: false,
			errors: { startsLocal: { code: 'required' } }
		});
	});

	it('edits an event as it was saved', () => {
		const event = anEvent({ venue: '集思台大會議中心', topic: 'AI' });
		const result = validateEventDraft(eventDraftFrom(event));
		expect(result).toEqual({
			ok: true,
			event: {
				name: event.name,
				topic: 'AI',
				context: event.context,
				startsAt: new Date(event.startsAt).toISOString(),
				endsAt: new Date(event.endsAt).toISOString(),
				venue: '集思台大會議中心',
				timeZone: event.timeZone
			}
		});
	});
});
