import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aFollowUp, anEvent, at } from '$lib/testing/factories';
import { openRapportDatabase, type RapportDatabase } from './db';
import { eventRepository } from './events';
import { followUpRepository } from './followUps';
import { settingsRepository } from './settings';
import { readShellSummary } from './shell';

let db: RapportDatabase;
let n = 0;
const now = new Date('2026-11-21T03:00:00Z');

beforeEach(async () => {
	db = await openRapportDatabase({ name: `shell-${++n}` });
});
afterEach(() => db.close());

describe('readShellSummary', () => {
	it('is empty on a new device', async () => {
		expect(await readShellSummary(db, now)).toEqual({
			event: null,
			eventToday: false,
			dueCount: 0
		});
	});

	it('names the current event', async () => {
		const event = await eventRepository(db).save(anEvent({ name: '台北前端社群小聚' }));
		await settingsRepository(db).update({ currentEventId: event.id });
		expect((await readShellSummary(db, now)).event).toEqual({
			id: event.id,
			name: '台北前端社群小聚',
			endsAt: event.endsAt
		});
	});

	it('knows when an event is on today on its own clock, chosen or not, deleted ones aside', async () => {
		const events = eventRepository(db);
		// 11:00 in Taipei: an event tonight there counts; one tomorrow or one deleted does not.
		await events.save(
			anEvent({ startsAt: at('2026-11-22T10:00:00Z'), endsAt: at('2026-11-22T13:00:00Z') })
		);
		await events.save(
			anEvent({
				startsAt: at('2026-11-21T10:00:00Z'),
				endsAt: at('2026-11-21T13:00:00Z'),
				deletedAt: at('2026-11-20T00:00:00Z')
			})
		);
		expect((await readShellSummary(db, now)).eventToday).toBe(false);
		await events.save(
			anEvent({ startsAt: at('2026-11-21T10:00:00Z'), endsAt: at('2026-11-21T13:00:00Z') })
		);
		expect((await readShellSummary(db, now)).eventToday).toBe(true);
	});

	it('ignores a current event that was deleted or is damaged', async () => {
		const event = await eventRepository(db).save(
			anEvent({ deletedAt: at('2026-11-20T00:00:00Z') })
		);
		await settingsRepository(db).update({ currentEventId: event.id });
		expect((await readShellSummary(db, now)).event).toBeNull();
		await db.put('events', { id: event.id, name: 7 });
		expect((await readShellSummary(db, now)).event).toBeNull();
	});

	it('counts only what is due and still open, snoozes included once they run out', async () => {
		const followUps = followUpRepository(db);
		await followUps.save(aFollowUp({ dueAt: at('2026-11-21T02:00:00Z') }));
		await followUps.save(
			aFollowUp({
				dueAt: at('2026-11-19T02:00:00Z'),
				status: 'snoozed',
				snoozedUntil: at('2026-11-20T02:00:00Z')
			})
		);
		await followUps.save(
			aFollowUp({
				dueAt: at('2026-11-19T02:00:00Z'),
				status: 'snoozed',
				snoozedUntil: at('2026-11-23T02:00:00Z')
			})
		);
		await followUps.save(aFollowUp({ dueAt: at('2026-11-20T02:00:00Z'), status: 'done' }));
		await followUps.save(aFollowUp({ dueAt: at('2026-11-22T02:00:00Z') }));
		await db.put('followUps', { id: 'broken', dueAt: '2026-11-20T00:00:00.000Z' });
		expect((await readShellSummary(db, now)).dueCount).toBe(2);
	});
});
