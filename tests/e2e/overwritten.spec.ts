// Two devices of one account write the same person's note, one of them offline: the later edit
// wins everywhere, and the device whose text lost shows it on the person ("another device
// changed this") with "Put mine back", which puts it in the open editor and syncs it to the
// other device. Runs against a throwaway PostgreSQL behind the test gateway.
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { eventually, goOffline, openHydrated, t } from '../support/browser';
import { axeViolations, readStore } from '../support/card';
import { useSyncWorld } from '../support/syncJourney';

const locale = 'zh-TW';
const email = 'yijun@example.test';
const person = '林志明';
const phoneNote = '手機上寫的：他想找會做無障礙設計的人';
const laptopNote = '筆電上寫的：下週三約喝咖啡';
// Two devices, each syncing a few times: longer than one page's journey on a busy machine.
const TWO_DEVICE_JOURNEY_MS = 120_000;

const { world, ...journey } = useSyncWorld(locale);

async function openPerson(page: Page): Promise<void> {
	await openHydrated(page, `${world.origin}/people`);
	await page.getByRole('link', { name: person }).click();
	await page.locator('#person-note').waitFor();
}

const noteOn = async (page: Page) =>
	(await readStore(page, 'connections')).find(
		(connection) => (connection.card as { name: string }).name === person
	)?.note;

describe('another device changed this', () => {
	test(
		'the losing note is shown on the person, and Put mine back restores it everywhere',
		async () => {
			const phone = await world.device();
			await journey.saveCard(phone.page, '陳怡君');
			await journey.syncWithEmail(phone.page, email);
			await journey.keepPerson(phone.page, person, '初次見面');
			await journey.syncedIdle(phone.page);

			const laptop = await world.device();
			await journey.signIn(laptop.page, email);
			await expect.poll(() => noteOn(laptop.page), eventually).toBe('初次見面');

			// The phone writes offline; the laptop writes later and syncs first.
			await openPerson(phone.page);
			await goOffline(phone.context, phone.page);
			await journey.saveNote(phone.page, phoneNote);
			await openPerson(laptop.page);
			await journey.saveNote(laptop.page, laptopNote);
			await journey.syncedIdle(laptop.page);

			// Back online with the person's page open: the later note arrives, and the phone's own
			// text is offered back rather than lost.
			await openPerson(phone.page);
			await phone.context.setOffline(false);
			const notice = phone.page.getByTestId('overwritten-notice');
			await notice.waitFor();
			expect(await notice.locator('blockquote').innerText()).toBe(phoneNote);
			await expect
				.poll(() => phone.page.locator('#person-note').inputValue(), eventually)
				.toBe(laptopNote);
			expect(await axeViolations(phone.page)).toEqual([]);

			await notice.getByRole('button', { name: t(locale, 'sync_overwritten_restore') }).click();
			await expect
				.poll(() => phone.page.locator('#person-note').inputValue(), eventually)
				.toBe(phoneNote);
			// The note is written back first, then the kept text is let go: the notice goes after.
			await expect
				.poll(() => phone.page.getByTestId('overwritten-notice').count(), eventually)
				.toBe(0);

			await journey.syncedIdle(phone.page);
			await journey.syncedIdle(laptop.page);
			await expect.poll(() => noteOn(laptop.page), eventually).toBe(phoneNote);
			expect(phone.pageErrors).toEqual([]);
			expect(laptop.pageErrors).toEqual([]);
		},
		TWO_DEVICE_JOURNEY_MS
	);
});
