// A first visit reads the browser's language (any Chinese → 繁體中文, English → English, else
// 繁體中文); a language chosen in Settings or on the card page is remembered and always wins.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { encodeCardUrl } from '../../src/lib/domain/card';
import {
	eventually,
	headingText,
	htmlLang,
	LANGUAGE_KEY,
	launchBrowser,
	openHydrated,
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
		await openHydrated(page, `${server.url}/settings`);
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
		await openHydrated(page, `${server.url}/settings`);
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

describe("a first visit follows the browser's languages", () => {
	let session: BrowserSession | undefined;

	afterEach(async () => {
		await session?.close();
		session = undefined;
	});

	/** Whether the prerendered Chinese page was hidden until it was re-rendered (no flash). */
	async function watchForHiding(page: BrowserSession['page']): Promise<void> {
		await page.addInitScript(() => {
			// Init scripts run before <html> exists, so the whole document is watched. Each change
			// is checked with the value before it, so a class added and lifted again before the
			// observer runs is still seen.
			new MutationObserver((records) => {
				const values = records.map((record) => record.oldValue ?? '');
				values.push(document.documentElement?.className ?? '');
				if (values.some((value) => value.split(' ').includes('relocalising'))) {
					(window as { hidUntilRelocalised?: boolean }).hidUntilRelocalised = true;
				}
			}).observe(document, {
				subtree: true,
				attributes: true,
				attributeFilter: ['class'],
				attributeOldValue: true
			});
		});
	}

	const hid = (page: BrowserSession['page']) =>
		page.evaluate(() => (window as { hidUntilRelocalised?: boolean }).hidUntilRelocalised ?? false);

	test('an en-US browser opens in English, without a flash of Chinese', async () => {
		session = await launchBrowser({ locale: 'en-US' });
		const { page } = session;
		await watchForHiding(page);
		await page.goto(`${server.url}/`);
		await expect.poll(() => headingText(page), eventually).toBe(t('en', 'home_heading'));
		expect(await htmlLang(page)).toBe('en');
		expect(await hid(page)).toBe(true);
		expect(await page.evaluate((key) => localStorage.getItem(key), LANGUAGE_KEY)).toBeNull();
		expect(session.pageErrors).toEqual([]);
	});

	test.for(['zh-HK', 'zh-CN', 'fr-FR'])('a %s browser opens in 繁體中文', async (locale) => {
		session = await launchBrowser({ locale });
		const { page } = session;
		await watchForHiding(page);
		await page.goto(`${server.url}/`);
		await expect.poll(() => headingText(page), eventually).toBe(t('zh-TW', 'home_heading'));
		expect(await htmlLang(page)).toBe('zh-TW');
		expect(await hid(page)).toBe(false);
	});

	test('a saved choice wins over the browser', async () => {
		session = await launchBrowser({ locale: 'en-US' });
		const { page } = session;
		await openHydrated(page, `${server.url}/settings`);
		await expect.poll(() => headingText(page), eventually).toBe(t('en', 'settings_heading'));
		await Promise.all([
			page.waitForEvent('load'),
			page.getByRole('button', { name: '繁體中文', exact: true }).click()
		]);
		await expect.poll(() => headingText(page), eventually).toBe(t('zh-TW', 'settings_heading'));
		await page.goto(`${server.url}/`);
		await expect.poll(() => headingText(page), eventually).toBe(t('zh-TW', 'home_heading'));
		expect(await htmlLang(page)).toBe('zh-TW');
	});
});

describe('the card page for a guest without the app', () => {
	let session: BrowserSession | undefined;

	afterEach(async () => {
		await session?.close();
		session = undefined;
	});

	test('reads in their language, says what Rapport is, switches language, and has no app navigation', async () => {
		session = await launchBrowser({ locale: 'en-US' });
		const { page } = session;
		const link = encodeCardUrl(
			{ name: '陳怡君', altName: 'Amy Chen', channels: [{ kind: 'line', value: 'amy_chen' }] },
			server.url
		);
		await page.goto(link);
		await expect.poll(() => headingText(page), eventually).toBe('陳怡君');
		const guest = page.getByTestId('guest-header');
		await guest.getByText(t('en', 'public_card_guest_about')).waitFor();
		expect(await page.getByText(t('en', 'public_card_save_contact')).count()).toBe(1);
		expect(await page.getByRole('navigation').count()).toBe(0);
		expect(await page.getByRole('link', { name: t('en', 'nav_scan') }).count()).toBe(0);

		await Promise.all([
			page.waitForEvent('load'),
			guest.getByRole('button', { name: '繁體中文', exact: true }).click()
		]);
		await guest.getByText(t('zh-TW', 'public_card_guest_about')).waitFor();
		expect(await htmlLang(page)).toBe('zh-TW');
		// The reloaded page is the prerendered one until it reads the card from the link.
		await expect.poll(() => headingText(page), eventually).toBe('陳怡君');
		expect(
			await guest
				.getByRole('button', { name: '繁體中文', exact: true })
				.getAttribute('aria-pressed')
		).toBe('true');
		expect(session.pageErrors).toEqual([]);
	});
});
