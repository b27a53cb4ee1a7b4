import { describe, expect, it } from 'vitest';
import {
	groupQueue,
	keepInTouchTierSchema,
	nextKeepInTouchDueAt,
	pickWeeklyReconnects,
	reconnectEvents,
	snoozeUntil,
	tierCadenceDays,
	weekProgress,
	type QueueFollowUp,
	type ReconnectCandidate,
	type ReconnectFollowUp
} from '$lib/domain/followUps';

const TAIPEI = 'Asia/Taipei';
// Wednesday 13 May 2026, 11:00 in Taipei; Tuesday 12 May, 20:00 in Los Angeles.
const wednesday = new Date('2026-05-13T03:00:00Z');

function followUp(
	id: string,
	dueAt: string,
	extra: Partial<QueueFollowUp> = {}
): QueueFollowUp & { connectionId: string } {
	return {
		id,
		connectionId: `c-${id}`,
		dueAt,
		status: 'pending',
		updatedAt: '2026-05-01T00:00:00Z',
		...extra
	};
}

describe('groupQueue', () => {
	const items = [
		followUp('b', '2026-05-12T02:00:00Z'), // Tue 10:00
		followUp('a', '2026-05-10T02:00:00Z'), // Sun 10:00
		followUp('d', '2026-05-13T08:00:00Z'), // Wed 16:00, later today
		followUp('c', '2026-05-12T16:30:00Z'), // Wed 00:30
		followUp('f', '2026-05-17T15:59:00Z'), // Sun 23:59
		followUp('e', '2026-05-13T16:00:00Z'), // Thu 00:00
		followUp('g', '2026-05-17T16:00:00Z'), // next Mon 00:00
		followUp('h', '2026-05-13T02:00:00Z', {
			status: 'snoozed',
			snoozedUntil: '2026-05-14T02:00:00Z'
		}),
		followUp('i', '2026-05-01T02:00:00Z', {
			status: 'snoozed',
			snoozedUntil: '2026-05-12T02:00:00Z' // snooze ran out on Tuesday
		}),
		followUp('j', '2026-05-20T02:00:00Z', { status: 'snoozed' }),
		followUp('k', '2026-05-11T02:00:00Z', { status: 'done', doneAt: '2026-05-12T09:00:00Z' }),
		followUp('l', '2026-05-11T02:00:00Z', {
			status: 'skipped',
			updatedAt: '2026-05-13T01:00:00Z'
		}),
		followUp('m', '2026-04-30T02:00:00Z', { status: 'done', doneAt: '2026-05-01T09:00:00Z' })
	];
	const ids = (section: { items: QueueFollowUp[] }) => section.items.map((item) => item.id);

	it('sorts into the seven sections in order, each sorted, with counts', () => {
		const { sections, counts, dueCount } = groupQueue(items, wednesday, TAIPEI);
		expect(sections.map((s) => [s.key, ids(s)])).toEqual([
			['overdue', ['a', 'b', 'i']],
			['today', ['c', 'd']],
			['thisWeek', ['e', 'f']],
			['later', ['g']],
			['snoozed', ['h', 'j']],
			['done', ['k', 'm']],
			['skipped', ['l']]
		]);
		expect(counts).toEqual({
			overdue: 3,
			today: 2,
			thisWeek: 2,
			later: 1,
			snoozed: 2,
			done: 2,
			skipped: 1
		});
		expect(dueCount).toBe(4);
	});

	it('draws the day and week lines in the user’s zone', () => {
		const { sections } = groupQueue(items, wednesday, 'America/Los_Angeles');
		expect(sections.map((s) => [s.key, ids(s)])).toEqual([
			['overdue', ['a', 'b', 'i']],
			['today', ['c']],
			['thisWeek', ['d', 'e', 'f', 'g']],
			['later', []],
			['snoozed', ['h', 'j']],
			['done', ['k', 'm']],
			['skipped', ['l']]
		]);
	});

	it('has no "this week" left on a Sunday: the week starts on Monday', () => {
		const sunday = new Date('2026-05-17T04:00:00Z');
		const { counts } = groupQueue(
			[followUp('mon', '2026-05-18T02:00:00Z'), followUp('sun', '2026-05-17T08:00:00Z')],
			sunday,
			TAIPEI
		);
		expect(counts).toMatchObject({ today: 1, thisWeek: 0, later: 1 });
	});

	it('starts a day that skips midnight at its first real instant', () => {
		// Santiago, Sunday 6 Sep 2026: 00:00 −04 never happens, the day starts at 01:00 −03.
		const { counts } = groupQueue(
			[followUp('sat', '2026-09-06T03:59:00Z'), followUp('sun', '2026-09-06T04:00:00Z')],
			new Date('2026-09-06T15:00:00Z'),
			'America/Santiago'
		);
		expect(counts).toMatchObject({ overdue: 1, today: 1 });
	});

	it('orders equal times by id, and refuses bad input', () => {
		const same = [followUp('z', '2026-05-14T02:00:00Z'), followUp('y', '2026-05-14T02:00:00Z')];
		expect(ids(groupQueue(same, wednesday, TAIPEI).sections[2] ?? { items: [] })).toEqual([
			'y',
			'z'
		]);
		expect(() => groupQueue(same, wednesday, 'Nowhere/City')).toThrow('"Nowhere/City"');
		expect(() => groupQueue([followUp('x', 'never')], wednesday, TAIPEI)).toThrow('"never"');
	});
});

describe('snoozeUntil', () => {
	it('offers tomorrow, in 3 days, next Monday and a picked date, at the given hour', () => {
		expect(snoozeUntil('tomorrow', wednesday, TAIPEI)).toBe('2026-05-14T02:00:00.000Z');
		expect(snoozeUntil('in3days', wednesday, TAIPEI)).toBe('2026-05-16T02:00:00.000Z');
		expect(snoozeUntil('nextWeek', wednesday, TAIPEI)).toBe('2026-05-18T02:00:00.000Z');
		expect(snoozeUntil({ date: '2026-06-01' }, wednesday, TAIPEI, 9)).toBe(
			'2026-06-01T01:00:00.000Z'
		);
		expect(snoozeUntil({ date: '2026-05-13' }, wednesday, TAIPEI, 18)).toBe(
			'2026-05-13T10:00:00.000Z'
		);
	});

	it('takes "next week" from a Sunday to the next day, and crosses the year', () => {
		expect(snoozeUntil('nextWeek', new Date('2026-05-17T04:00:00Z'), TAIPEI)).toBe(
			'2026-05-18T02:00:00.000Z'
		);
		expect(snoozeUntil('tomorrow', new Date('2026-12-31T12:00:00Z'), TAIPEI)).toBe(
			'2027-01-01T02:00:00.000Z'
		);
	});

	it('resolves a skipped hour like the rule does', () => {
		const saturday = new Date('2026-03-07T20:00:00Z');
		expect(snoozeUntil('tomorrow', saturday, 'America/New_York', 2)).toBe(
			'2026-03-08T07:00:00.000Z'
		);
	});

	it('refuses dates in the past and dates that do not exist', () => {
		expect(() => snoozeUntil({ date: '2026-05-13' }, wednesday, TAIPEI, 9)).toThrow('not after');
		expect(() => snoozeUntil({ date: '2026-02-30' }, wednesday, TAIPEI)).toThrow('2026-02-30');
		expect(() => snoozeUntil({ date: '13/05/2026' }, wednesday, TAIPEI)).toThrow('13/05/2026');
		expect(() => snoozeUntil('tomorrow', wednesday, TAIPEI, 24)).toThrow('hour');
	});
});

describe('keep-in-touch tiers', () => {
	it('has a cadence per tier, and none for "none"', () => {
		expect(tierCadenceDays).toEqual({ close: 30, regular: 90, light: 180, none: null });
		expect(keepInTouchTierSchema.safeParse('close').success).toBe(true);
		expect(keepInTouchTierSchema.safeParse('best-friend').success).toBe(false);
	});

	it('schedules the next one a cadence after the last contact, at the hour, on a weekday', () => {
		const last = '2026-05-12T11:30:00Z'; // Tuesday evening in Taipei
		const settings = { timeZone: TAIPEI };
		expect(nextKeepInTouchDueAt(last, 'close', settings)).toBe('2026-06-11T02:00:00.000Z');
		expect(nextKeepInTouchDueAt(last, 'regular', settings)).toBe('2026-08-10T02:00:00.000Z');
		// 180 days on is Sunday 8 November.
		expect(nextKeepInTouchDueAt(last, 'light', settings)).toBe('2026-11-09T02:00:00.000Z');
		expect(nextKeepInTouchDueAt(last, 'light', { ...settings, skipWeekends: false, hour: 9 })).toBe(
			'2026-11-08T01:00:00.000Z'
		);
		expect(nextKeepInTouchDueAt(last, 'none', settings)).toBeNull();
	});
});

describe('pickWeeklyReconnects', () => {
	const person = (
		id: string,
		name: string,
		tier: ReconnectCandidate['tier'],
		metAt: string,
		lastContactedAt?: string
	): ReconnectCandidate => ({ id, name, tier, metAt, lastContactedAt });
	const people = [
		person('a', 'Chen', 'close', '2025-01-01T00:00:00Z', '2026-03-01T00:00:00Z'), // 43 d over
		person('b', 'Bao', 'regular', '2026-01-01T00:00:00Z'), // 42 d over
		person('c', 'Dana', 'light', '2025-01-01T00:00:00Z', '2025-10-01T00:00:00Z'), // 44 d over
		person('d', 'Eli', 'none', '2020-01-01T00:00:00Z'),
		person('e', 'Fay', 'close', '2025-01-01T00:00:00Z', '2026-05-01T00:00:00Z'), // not yet
		{ ...person('f', 'Gil', 'close', '2020-01-01T00:00:00Z'), deletedAt: '2026-01-01T00:00:00Z' },
		person('g', 'Amy', 'close', '2025-01-01T00:00:00Z', '2026-03-01T00:00:00Z'), // 43 d over
		person('h', 'Hana', 'regular', '2025-01-01T00:00:00Z'), // 407 d over, but snoozed
		person('i', 'Ivan', 'regular', '2025-01-01T00:00:00Z'), // 407 d over, but skipped
		person('j', 'Jo', 'regular', '2025-06-01T00:00:00Z') // 256 d over, already due in the queue
	];
	const followUps: ReconnectFollowUp[] = [
		{
			...followUp('fh', '2026-05-01T00:00:00Z', {
				status: 'snoozed',
				snoozedUntil: '2026-05-20T00:00:00Z'
			}),
			connectionId: 'h'
		},
		{
			...followUp('fi', '2026-05-01T00:00:00Z', {
				status: 'skipped',
				doneAt: '2026-05-10T00:00:00Z'
			}),
			connectionId: 'i'
		},
		{ ...followUp('fj', '2026-05-01T00:00:00Z'), connectionId: 'j' }
	];
	const names = (picked: ReconnectCandidate[]) => picked.map((p) => p.name);

	it('picks the most overdue tiered contacts, ties by name', () => {
		expect(names(pickWeeklyReconnects(people, followUps, wednesday))).toEqual([
			'Jo',
			'Dana',
			'Amy'
		]);
		expect(names(pickWeeklyReconnects(people, followUps, wednesday, 5))).toEqual([
			'Jo',
			'Dana',
			'Amy',
			'Chen',
			'Bao'
		]);
	});

	it('without follow-ups, counts only the recorded last contact', () => {
		expect(names(pickWeeklyReconnects(people, undefined, wednesday))).toEqual([
			'Hana',
			'Ivan',
			'Jo'
		]);
	});

	it('accepts a goal of zero and refuses a negative one', () => {
		expect(pickWeeklyReconnects(people, followUps, wednesday, 0)).toEqual([]);
		expect(() => pickWeeklyReconnects(people, followUps, wednesday, -1)).toThrow('goal');
	});
});

describe('weekProgress', () => {
	const events = [
		{ connectionId: 'x', at: '2026-05-10T15:59:00Z' }, // Taipei: Sunday before
		{ connectionId: 'x', at: '2026-05-10T16:00:00Z' }, // Taipei: Monday 00:00
		{ connectionId: 'y', at: '2026-05-12T00:00:00Z' },
		{ connectionId: 'y', at: '2026-05-13T00:00:00Z' }, // same person again
		{ connectionId: 'z', at: '2026-05-17T15:59:00Z' }, // Taipei: Sunday 23:59
		{ connectionId: 'w', at: '2026-05-17T16:00:00Z' } // Taipei: next Monday
	];

	it('counts different people reconnected with this local Monday-to-Sunday week', () => {
		expect(weekProgress(events, wednesday, TAIPEI)).toBe(3);
		// In Los Angeles the same week runs from 11 May 07:00Z to 18 May 07:00Z: y, z and w.
		expect(weekProgress(events, wednesday, 'America/Los_Angeles')).toBe(3);
		expect(weekProgress(events.slice(0, 1), wednesday, TAIPEI)).toBe(0);
		expect(weekProgress([], wednesday, TAIPEI)).toBe(0);
	});
});

describe('reconnectEvents', () => {
	it('counts every follow-up marked done, whatever its kind, and "I reached out"', () => {
		const events = reconnectEvents(
			[
				{ connectionId: 'post', status: 'done', doneAt: '2026-05-12T01:00:00Z' },
				{ connectionId: 'skip', status: 'skipped', doneAt: '2026-05-12T02:00:00Z' },
				{ connectionId: 'open', status: 'pending' }
			],
			[
				{ id: 'reached', lastContactedAt: '2026-05-13T01:00:00Z' },
				{ id: 'never' },
				{ id: 'gone', lastContactedAt: '2026-05-13T01:00:00Z', deletedAt: '2026-05-13T02:00:00Z' }
			]
		);
		expect(events).toEqual([
			{ connectionId: 'post', at: '2026-05-12T01:00:00Z' },
			{ connectionId: 'reached', at: '2026-05-13T01:00:00Z' }
		]);
		expect(weekProgress(events, wednesday, TAIPEI)).toBe(2);
	});

	it('never counts a skipped follow-up as a contact', () => {
		expect(
			reconnectEvents(
				[{ connectionId: 's', status: 'skipped', doneAt: '2026-05-12T02:00:00Z' }],
				[]
			)
		).toEqual([]);
	});
});
