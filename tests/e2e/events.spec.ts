// Events end and can be deleted: an event past its end stops being current by itself (home recaps
// it instead of saying you are there, without quoting a date gone by), the events screen lists
// past events apart, and deleting one, offline too, leaves its people with its name. An event's
// hours are the clock at the venue, whatever zone the phone is set to.
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import {
	browsersSpeaking,
	eventually,
	headingText,
	launchBrowser,
	openHydrated,
	startAppServer,
	t,
	waitForServiceWorkerControl,
	type AppServer,
	type BrowserSession
} from '../support/browser';
import { readStore } from '../support/card';
import { DAY, iso, person, seedId, seedQueue } from '../support/followUps';

let server: AppServer;
let session: BrowserSession | undefined;

beforeAll(async () => {
	server = await startAppServer();
});
afterAll(async () => {
	await server?.close();
});
afterEach(async () => {
	await session?.close();
	session = undefined;
});

function anEvent(name: string, startsAt: string, endsAt: string) {
	return {
		id: seedId(),
		name,
		context: 'meetup',
		startsAt,
		endsAt,
		timeZone: 'Asia/Taipei',
		updatedAt: iso(-7 * DAY)
	};
}

const storedEvent = (page: Page, id: string) =>
	page.evaluate(async (id) => {
		const db = await new Promise<IDBDatabase>((resolve, reject) => {
			const request = indexedDB.open('rapport');
			request.onsuccess = () => resolve(request.result);
			request.onerror = () => reject(request.error);
		});
		const tx = db.transaction(['events', 'outbox'], 'readonly');
		const read = <T>(request: IDBRequest<T>) =>
			new Promise<T>((resolve) => (request.onsuccess = () => resolve(request.result)));
		const [event, outbox] = await Promise.all([
			read(tx.objectStore('events').get(id)),
			read(tx.objectStore('outbox').getAll())
		]);
		db.close();
		return {
			deletedAt: (event as { deletedAt?: string } | undefined)?.deletedAt,
			queued: (outbox as { aggregate: string; recordId: string }[]).some(
				(entry) => entry.aggregate === 'events' && entry.recordId === id
			)
		};
	}, id);

describe.each(browsersSpeaking)('events in $locale', ({ locale, browser }) => {
	test('an event past its end is not current: home recaps it and no past date is quoted as ahead', async () => {
		session = await launchBrowser({ locale: browser });
		const { page } = session;
		// Ended a week ago; the follow-up of the person met there came due days ago.
		const event = anEvent('台北前端小聚', iso(-7 * DAY - 3 * 3_600_000), iso(-7 * DAY));
		const lin = person('林志明', { eventId: event.id, metAt: iso(-7 * DAY - 3_600_000) });
		await seedQueue(
			page,
			server.url,
			{
				settings: { timeZone: 'Asia/Taipei', currentEventId: event.id },
				events: [event],
				connections: [lin],
				followUps: [lin.followUp({ dueAt: iso(-6 * DAY) })]
			},
			'/'
		);
		const recap = page.getByTestId('event-recap');
		await expect
			.poll(() => recap.textContent(), eventually)
			.toContain(t(locale, 'followUps_recap_waiting', { event: event.name, waiting: 1 }));
		expect(await page.getByTestId('current-event').count()).toBe(0);
		expect(await page.getByText(t(locale, 'home_at_event', { event: event.name })).count()).toBe(0);

		await openHydrated(page, `${server.url}/events`);
		const past = page.getByTestId('events-past');
		await past.getByRole('heading', { name: event.name }).waitFor();
		expect(await page.getByTestId('events-upcoming').getByText(event.name).count()).toBe(0);
		expect(await page.getByText(t(locale, 'events_current'), { exact: true }).count()).toBe(0);
		expect(
			await past
				.getByRole('button', { name: t(locale, 'events_set_current', { event: event.name }) })
				.count()
		).toBe(0);
		expect(session.pageErrors).toEqual([]);
	});

	test('a Taipei event made on a phone set to UTC starts ahead, and typed hours stay put', async () => {
		session = await launchBrowser({ locale: browser, timezoneId: 'UTC' });
		const { page } = session;
		await openHydrated(page, `${server.url}/events`);
		await page.getByRole('button', { name: t(locale, 'events_new') }).click();
		const name = locale === 'en' ? 'Taipei Frontend Meetup' : '台北前端社群小聚';
		await page.getByLabel(t(locale, 'events_field_name')).fill(name);
		const zone = page.getByLabel(t(locale, 'events_field_time_zone'));
		expect(await zone.inputValue()).toBe('UTC');
		await zone.fill('Asia/Taipei');
		// The suggested start moved to the next full hour on Taipei's clock, not 8 hours back.
		const starts = await page.getByLabel(t(locale, 'events_field_starts')).inputValue();
		const startsAt = Date.parse(`${starts}:00+08:00`);
		expect(startsAt).toBeGreaterThan(Date.now());
		expect(startsAt).toBeLessThanOrEqual(Date.now() + 3_600_000);
		await page.getByRole('button', { name: t(locale, 'events_save') }).click();
		await page.getByText(t(locale, 'events_saved')).waitFor();
		await page
			.getByTestId('events-upcoming')
			.getByRole('button', { name: t(locale, 'events_set_current', { event: name }) })
			.click();
		await page.getByText(t(locale, 'events_now_current', { event: name })).waitFor();
		expect(await readStore(page, 'events')).toMatchObject([
			{ name, timeZone: 'Asia/Taipei', startsAt: new Date(startsAt).toISOString() }
		]);

		// Hours typed for a venue stay as typed when its zone changes: they are read on its clock.
		await page.getByRole('button', { name: t(locale, 'events_new') }).click();
		await page.getByLabel(t(locale, 'events_field_name')).fill('Tokyo');
		await page.getByLabel(t(locale, 'events_field_starts')).fill('2030-05-01T19:00');
		await page.getByLabel(t(locale, 'events_field_ends')).fill('2030-05-01T21:00');
		await page.getByLabel(t(locale, 'events_field_time_zone')).fill('Asia/Tokyo');
		expect(await page.getByLabel(t(locale, 'events_field_starts')).inputValue()).toBe(
			'2030-05-01T19:00'
		);
		await page.getByRole('button', { name: t(locale, 'events_save') }).click();
		await page.getByText(t(locale, 'events_saved')).waitFor();
		expect((await readStore(page, 'events')).find((event) => event.name === 'Tokyo')).toMatchObject(
			{ startsAt: '2030-05-01T10:00:00.000Z', endsAt: '2030-05-01T12:00:00.000Z' }
		);
		expect(session.pageErrors).toEqual([]);
	});

	test('deleting an event offline keeps the people met there, with its name', async () => {
		session = await launchBrowser({ locale: browser });
		const { context, page } = session;
		const event = anEvent('AI 產品小聚', iso(-3_600_000), iso(2 * 3_600_000));
		const other = anEvent('設計週', iso(5 * DAY), iso(5 * DAY + 3_600_000));
		const chen = person('陳美玲', { eventId: event.id, metAt: iso(-1_800_000) });
		await seedQueue(
			page,
			server.url,
			{
				settings: { timeZone: 'Asia/Taipei', currentEventId: event.id },
				events: [event, other],
				connections: [chen],
				followUps: [chen.followUp({ dueAt: iso(-DAY) })]
			},
			'/'
		);
		await page.getByTestId('current-event').waitFor();
		await waitForServiceWorkerControl(page);
		await context.setOffline(true);

		await openHydrated(page, `${server.url}/events`);
		await page.getByTestId('events-upcoming').getByRole('heading', { name: event.name }).waitFor();
		await page
			.getByRole('button', { name: t(locale, 'events_delete', { event: event.name }) })
			.click();
		const dialog = page.getByTestId('delete-event');
		await dialog.waitFor();
		expect(await dialog.getByRole('heading').textContent()).toBe(
			t(locale, 'events_delete_title', { event: event.name })
		);
		expect(await dialog.textContent()).toContain(
			t(locale, 'events_delete_keeps', { event: event.name, count: 1 })
		);
		// The safe choice has the focus, and cancelling deletes nothing.
		await page.keyboard.press('Escape');
		await dialog.waitFor({ state: 'detached' });
		expect((await storedEvent(page, event.id)).deletedAt).toBeUndefined();

		await page
			.getByRole('button', { name: t(locale, 'events_delete', { event: event.name }) })
			.click();
		await dialog
			.getByRole('button', { name: t(locale, 'events_delete_confirm'), exact: true })
			.click();
		await page.getByText(t(locale, 'events_deleted', { event: event.name })).waitFor();
		// The list is re-read from the device once the deletion is stored, a moment after the notice.
		await expect
			.poll(() => page.getByRole('heading', { name: event.name }).count(), eventually)
			.toBe(0);
		await page.getByRole('heading', { name: other.name }).waitFor();

		// A tombstone, queued for sync; nothing deleted for real.
		const stored = await storedEvent(page, event.id);
		expect(stored.deletedAt).toBeDefined();
		expect(stored.queued).toBe(true);

		await openHydrated(page, `${server.url}/`);
		expect(await page.getByTestId('current-event').count()).toBe(0);

		await openHydrated(page, `${server.url}/people`);
		await expect.poll(() => page.locator('main').textContent(), eventually).toContain(event.name);
		expect(await page.locator('main').textContent()).toContain('陳美玲');

		await openHydrated(page, `${server.url}/follow-ups`);
		await page.locator('[data-ready="true"]').waitFor();
		await expect
			.poll(() => page.locator('article').filter({ hasText: '陳美玲' }).textContent(), eventually)
			.toContain(event.name);
		expect(await headingText(page)).toBe(t(locale, 'follow_ups_heading'));
		expect(session.pageErrors).toEqual([]);
	});
});
