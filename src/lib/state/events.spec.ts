import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { connectionRepository } from '$lib/data/connections';
import { eventRepository } from '$lib/data/events';
import { outboxRepository } from '$lib/testing/outbox';
import { settingsRepository } from '$lib/data/settings';
import { aConnection } from '$lib/testing/factories';
import type { EventDraft } from '$lib/domain/eventForm';
import { app } from './app.svelte';
import { chooseCurrentEvent, deleteEvent, loadEvents, peopleMetAt, saveEvent } from './events';

const draft: EventDraft = {
	name: '台北前端社群小聚',
	topic: '',
	context: 'meetup',
	// Ahead of the clock the app reads, so the event can be current.
	startsLocal: '2030-11-20T19:00',
	endsLocal: '2030-11-20T21:30',
	venue: '',
	timeZone: 'Asia/Taipei'
};

describe('events', () => {
	it('refuses an unknown time zone and saves nothing', async () => {
		expect(await saveEvent({ ...draft, timeZone: 'Asia/Taipeh' }, null)).toEqual({
			ok: false,
			errors: { timeZone: { code: 'unknown_time_zone', zone: 'Asia/Taipeh' } }
		});
		expect(await loadEvents()).toMatchObject({ upcoming: [], past: [] });
	});

	it('creates, edits and makes an event current, queued for sync', async () => {
		const created = await saveEvent(draft, null);
		if (!created.ok) throw new Error('not saved');
		expect(created.event).toMatchObject({ startsAt: '2030-11-20T11:00:00.000Z' });

		const edited = await saveEvent({ ...draft, venue: '集思台大會議中心' }, created.event);
		if (!edited.ok) throw new Error('not saved');
		expect(edited.event.id).toBe(created.event.id);

		expect(await chooseCurrentEvent(created.event.id)).toBeNull();
		await app.settled();
		expect(app.currentEvent).toMatchObject({ name: draft.name, venue: '集思台大會議中心' });
		expect(await loadEvents()).toMatchObject({
			upcoming: [{ id: created.event.id }],
			past: [],
			currentId: created.event.id
		});
		const queued = await outboxRepository(await app.database()).peek(10);
		expect(queued.filter((entry) => entry.aggregate === 'events')).toHaveLength(2);

		expect(await chooseCurrentEvent(null)).toBeNull();
		await app.settled();
		expect(app.currentEvent).toBeNull();
	});

	it('lists an event that is over among the past ones, and no longer as current', async () => {
		const db = await app.database();
		const [event] = (await loadEvents()).upcoming;
		if (!event) throw new Error('no event');
		expect(await chooseCurrentEvent(event.id)).toBeNull();
		const weekAfter = new Date('2030-11-27T03:00:00Z');
		expect(await loadEvents(weekAfter)).toMatchObject({
			upcoming: [],
			past: [{ id: event.id }],
			currentId: null
		});
		expect((await settingsRepository(db).get()).currentEventId).toBe(event.id);
	});

	it('deletes an event as a queued tombstone; its people stay and keep its name', async () => {
		const db = await app.database();
		const [event] = (await loadEvents()).upcoming;
		if (!event) throw new Error('no event');
		const met = await connectionRepository(db).save(aConnection({ eventId: event.id }));
		expect(await peopleMetAt(event.id)).toBe(1);
		const queuedBefore = await outboxRepository(db).count();

		expect(await deleteEvent(event)).toBeNull();

		expect(await loadEvents()).toMatchObject({ upcoming: [], past: [], currentId: null });
		expect((await settingsRepository(db).get()).currentEventId).toBeUndefined();
		await app.settled();
		expect(app.currentEvent).toBeNull();
		expect(await connectionRepository(db).get(met.id)).toEqual(met);
		expect((await eventRepository(db).names()).get(event.id)).toBe(draft.name);
		expect(await outboxRepository(db).count()).toBeGreaterThan(queuedBefore);
	});
});
