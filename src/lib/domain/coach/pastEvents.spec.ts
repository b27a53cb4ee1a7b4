import { describe, expect, it } from 'vitest';
import { aConnection, anEvent } from '$lib/testing/factories';
import { pastEventsSummary } from './pastEvents';

const now = new Date('2026-11-30T00:00:00Z');

describe('the past-events summary', () => {
	it('counts past events and the people met there, the most recent first', () => {
		const first = anEvent({ name: 'first', endsAt: '2026-11-10T13:00:00Z' });
		const second = anEvent({
			name: 'second',
			coach: { debrief: { at: '2026-11-21T00:00:00Z', word: 'glad', good: '問到了好問題' } }
		});
		const upcoming = anEvent({
			name: 'upcoming',
			startsAt: '2026-12-05T11:00:00Z',
			endsAt: '2026-12-05T13:00:00Z'
		});
		const people = [
			aConnection({ eventId: first.id }),
			aConnection({ eventId: second.id }),
			aConnection({ eventId: second.id }),
			aConnection({ eventId: upcoming.id }),
			aConnection({ eventId: second.id, deletedAt: '2026-11-22T00:00:00Z' }),
			aConnection()
		];
		const summary = pastEventsSummary([first, second, upcoming], people, now);
		expect(summary.events).toBe(2);
		expect(summary.people).toBe(3);
		expect(summary.entries).toEqual([
			{
				id: second.id,
				name: 'second',
				endsAt: second.endsAt,
				people: 2,
				word: 'glad',
				good: '問到了好問題'
			},
			{ id: first.id, name: 'first', endsAt: first.endsAt, people: 1 }
		]);
	});

	it('says nothing of a skipped debrief or an unmet goal', () => {
		const skipped = anEvent({
			coach: { goal: { kind: 'one-card' }, debrief: { at: '2026-11-21T00:00:00Z', skipped: true } }
		});
		const [entry] = pastEventsSummary([skipped], [], now).entries;
		expect(entry).toEqual({
			id: skipped.id,
			name: skipped.name,
			endsAt: skipped.endsAt,
			people: 0
		});
	});

	it('leaves deleted events out', () => {
		const gone = anEvent({ deletedAt: '2026-11-25T00:00:00Z' });
		expect(pastEventsSummary([gone], [aConnection({ eventId: gone.id })], now)).toEqual({
			events: 0,
			people: 0,
			entries: []
		});
	});
});
