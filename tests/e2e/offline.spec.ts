// The venue has no Wi-Fi: after one online visit every screen, deep links included, must open
// from the service worker's precache alone.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
	eventually,
	headingText,
	isControlled,
	launchBrowser,
	startAppServer,
	t,
	waitForServiceWorkerControl,
	type AppServer,
	type BrowserSession,
	type MessageKey
} from '../support/browser';

const deepLinks: [path: string, heading: MessageKey][] = [
	['/prompts', 'prompts_heading'],
	['/card', 'card_heading'],
	['/follow-ups', 'follow_ups_heading'],
	['/people', 'people_heading'],
	['/settings', 'settings_heading'],
	['/scan', 'scan_heading'],
	['/c#anything', 'public_card_heading']
];

describe('offline after one online visit', () => {
	let server: AppServer;
	let session: BrowserSession;

	beforeAll(async () => {
		server = await startAppServer();
		session = await launchBrowser();
	});

	afterAll(async () => {
		await session?.close();
		await server?.close();
	});

	test('the first online visit installs a service worker that takes control', async () => {
		const { page } = session;
		await page.goto(`${server.url}/`);
		await expect.poll(() => headingText(page), eventually).toBe(t('zh-TW', 'home_heading'));
		await waitForServiceWorkerControl(page);
		expect(await isControlled(page)).toBe(true);
	});

	test('with the server gone and the browser offline, / still opens', async () => {
		const { context, page } = session;
		await server.close();
		await context.setOffline(true);

		// Proves the network is really gone, so the pages below can only come from the cache.
		const probe = await page.evaluate(() =>
			fetch(`/not-precached-${Date.now()}.txt`).then(
				() => 'reached the network',
				() => 'failed'
			)
		);
		expect(probe).toBe('failed');

		await page.reload();
		await expect.poll(() => headingText(page), eventually).toBe(t('zh-TW', 'home_heading'));
		expect(await isControlled(page)).toBe(true);
	});

	test.for(deepLinks)('offline deep link %s renders its page', async ([path, heading]) => {
		const { page } = session;
		await page.goto(`${server.url}${path}`);
		await expect.poll(() => headingText(page), eventually).toBe(t('zh-TW', heading));
		expect(await isControlled(page)).toBe(true);
		// The shell around the page came along too, not just the heading. The card page is for
		// guests: it has no app navigation, only the line on what Rapport is.
		if (path.split('#')[0] === '/c') {
			await page.getByText(t('zh-TW', 'public_card_guest_about')).waitFor();
		} else {
			expect(await page.getByRole('navigation', { name: t('zh-TW', 'nav_label') }).count()).toBe(1);
		}
	});

	test('no uncaught errors while offline', () => {
		expect(session.pageErrors).toEqual([]);
	});
});
