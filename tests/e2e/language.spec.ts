// zh-TW is the default; English is one tap away in Settings and is remembered across visits.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import {
	eventually,
	headingText,
	htmlLang,
	LANGUAGE_KEY,
	launchBrowser,
	startAppServer,
	t,
	type AppServer,
	type BrowserSession
} from '../support/browser';

let server: AppServer;

beforeAll(async () => {
	server = await startAppServer();
});

afterAll(async () => {
	await server?.close();
});

describe('switching language', () => {
	let session: BrowserSession;

	beforeAll(async () => {
		session = await launchBrowser();
	});

	afterAll(async () => {
		await session?.close();
	});

	test('a first visit opens in Traditional Chinese', async () => {
		const { page } = session;
		await page.goto(`${server.url}/`);
		await expect.poll(() => headingText(page), eventually).toBe(t('zh-TW', 'home_heading'));
		expect(await htmlLang(page)).toBe('zh-TW');
		expect(await page.title()).toBe(t('zh-TW', 'page_title', { page: t('zh-TW', 'nav_home') }));
	});

	test('choosing English in Settings reloads the app in English', async () => {
		const { page } = session;
		await page.goto(`${server.url}/settings`);
		await expect.poll(() => headingText(page), eventually).toBe(t('zh-TW', 'settings_heading'));
		const english = page.getByRole('button', { name: 'English', exact: true });
		expect(await english.getAttribute('aria-pressed')).toBe('false');

		await Promise.all([page.waitForEvent('load'), english.click()]);

		await expect.poll(() => headingText(page), eventually).toBe(t('en', 'settings_heading'));
		expect(await htmlLang(page)).toBe('en');
		expect(
			await page.getByRole('button', { name: 'English', exact: true }).getAttribute('aria-pressed')
		).toBe('true');
	});

	test('English is remembered across reloads and on other pages', async () => {
		const { page } = session;
		await page.reload();
		await expect.poll(() => headingText(page), eventually).toBe(t('en', 'settings_heading'));

		await page.goto(`${server.url}/`);
		await expect.poll(() => headingText(page), eventually).toBe(t('en', 'home_heading'));
		expect(await htmlLang(page)).toBe('en');
		expect(await page.title()).toBe(t('en', 'page_title', { page: t('en', 'nav_home') }));
	});

	test('switching back to 繁體中文 restores Traditional Chinese', async () => {
		const { page } = session;
		await page.goto(`${server.url}/settings`);
		await expect.poll(() => headingText(page), eventually).toBe(t('en', 'settings_heading'));

		await Promise.all([
			page.waitForEvent('load'),
			page.getByRole('button', { name: '繁體中文', exact: true }).click()
		]);

		await expect.poll(() => headingText(page), eventually).toBe(t('zh-TW', 'settings_heading'));
		expect(await htmlLang(page)).toBe('zh-TW');
		await page.goto(`${server.url}/`);
		await expect.poll(() => headingText(page), eventually).toBe(t('zh-TW', 'home_heading'));
	});

	test('no uncaught errors while switching', () => {
		expect(session.pageErrors).toEqual([]);
	});
});

describe('a saved language the app does not know', () => {
	let session: BrowserSession;

	beforeEach(async () => {
		session = await launchBrowser();
	});

	afterEach(async () => {
		await session?.close();
	});

	/** Saves a value the way an older or a broken build might have, then opens the app. */
	async function openWithSavedLanguage(saved: string): Promise<void> {
		const { page } = session;
		await page.goto(`${server.url}/`);
		await expect.poll(() => headingText(page), eventually).not.toBeNull();
		const stored = await page.evaluate(
			({ key, value }) => {
				localStorage.setItem(key, value);
				return localStorage.getItem(key);
			},
			{ key: LANGUAGE_KEY, value: saved }
		);
		expect(stored).toBe(saved);
		await page.reload();
	}

	// The control case: the same path with a known value does change the language, so the
	// fallback cases below cannot pass just because the saved value was never read.
	test('a saved "en" opens in English', async () => {
		await openWithSavedLanguage('en');
		await expect.poll(() => headingText(session.page), eventually).toBe(t('en', 'home_heading'));
		expect(await htmlLang(session.page)).toBe('en');
	});

	test.for(['fr', 'EN-gb-x-garbage', '{"locale":"en"}', '\u0000'])(
		'%j falls back to Traditional Chinese instead of a blank page',
		async (saved) => {
			await openWithSavedLanguage(saved);
			await expect
				.poll(() => headingText(session.page), eventually)
				.toBe(t('zh-TW', 'home_heading'));
			expect(await htmlLang(session.page)).toBe('zh-TW');
			expect(session.pageErrors).toEqual([]);
		}
	);
});
