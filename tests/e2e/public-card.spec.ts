// The card page a phone camera opens: works offline after one visit, saves a correct vCard,
// keeps the person in Rapport with a follow-up, sends the viewer's own card back, and explains a
// damaged link instead of showing a blank page, with ways on that need no app.
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, onTestFinished, test } from 'vitest';
import { encodeCardUrl, type Card } from '../../src/lib/domain/card';
import {
	browsersSpeaking,
	eventually,
	headingText,
	isControlled,
	launchBrowser,
	openHydrated,
	recordScripts,
	startAppServer,
	t,
	waitForServiceWorkerControl,
	type AppServer,
	type BrowserSession,
	type LoadedScript
} from '../support/browser';
import { readStore } from '../support/card';

const focusedId = (page: Page) => page.evaluate(() => document.activeElement?.id ?? null);

const card: Card = {
	name: '陳怡君',
	altName: 'Yijun Chen',
	title: '資深工程師',
	company: '台灣半導體股份有限公司',
	channels: [
		{ kind: 'email', value: 'yijun.chen@example.com.tw' },
		{ kind: 'phone', value: '+886912345678' },
		{ kind: 'line', value: 'yijun_chen' }
	]
};

describe('the card page', () => {
	let server: AppServer;
	let session: BrowserSession;
	let link: string;

	beforeAll(async () => {
		server = await startAppServer();
		session = await launchBrowser();
		link = encodeCardUrl(card, server.url);
	});

	afterAll(async () => {
		await session?.close();
		await server?.close();
	});

	test('a guest who only looks gets no database on their phone, until they go into the app', async () => {
		const { page } = session;
		const databases = () =>
			page.evaluate(async () => (await indexedDB.databases()).map((db) => db.name));
		await openHydrated(page, link);
		await page.getByRole('heading', { level: 1, name: card.name }).waitFor();
		// Long enough for anything the page starts on its own to have opened storage.
		await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 1000)));
		expect(await databases()).toEqual([]);

		await page.getByRole('link', { name: t('zh-TW', 'app_name') }).click();
		await page.waitForURL(`${server.url}/`);
		await expect.poll(databases, eventually).toContain('rapport');
	});

	test('a guest’s phone downloads none of the app’s local database until they keep the card', async () => {
		// A fresh phone, and no service worker precaching the whole app behind the page's back.
		const guest = await launchBrowser({ serviceWorkers: 'block' });
		onTestFinished(() => guest.close());
		const { page } = guest;
		const scripts = recordScripts(page);
		const opensDatabase = (loaded: LoadedScript[]) =>
			loaded.some(({ text }) => text.includes('indexedDB.open'));

		await openHydrated(page, link);
		await page.getByRole('heading', { level: 1, name: card.name }).waitFor();
		await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 1000)));
		const beforeKeeping = await scripts();
		expect(beforeKeeping.length).toBeGreaterThan(0);
		expect(opensDatabase(beforeKeeping)).toBe(false);

		await page.getByRole('button', { name: t('zh-TW', 'public_card_keep') }).click();
		await page.getByText(t('zh-TW', 'public_card_kept')).waitFor();
		expect(opensDatabase(await scripts())).toBe(true);
		expect(guest.pageErrors).toEqual([]);
	});

	test('a card with a name only shows no empty frame under the name', async () => {
		const { page } = session;
		await openHydrated(page, encodeCardUrl({ name: card.name, channels: [] }, server.url));
		await page.getByRole('heading', { level: 1, name: card.name }).waitFor();
		expect(await page.getByTestId('public-card').count()).toBe(0);
		await page.getByRole('button', { name: t('zh-TW', 'public_card_save_contact') }).waitFor();
	});

	test('a damaged link says so instead of showing a wrong card', async () => {
		const { page } = session;
		const fragment = new URL(link).hash;
		// One character of the body changed: the check digits no longer match.
		const tampered = fragment.slice(0, 5) + (fragment[5] === 'A' ? 'B' : 'A') + fragment.slice(6);
		await page.goto(`${server.url}/c${tampered}`);
		await page.getByText(t('zh-TW', 'public_card_error_broken_link')).waitFor();
		expect(await headingText(page)).toBe(t('zh-TW', 'public_card_heading'));
		// Text that was never one of our links is damaged too, not "from a newer version".
		for (const garbage of ['#garbage', '#javascript:alert(1)']) {
			await page.goto(`${server.url}/c${garbage}`);
			await page.getByText(t('zh-TW', 'public_card_error_broken_link')).waitFor();
			expect(
				await page.getByText(t('zh-TW', 'public_card_error_unsupported_version')).count()
			).toBe(0);
		}
		await page.goto(`${server.url}/c#9abcd`);
		await page.getByText(t('zh-TW', 'public_card_error_unsupported_version')).waitFor();
		await page.goto(`${server.url}/c`);
		await page.getByText(t('zh-TW', 'public_card_missing')).waitFor();
	});

	test('offline after one visit it shows the card and saves a vCard', async () => {
		const { context, page } = session;
		await page.goto(`${server.url}/`);
		await waitForServiceWorkerControl(page);
		await server.close();
		await context.setOffline(true);

		await page.goto(link);
		await expect.poll(() => headingText(page), eventually).toBe('陳怡君');
		expect(await isControlled(page)).toBe(true);
		const shown = await page.getByTestId('public-card').textContent();
		for (const text of ['Yijun Chen', '資深工程師', '台灣半導體股份有限公司', 'yijun_chen']) {
			expect(shown).toContain(text);
		}
		expect(
			await page.getByRole('link', { name: 'yijun.chen@example.com.tw' }).getAttribute('href')
		).toBe('mailto:yijun.chen@example.com.tw');

		const [download] = await Promise.all([
			page.waitForEvent('download'),
			page.getByRole('button', { name: t('zh-TW', 'public_card_save_contact') }).click()
		]);
		expect(download.suggestedFilename()).toBe('陳怡君.vcf');
		const vcard = await readFile((await download.path())!, 'utf8');
		expect(vcard.startsWith('BEGIN:VCARD\r\nVERSION:3.0\r\n')).toBe(true);
		expect(vcard.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
		expect(vcard).toMatch(/\r\nN:陳;怡君;;;\r\n/);
		expect(vcard).toContain('\r\nFN:陳怡君\r\n');
		expect(vcard).toContain('yijun.chen@example.com.tw');
	});

	test('"Keep in Rapport" saves the connection with a follow-up, offline too', async () => {
		const { page } = session;
		await page.getByRole('button', { name: t('zh-TW', 'public_card_keep') }).click();
		await page.getByText(t('zh-TW', 'public_card_kept')).waitFor();
		expect(
			await page.getByRole('link', { name: t('zh-TW', 'public_card_people_link') }).count()
		).toBe(1);
		const connections = await readStore(page, 'connections');
		expect(connections).toHaveLength(1);
		expect(connections[0]).toMatchObject({ source: 'card_page', card: { name: '陳怡君' } });
		const followUps = await readStore(page, 'followUps');
		expect(followUps).toMatchObject([
			{ connectionId: connections[0]!.id, kind: 'post_event', status: 'pending' }
		]);
	});

	test('"Send mine back" makes a quick card when there is none, then shows its QR', async () => {
		const { page } = session;
		const sendBack = page.getByRole('button', { name: t('zh-TW', 'public_card_send_back') });
		await sendBack.click();
		await page.getByRole('heading', { name: t('zh-TW', 'public_card_quick_heading') }).waitFor();
		// The form opened below the buttons: the keyboard is taken to its first field.
		const name = page.getByLabel(t('zh-TW', 'card_field_name'), { exact: true });
		await expect.poll(() => focusedId(page), eventually).toBe('quick-name');
		await name.fill('林志明');
		await page.getByLabel(t('zh-TW', 'card_add_channel_kind')).selectOption('phone');
		// The box is named as the kind is everywhere else in the app.
		const value = page.getByLabel(t('zh-TW', 'card_kind_phone'), { exact: true });
		await value.fill('09-12 AB');
		await page.getByRole('button', { name: t('zh-TW', 'public_card_quick_create') }).click();
		await page.getByText(t('zh-TW', 'card_error_invalid_phone')).waitFor();
		expect(await value.inputValue()).toBe('09-12 AB');

		await value.fill('0912 000 111');
		await page.getByRole('button', { name: t('zh-TW', 'public_card_quick_create') }).click();
		const qr = page.getByTestId('my-qr');
		await qr.locator('svg path').waitFor();
		expect(await qr.getAttribute('data-card-url')).toMatch(/\/c#1[A-Za-z0-9_-]+$/);
		expect(await qr.locator('figcaption').textContent()).toBe('林志明');
		expect((await readStore(page, 'profile'))[0]).toMatchObject({
			name: '林志明',
			channels: [{ kind: 'phone', value: '0912000111', shared: true }]
		});
		// The form is gone with the button that saved it: closing the QR comes back to the button
		// that started it, not to the top of the page.
		await page.getByRole('button', { name: t('zh-TW', 'card_qr_close') }).click();
		await expect.poll(() => focusedId(page), eventually).toBe('send-mine-back');
		expect(await sendBack.evaluate((button) => button === document.activeElement)).toBe(true);
	});

	test('no uncaught errors', () => {
		expect(session.pageErrors).toEqual([]);
	});
});

describe.each(browsersSpeaking)('a damaged card link in $locale', ({ locale, browser }) => {
	let server: AppServer;
	let session: BrowserSession | undefined;

	beforeAll(async () => {
		server = await startAppServer();
	});
	afterEach(async () => {
		await session?.close();
		session = undefined;
	});
	afterAll(async () => {
		await server?.close();
	});

	test('offers a guest ways on that need no app, and the app only as a choice', async () => {
		session = await launchBrowser({ locale: browser });
		const { page } = session;
		await page.setViewportSize({ width: 320, height: 640 });
		await openHydrated(page, `${server.url}/c#garbage`);
		await page.getByRole('alert').getByText(t(locale, 'public_card_error_broken_link')).waitFor();
		const problem = page.getByTestId('card-link-problem');
		expect(await problem.getByRole('listitem').allTextContents()).toEqual([
			t(locale, 'public_card_problem_rescan'),
			t(locale, 'public_card_problem_ask_link')
		]);
		// Nothing sends someone without the app into it: no "Back to home", and the app is a link
		// after a line that says it is not needed. (The service worker's "ready offline" line may
		// come with its own dismiss button by now.)
		expect(await page.getByText(t(locale, 'back_home')).count()).toBe(0);
		expect(
			await page
				.getByRole('button')
				.filter({ hasNotText: /繁體中文|English/ })
				.filter({ hasNotText: t(locale, 'dismiss') })
				.count()
		).toBe(0);
		await page.getByText(t(locale, 'public_card_problem_optional')).waitFor();
		expect(
			await page
				.getByRole('link', { name: t(locale, 'public_card_problem_try_app') })
				.getAttribute('href')
		).toBe('/');
		expect(await page.getByRole('navigation').count()).toBe(0);
		expect(
			await page.evaluate(
				() => document.documentElement.scrollWidth <= document.documentElement.clientWidth
			)
		).toBe(true);

		// A card from a newer version can be read after a reload: that is offered as a button.
		await page.goto(`${server.url}/c#9abcd`);
		await page.getByText(t(locale, 'public_card_error_unsupported_version')).waitFor();
		await page.getByRole('button', { name: t(locale, 'update_reload') }).waitFor();
		expect(await page.getByTestId('card-link-problem').getByRole('listitem').count()).toBe(2);
		expect(session.pageErrors).toEqual([]);
	});
});
