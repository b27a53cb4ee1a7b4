import 'fake-indexeddb/auto';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { connectionRepository } from '$lib/data/connections';
import { announceStored } from '$lib/data/notices';
import { eventRepository } from '$lib/data/events';
import { outboxRepository } from '$lib/testing/outbox';
import { paperCardPhotoRepository } from '$lib/data/paperCardPhotos';
import { aConnection, anEvent, at } from '$lib/testing/factories';
import { twoPeople } from '$lib/testing/people';
import { app } from './app.svelte';
import { PeopleList, PersonEditor } from './people.svelte';

const { meetup, chihMing, amy } = twoPeople();
describe('PeopleList and PersonEditor', () => {
	beforeAll(async () => {
		const db = await app.database();
		await eventRepository(db).save(meetup);
		await connectionRepository(db).save(chihMing);
		await connectionRepository(db).save(amy);
	});

	it('loads everyone with their event, newest first', async () => {
		const people = new PeopleList();
		await people.load();
		expect(people.visible.map((row) => row.eventName)).toEqual([undefined, '台北前端社群小聚']);
		people.query = '好好設計';
		expect(people.visible.map((row) => row.connection.id)).toEqual([chihMing.id]);
	});

	it('keeps the name of the event they were met at after it is deleted', async () => {
		const db = await app.database();
		const gone = await eventRepository(db).save(anEvent({ name: '已刪除的讀書會' }));
		const met = await connectionRepository(db).save(aConnection({ eventId: gone.id }));
		await eventRepository(db).softDelete(gone.id, at('2026-11-25T00:00:00Z'));
		const people = new PeopleList();
		await people.load();
		expect(people.visible.find((row) => row.connection.id === met.id)?.eventName).toBe(
			'已刪除的讀書會'
		);
		const editor = new PersonEditor();
		await editor.load(met.id);
		expect(editor.eventName).toBe('已刪除的讀書會');
		await connectionRepository(db).softDelete(met.id, at('2026-11-25T00:00:00Z'));
	});

	it('saves the note, tags and channels and queues the change for sync', async () => {
		const editor = new PersonEditor();
		await editor.load(chihMing.id);
		expect(editor.eventName).toBe('台北前端社群小聚');
		editor.note = '  聊到設計系統  ';
		editor.tags = '設計，前端';
		editor.addChannel('email');
		editor.channels[1]!.value = 'chihming@example.com';
		const now = '2026-11-23T01:00:00.000Z';
		expect(await editor.save(now)).toBe('saved');

		const db = await app.database();
		expect(await connectionRepository(db).get(chihMing.id)).toMatchObject({
			note: '聊到設計系統',
			tags: ['設計', '前端'],
			card: {
				channels: [
					{ kind: 'line', value: 'chihming' },
					{ kind: 'email', value: 'chihming@example.com' }
				]
			},
			updatedAt: now
		});
		const queued = await outboxRepository(db).peek(100);
		expect(queued.some((entry) => entry.recordId === chihMing.id)).toBe(true);
	});

	it('refuses a bad email, saves nothing, and keeps everything typed', async () => {
		const editor = new PersonEditor();
		await editor.load(amy.id);
		editor.note = '半導體的人';
		editor.addChannel('email');
		editor.channels[0]!.value = 'amy-at-example';
		expect(await editor.save()).toBe('invalid');
		expect(editor.problems).toEqual(['value']);
		expect(editor.note).toBe('半導體的人');
		expect(editor.channels[0]!.value).toBe('amy-at-example');
		const db = await app.database();
		expect((await connectionRepository(db).get(amy.id))?.note).toBeUndefined();
	});

	it('deletes softly: hidden from the list, the record kept with deletedAt', async () => {
		const editor = new PersonEditor();
		await editor.load(amy.id);
		const now = '2026-11-24T01:00:00.000Z';
		await paperCardPhotoRepository(await app.database()).save(amy.id, new Blob(['jpeg']));
		expect(await editor.remove(now)).toBe(true);
		const db = await app.database();
		// The photo of their paper card goes with them: it is not synced, so nothing else holds it.
		expect(await paperCardPhotoRepository(db).get(amy.id)).toBeNull();
		expect(await connectionRepository(db).get(amy.id)).toBeNull();
		expect(await db.get('connections', amy.id)).toMatchObject({ deletedAt: now });
		const people = new PeopleList();
		await people.load();
		expect(people.rows.map((row) => row.connection.id)).toEqual([chihMing.id]);
	});

	it('says when the person is not there', async () => {
		const editor = new PersonEditor();
		await editor.load(amy.id);
		expect(editor.loaded).toBe(true);
		expect(editor.connection).toBeNull();
	});

	it('keeps the open list on what sync brings in', async () => {
		const people = new PeopleList();
		await people.load();
		const stop = people.follow();
		const pulled = aConnection({ card: { name: '王小美', channels: [] } });
		// Written as a pull writes it, then announced as sync announces it.
		await (await app.database()).put('connections', pulled);
		announceStored([{ store: 'connections', recordId: pulled.id }], 'sync');
		await vi.waitFor(() =>
			expect(people.rows.map((row) => row.connection.card.name)).toContain('王小美')
		);
		stop();
	});
});
