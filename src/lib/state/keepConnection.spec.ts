import 'fake-indexeddb/auto';
import { beforeAll, describe, expect, it } from 'vitest';
import { connectionRepository } from '$lib/data/connections';
import { eventRepository } from '$lib/data/events';
import { followUpRepository } from '$lib/data/followUps';
import { outboxRepository } from '$lib/testing/outbox';
import { promptStateRepository } from '$lib/data/promptState';
import { settingsRepository } from '$lib/data/settings';
import { followUpDueAt } from '$lib/domain/followUps';
import { anEvent, at } from '$lib/testing/factories';
import { app } from './app.svelte';
import { keepConnection } from './keepConnection';

const event = anEvent({
	name: '台北產品經理小聚',
	startsAt: at('2026-11-26T11:00:00Z'),
	endsAt: at('2026-11-26T13:30:00Z')
});
const metAt = new Date('2026-11-26T12:10:00Z');
const chihMing = {
	name: '林志明',
	company: '好好設計',
	channels: [{ kind: 'line' as const, value: 'chihming' }]
};

beforeAll(async () => {
	const db = await app.database();
	await eventRepository(db).save(event);
	await settingsRepository(db).update({ currentEventId: event.id, timeZone: 'Asia/Taipei' });
	await promptStateRepository(db).save({
		favourites: [],
		prepared: {},
		worked: { id: 'connect-007', text: '最近在忙什麼有趣的專案？', at: metAt.toISOString() }
	});
});

describe('keepConnection', () => {
	it('links the current event and schedules the next-morning follow-up with it', async () => {
		const result = await keepConnection({
			card: chihMing,
			source: 'scan',
			note: '聊到設計系統',
			promptText: '最近在忙什麼有趣的專案？',
			now: metAt
		});
		const db = await app.database();
		expect(result.updated).toBe(false);
		expect(result.connection).toMatchObject({
			eventId: event.id,
			note: '聊到設計系統',
			promptText: '最近在忙什麼有趣的專案？',
			source: 'scan'
		});
		const followUps = await followUpRepository(db).listForConnection(result.connection.id);
		expect(followUps).toEqual([
			expect.objectContaining({
				kind: 'post_event',
				cycle: 0,
				status: 'pending',
				dueAt: followUpDueAt({
					metAt: metAt.toISOString(),
					eventEndsAt: event.endsAt,
					timeZone: 'Asia/Taipei'
				})
			})
		]);
		expect(followUps[0]?.dueAt).toBe('2026-11-27T02:00:00.000Z');
		expect((await promptStateRepository(db).get()).worked).toBeUndefined();
		expect((await connectionRepository(db).list()).items).toHaveLength(1);
	});

	it('updates the same person met again, scheduling nothing new', async () => {
		const result = await keepConnection({
			card: { name: 'Chih-Ming Lin', channels: [{ kind: 'line', value: 'chihming' }] },
			source: 'scan',
			tags: ['設計'],
			note: '想找設計師',
			talkPhrase: '你在做的長照 App',
			now: new Date('2026-11-26T12:40:00Z')
		});
		const db = await app.database();
		expect(result.updated).toBe(true);
		expect((await connectionRepository(db).list()).items).toHaveLength(1);
		expect(result.connection.note).toBe('聊到設計系統\n\n想找設計師');
		expect(result.connection.talkPhrase).toBe('你在做的長照 App');
		expect(result.connection.tags).toEqual(['設計']);
		expect((await followUpRepository(db).list()).items).toHaveLength(1);
	});

	it('keeps a look-alike as someone else when the person says so', async () => {
		const db = await app.database();
		const result = await keepConnection({
			card: chihMing,
			source: 'scan',
			sameAs: null,
			now: new Date('2026-11-26T12:45:00Z')
		});
		expect(result.updated).toBe(false);
		expect((await connectionRepository(db).list()).items).toHaveLength(2);
		await connectionRepository(db).softDelete(result.connection.id, at('2026-11-26T12:46:00Z'));
	});

	it('queues every write for sync', async () => {
		const db = await app.database();
		const queued = await outboxRepository(db).peek(50);
		expect(queued.filter((entry) => entry.aggregate === 'connections')).toHaveLength(4);
		expect(queued.filter((entry) => entry.aggregate === 'followUps')).toHaveLength(2);
	});

	it('falls back to the device time zone when the saved one is unusable', async () => {
		const db = await app.database();
		await settingsRepository(db).update({ timeZone: 'Mars/Olympus_Mons' });
		const result = await keepConnection({
			card: { name: '王小美', channels: [] },
			source: 'manual',
			now: metAt
		});
		expect(result.usedDeviceTimeZone).toBe(true);
		const [followUp] = await followUpRepository(db).listForConnection(result.connection.id);
		expect(Date.parse(followUp!.dueAt)).toBeGreaterThan(metAt.getTime());
	});

	it('files no one under the event once it is over, though it is still the chosen one', async () => {
		const result = await keepConnection({
			card: { name: '張雅婷', channels: [] },
			source: 'manual',
			now: new Date('2026-12-03T04:00:00Z')
		});
		expect(result.connection.eventId).toBeUndefined();
		const db = await app.database();
		expect((await settingsRepository(db).get()).currentEventId).toBe(event.id);
	});
});
