// The weekly goal counts what you did: a follow-up marked done moves it (whatever its kind, in the
// person's time zone), skipped ones sit apart and say they do not count, and coming back from a
// send link asks once whether the message went out.
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import {
	browsersSpeaking,
	eventually,
	launchBrowser,
	startAppServer,
	t,
	type AppServer,
	type BrowserSession
} from '../support/browser';
import { DAY, iso, person, seedQueue } from '../support/followUps';

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

const settings = { timeZone: 'Asia/Taipei', weeklyGoal: 3 };

const item = (page: Page, name: string) => page.locator('article').filter({ hasText: name });

/** What the page sees when the person leaves for another app and comes back. */
async function leaveAndComeBack(page: Page): Promise<void> {
	for (const state of ['hidden', 'visible']) {
		await page.evaluate((state) => {
			Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
			document.dispatchEvent(new Event('visibilitychange'));
		}, state);
	}
}

describe.each(browsersSpeaking)('the weekly goal in $locale', ({ locale, browser }) => {
	const progressText = (done: number) => t(locale, 'followUps_weekly_progress', { done, goal: 3 });
	const sectionButton = (page: Page, section: string, count: number) =>
		page.getByRole('button', {
			name: t(locale, 'followUps_section_label', {
				section: t(locale, `followUps_section_${section}`),
				count
			}),
			exact: true
		});

	test('done moves the count; skipped sits apart, says so, and does not count', async () => {
		session = await launchBrowser({ locale: browser });
		const { page } = session;
		// No keep-in-touch tier: a plain post-event follow-up counts all the same.
		const lin = person('林志明');
		const chen = person('陳美玲');
		await seedQueue(page, server.url, {
			settings,
			connections: [lin, chen],
			followUps: [lin.followUp(), chen.followUp()]
		});
		const progress = page.getByTestId('weekly-progress');
		await expect.poll(() => progress.textContent(), eventually).toBe(progressText(0));

		await item(page, '林志明')
			.getByRole('button', { name: t(locale, 'followUps_done'), exact: true })
			.click();
		await expect.poll(() => progress.textContent(), eventually).toBe(progressText(1));

		await item(page, '陳美玲')
			.getByRole('button', { name: t(locale, 'followUps_skip'), exact: true })
			.click();
		const skipped = sectionButton(page, 'skipped', 1);
		await skipped.click();
		const skippedPanel = page.locator('[data-section="section-skipped"]');
		await skippedPanel.getByText(t(locale, 'followUps_section_skipped_hint')).waitFor();
		expect(await skippedPanel.locator('article h3').allTextContents()).toEqual(['陳美玲']);
		await sectionButton(page, 'done', 1).click();
		expect(
			await page.locator('[data-section="section-done"] article h3').allTextContents()
		).toEqual(['林志明']);
		expect(await progress.textContent()).toBe(progressText(1));

		// It is stored, not just shown: the count is the same after a reload.
		await page.reload();
		await expect.poll(() => progress.textContent(), eventually).toBe(progressText(1));
		expect(session.pageErrors).toEqual([]);
	});

	test('coming back from a send link asks once "sent?", and marking done can be undone', async () => {
		session = await launchBrowser({ locale: browser });
		const { page } = session;
		const lin = person('林志明', {
			card: { name: '林志明', channels: [{ kind: 'email', value: 'lin@example.com' }] }
		});
		await seedQueue(page, server.url, {
			settings,
			connections: [lin],
			followUps: [lin.followUp({ dueAt: iso(-DAY) })]
		});
		const progress = page.getByTestId('weekly-progress');
		await expect.poll(() => progress.textContent(), eventually).toBe(progressText(0));
		// The mail app cannot open here; the page only needs to see the link used.
		await page.evaluate(() =>
			document.addEventListener(
				'click',
				(event) => {
					if ((event.target as Element).closest('a[data-channel]')) event.preventDefault();
				},
				true
			)
		);
		const card = item(page, '林志明');
		await card.getByText(t(locale, 'followUps_draft_open', { name: '林志明' })).click();
		const question = page.getByTestId('sent-question');

		// Leaving without using a send link asks nothing.
		await leaveAndComeBack(page);
		expect(await question.count()).toBe(0);

		await card.getByRole('link', { name: t(locale, 'followUps_channel_email') }).click();
		expect(await question.count()).toBe(0);
		await leaveAndComeBack(page);
		await question.waitFor();
		expect(await question.textContent()).toContain(
			t(locale, 'followUps_sent_question', { name: '林志明' })
		);
		// Asked once: answered "not yet", the next return asks nothing…
		await question.getByRole('button', { name: t(locale, 'followUps_sent_not_yet') }).click();
		await question.waitFor({ state: 'detached' });
		await leaveAndComeBack(page);
		expect(await question.count()).toBe(0);
		expect(await progress.textContent()).toBe(progressText(0));

		// …until a send link is used again.
		await card.getByRole('link', { name: t(locale, 'followUps_channel_email') }).click();
		await leaveAndComeBack(page);
		await question.waitFor();
		await question.getByRole('button', { name: t(locale, 'followUps_sent_mark_done') }).click();
		await expect.poll(() => progress.textContent(), eventually).toBe(progressText(1));
		await page
			.getByTestId('queue-toast')
			.getByRole('button', { name: t(locale, 'followUps_undo'), exact: true })
			.click();
		await expect.poll(() => progress.textContent(), eventually).toBe(progressText(0));
		await card.getByRole('button', { name: t(locale, 'followUps_done'), exact: true }).waitFor();
		expect(session.pageErrors).toEqual([]);
	});
});
