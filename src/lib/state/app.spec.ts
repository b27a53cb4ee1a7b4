import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import { connectionRepository } from '$lib/data/connections';
import { eventRepository } from '$lib/data/events';
import { announceStored } from '$lib/data/notices';
import { settingsRepository } from '$lib/data/settings';
import { aConnection, aFollowUp, anEvent, at } from '$lib/testing/factories';
import { app } from './app.svelte';

// The shell keeps itself current from the commit notices: no writer tells it to refresh.

describe('the app shell', () => {
	it('counts a follow-up saved anywhere on the device as soon as it is stored', async () => {
		const db = await app.database();
		expect(app.dueCount).toBe(0);
		const lin = aConnection();
		await connectionRepository(db).saveWithFollowUp(
			lin,
			aFollowUp({ connectionId: lin.id, dueAt: at('2020-01-01T02:00:00Z') })
		);
		await app.settled();
		expect(app.dueCount).toBe(1);
	});

	it('shows what sync brought in once sync says it stored it', async () => {
		const db = await app.database();
		const chen = aConnection();
		const due = aFollowUp({ connectionId: chen.id, dueAt: at('2021-01-01T02:00:00Z') });
		// Sync's own transaction, as a pull writes it: nothing is queued.
		await db.put('connections', chen);
		await db.put('followUps', due);
		await app.settled();
		expect(app.dueCount).toBe(1);

		announceStored(
			[
				{ store: 'connections', recordId: chen.id },
				{ store: 'followUps', recordId: due.id }
			],
			'sync'
		);
		await app.settled();
		expect(app.dueCount).toBe(2);
	});

	it('follows the current event when the setting changes', async () => {
		const db = await app.database();
		const meetup = anEvent({ name: '台北前端社群小聚', endsAt: at('2099-01-01T12:00:00Z') });
		await eventRepository(db).save(meetup);
		await settingsRepository(db).update({ currentEventId: meetup.id });
		await app.settled();
		expect(app.currentEvent).toMatchObject({ id: meetup.id, name: '台北前端社群小聚' });

		await settingsRepository(db).update({ currentEventId: undefined });
		await app.settled();
		expect(app.currentEvent).toBeNull();
	});

	it('asks once, at the first save, for the browser to keep what is stored', async () => {
		const db = await app.database();
		// The saves above were the first: asked then, and not again.
		await vi.waitFor(async () =>
			expect((await settingsRepository(db).get()).persistenceRequestedAt).toBeTruthy()
		);
		const asked = (await settingsRepository(db).get()).persistenceRequestedAt;
		await connectionRepository(db).save(aConnection());
		await app.settled();
		expect((await settingsRepository(db).get()).persistenceRequestedAt).toBe(asked);
	});
});
