import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aConnection, aFollowUp, anEvent, aProfile, at } from '$lib/testing/factories';
import { connectionRepository } from './connections';
import { openRapportDatabase, type RapportDatabase } from './db';
import { eventRepository } from './events';
import { followUpRepository } from './followUps';
import { outboxRepository } from '$lib/testing/outbox';
import { profileRepository } from './profile';
import { promptStateRepository } from './promptState';
import { settingsRepository } from './settings';

let db: RapportDatabase;
let n = 0;

beforeEach(async () => {
	db = await openRapportDatabase({ name: `repositories-${++n}` });
});
afterEach(() => db.close());

describe('profile', () => {
	it('is empty until saved, then reads back what was saved', async () => {
		const profiles = profileRepository(db);
		expect(await profiles.get()).toEqual({ profile: null, unreadable: false });
		const saved = await profiles.save(aProfile({ company: '台灣半導體股份有限公司' }));
		expect(await profiles.get()).toEqual({ profile: saved, unreadable: false });
	});

	it('refuses an invalid card and keeps the saved one', async () => {
		const profiles = profileRepository(db);
		const saved = await profiles.save(aProfile());
		await expect(profiles.save(aProfile({ name: '   ' }))).rejects.toThrow();
		expect((await profiles.get()).profile).toEqual(saved);
	});

	it('reports a damaged record without deleting it', async () => {
		await db.put('profile', { name: 42 }, 'me');
		expect(await profileRepository(db).get()).toEqual({ profile: null, unreadable: true });
		expect(await db.get('profile', 'me')).toEqual({ name: 42 });
	});
});

describe('every synced write', () => {
	it('queues exactly one outbox entry in the same transaction', async () => {
		const event = await eventRepository(db).save(anEvent());
		const connection = await connectionRepository(db).save(aConnection({ eventId: event.id }));
		await profileRepository(db).save(aProfile());
		const outbox = outboxRepository(db);
		const entries = await outbox.peek(10);
		expect(entries.map(({ aggregate, recordId, op }) => ({ aggregate, recordId, op }))).toEqual([
			{ aggregate: 'events', recordId: event.id, op: 'upsert' },
			{ aggregate: 'connections', recordId: connection.id, op: 'upsert' },
			{ aggregate: 'profile', recordId: 'me', op: 'upsert' }
		]);
		await outbox.remove(entries.slice(0, 2).map((entry) => entry.seq!));
		expect(await outbox.count()).toBe(1);
	});

	it('queues nothing when validation fails', async () => {
		await expect(eventRepository(db).save(anEvent({ name: '' }))).rejects.toThrow();
		expect(await outboxRepository(db).count()).toBe(0);
	});
});

describe('events and connections', () => {
	it('hide tombstones and skip damaged records, counting them', async () => {
		const events = eventRepository(db);
		const kept = await events.save(anEvent());
		const gone = await events.save(anEvent({ deletedAt: at('2026-11-21T00:00:00Z') }));
		await db.put('events', { id: 'not-a-uuid', name: 7 });
		expect(await events.list()).toEqual({ items: [kept], unreadable: 1 });
		expect(await events.get(gone.id)).toBeNull();
	});

	it('delete an event as a tombstone that syncs and still names it', async () => {
		const events = eventRepository(db);
		const event = await events.save(anEvent({ name: '台北前端小聚' }));
		const before = await outboxRepository(db).count();
		expect(await events.softDelete(event.id, at('2026-11-27T03:00:00Z'))).toBe(true);
		expect(await events.softDelete(event.id, at('2026-11-28T03:00:00Z'))).toBe(false);
		expect(await events.get(event.id)).toBeNull();
		expect((await events.list()).items).toEqual([]);
		expect((await events.names()).get(event.id)).toBe('台北前端小聚');
		expect(await outboxRepository(db).count()).toBe(before + 1);
		expect(await db.get('events', event.id)).toMatchObject({
			deletedAt: at('2026-11-27T03:00:00Z')
		});
	});

	it('find the people met at an event', async () => {
		const event = anEvent();
		const connections = connectionRepository(db);
		const met = await connections.save(aConnection({ eventId: event.id }));
		await connections.save(aConnection());
		expect(await connections.listForEvent(event.id)).toEqual([met]);
	});
});

describe('follow-ups', () => {
	it('list in due order', async () => {
		const followUps = followUpRepository(db);
		const later = await followUps.save(aFollowUp({ dueAt: at('2026-11-25T02:00:00Z') }));
		const sooner = await followUps.save(aFollowUp({ dueAt: at('2026-11-22T02:00:00Z') }));
		expect((await followUps.list()).items).toEqual([sooner, later]);
	});
});

describe('settings and prompt state', () => {
	it('merge settings updates and fall back to defaults when damaged', async () => {
		const settings = settingsRepository(db);
		const defaults = {
			followUpDelayDays: 1,
			followUpHour: 10,
			followUpSkipWeekends: true,
			weeklyGoal: 3
		};
		expect(await settings.get()).toEqual(defaults);
		const eventId = anEvent().id;
		await settings.update({ currentEventId: eventId });
		await settings.update({ persistenceRequestedAt: at('2026-11-20T00:00:00Z') });
		expect(await settings.get()).toEqual({
			...defaults,
			currentEventId: eventId,
			persistenceRequestedAt: at('2026-11-20T00:00:00Z')
		});
		await db.put('settings', 'garbage', 'settings');
		expect(await settings.get()).toEqual(defaults);
	});

	it('remember favourite prompts', async () => {
		const prompts = promptStateRepository(db);
		expect(await prompts.get()).toEqual({ favourites: [], prepared: {} });
		await prompts.save({ favourites: ['warm-up-001'], prepared: {} });
		expect((await prompts.get()).favourites).toEqual(['warm-up-001']);
	});
});
