// The promise of the app in one flow: a prompt gets a conversation going, the person's QR is
// scanned, the prompt becomes the talk phrase, and a follow-up is waiting in the queue.
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { encodeCardUrl, type Card } from '$lib/domain/card';
import { openHydrated, startAppServer, t, type AppServer } from '../support/browser';
import { launchWithFakeCamera, type FakeCameraSession } from '../support/camera';
import { currentEvent, seed } from '../support/people';

const locale = 'zh-TW';
const card: Card = {
	name: '黃雅婷',
	company: '小島咖啡',
	channels: [{ kind: 'email', value: 'yating@example.com' }]
};
const event = currentEvent('台中設計週');

let server: AppServer;
let session: FakeCameraSession;

beforeAll(async () => {
	server = await startAppServer();
	session = await launchWithFakeCamera(encodeCardUrl(card, server.url), {
		executablePath: inject('chromiumPath'),
		locale
	});
	await openHydrated(session.page, `${server.url}/`);
	await seed(session.page, { events: [event], settings: { currentEventId: event.id } });
});

afterAll(async () => {
	await session?.close();
	await server?.close();
});

describe('from a prompt to a follow-up', () => {
	test('the prompt that worked becomes the talk phrase, and the follow-up is in the queue', async () => {
		const { page } = session;
		await openHydrated(page, `${server.url}/prompts`);
		const prompt = page.getByTestId('prompt-text');
		await prompt.waitFor();
		const promptText = (await prompt.textContent())?.trim() ?? '';
		expect(promptText).not.toBe('');
		await page.getByRole('button', { name: t(locale, 'prompts_worked') }).click();
		await expect
			.poll(() =>
				page.getByRole('button', { name: t(locale, 'prompts_worked') }).getAttribute('aria-pressed')
			)
			.toBe('true');

		await openHydrated(page, `${server.url}/scan`);
		await page.getByRole('button', { name: t(locale, 'scan_start_camera') }).click();
		await page.getByTestId('scan-preview').waitFor();
		// It starts the talk phrase the draft will cite; the private note stays empty.
		const phrase = page.getByLabel(t(locale, 'scan_talk_label'));
		await expect.poll(() => phrase.inputValue()).toBe(promptText);
		expect(await page.getByLabel(t(locale, 'scan_note_label')).inputValue()).toBe('');
		await page.getByRole('button', { name: t(locale, 'scan_save'), exact: true }).click();
		await page.getByText(t(locale, 'scan_saved', { name: card.name })).waitFor();

		await openHydrated(page, `${server.url}/follow-ups`);
		const main = page.getByRole('main');
		await main.getByRole('heading', { level: 1 }).waitFor();
		await expect.poll(() => main.locator('button[aria-expanded]').count()).toBeGreaterThan(0);
		// Open every collapsed section: where the follow-up lands depends on today's weekday.
		const closed = main.locator('button[aria-expanded="false"]');
		while ((await closed.count()) > 0) await closed.first().click();
		await main.getByText(card.name, { exact: true }).waitFor();
		const queue = await main.innerText();
		expect(queue).toContain(card.company);
		expect(queue).toContain(event.name);
		expect(queue).toContain(promptText);
		expect(session.pageErrors).toEqual([]);
	});
});
