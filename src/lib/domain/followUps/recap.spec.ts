import { describe, expect, it } from 'vitest';
import { aFollowUp, at } from '$lib/testing/factories';
import { recapEvent } from './recap';

const now = new Date(at('2026-11-27T03:00:00Z'));
const past = at('2026-11-21T02:00:00Z');
const ahead = at('2026-11-28T02:00:00Z');

describe('recapEvent', () => {
	it('quotes the first follow-up date while it is still ahead', () => {
		expect(
			recapEvent(
				2,
				[
					aFollowUp({ dueAt: at('2026-11-30T02:00:00Z') }),
					aFollowUp({ dueAt: past, status: 'snoozed', snoozedUntil: ahead })
				],
				now
			)
		).toEqual({ kind: 'scheduled', count: 2, firstDueAt: ahead });
	});

	it('never quotes a date in the past: follow-ups already due are "waiting"', () => {
		expect(
			recapEvent(3, [aFollowUp({ dueAt: past }), aFollowUp({ dueAt: ahead }), aFollowUp()], now)
		).toEqual({ kind: 'waiting', count: 3, waiting: 2 });
	});

	it('says the event is followed up once every follow-up is done or skipped', () => {
		expect(
			recapEvent(
				2,
				[aFollowUp({ status: 'done', doneAt: past }), aFollowUp({ status: 'skipped' })],
				now
			)
		).toEqual({ kind: 'closed', count: 2 });
	});

	it('has nobody to recap when no one was kept there', () => {
		expect(recapEvent(0, [], now)).toEqual({ kind: 'nobody' });
	});
});
