import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { outboxRepository } from '$lib/data/outbox';
import type { EventDraft } from '$lib/domain/eventForm';
import { app } from './app.svelte';
import { chooseCurrentEvent, loadEvents, saveEvent } from './events';

const draft: EventDraft = {
	name: '台北前端社群小聚',
	topic: '',
	context: 'meetup',
	startsLocal: '2026-11-20T19:00',
	endsLocal: '2026-11-20T21:30',
	venue: '',
	timeZone: 'Asia/Taipei'
};

describe('events', () => {
	it('refuses an unknown time zone and saves nothing', async () => {
		expect(await saveEvent({ ...draft, timeZone: 'Asia/Taipeh' }, null)).toEqual({
			ok: false,
			errors: { timeZone: { code: 'unknown_time_zone', zone: 'Asia/Taipeh' } }
		});
		expect((await loadEvents()).events).toEqual([]);
	});

	it('creates, edits and makes an event current, queued for sync', async () => {
		const created = await saveEvent(draft, null);
		if (!created.ok) throw new Error('not saved');
		expect(created.event).toMatchObject({ startsAt: '2026-11-20T11:00:00.000Z' });

		const edited = await saveEvent({ ...draft, venue: '集思台大會議中心' }, created.event);
		if (!edited.ok) throw new Error('not saved');
		expect(edited.event.id).toBe(created.event.id);

		expect(await chooseCurrentEvent(created.event.id)).toBeNull();
		expect(app.currentEvent).toMatchObject({ name: draft.name, venue: '集思台大會議中心' });
		expect(await loadEvents()).toMatchObject({
			events: [{ id: created.event.id }],
			currentId: created.event.id
		});
		const queued = await outboxRepository(await app.database()).peek(10);
		expect(queued.filter((entry) => entry.aggregate === 'events')).toHaveLength(2);

		expect(await chooseCurrentEvent(null)).toBeNull();
		expect(app.currentEvent).toBeNull();
	});
});
