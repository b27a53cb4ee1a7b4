// My card: the editor with its channels and share switches, the QR it shows, a draft that
// survives reloads and mistakes, and choosing the current event.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
	eventually,
	headingText,
	launchBrowser,
	openHydrated,
	startAppServer,
	t,
	type AppServer,
	type BrowserSession
} from '../support/browser';
import { axeViolations } from '../support/card';

describe('my card', () => {
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

	async function addChannel(kind: string, value: string) {
		const { page } = session;
		await page.getByLabel(t('zh-TW', 'card_add_channel_kind')).selectOption(kind);
		await page.getByRole('button', { name: t('zh-TW', 'card_add_channel'), exact: true }).click();
		// The new row's value box has the focus.
		await page.keyboard.type(value);
	}

	test('a mistake is explained per field, and nothing typed is lost, even on reload', async () => {
		const { page } = session;
		await openHydrated(page, `${server.url}/card`);
		await expect.poll(() => headingText(page), eventually).toBe(t('zh-TW', 'card_heading'));
		await page.getByLabel(t('zh-TW', 'card_field_name'), { exact: true }).fill('陳怡君');
		await addChannel('email', 'yijun.example.com');
		await addChannel('line', 'yijun chen');
		await page.getByRole('button', { name: t('zh-TW', 'card_save') }).click();

		await page.getByText(t('zh-TW', 'card_error_invalid_email')).waitFor();
		await page.getByText(t('zh-TW', 'card_error_invalid_line')).waitFor();
		// The first problem has the focus, so a keyboard user lands on it.
		expect(await page.evaluate(() => document.activeElement?.getAttribute('type'))).toBe('email');
		expect(await axeViolations(page)).toEqual([]);

		await page.reload();
		await page.getByText(t('zh-TW', 'card_draft_restored')).waitFor();
		expect(await page.getByLabel(t('zh-TW', 'card_field_name'), { exact: true }).inputValue()).toBe(
			'陳怡君'
		);
		const values = await page
			.locator('ol.channels input[id$="-value"]')
			.evaluateAll((inputs) => inputs.map((input) => (input as HTMLInputElement).value));
		expect(values).toEqual(['yijun.example.com', 'yijun chen']);
	});

	test('a fixed card saves, opens as its QR, and the QR link shows only what is shared', async () => {
		const { page } = session;
		await page.locator('ol.channels input[type="email"]').fill('yijun.chen@example.com.tw');
		await page.locator('ol.channels input[id$="-value"]').nth(1).fill('yijun_chen');
		await page
			.getByLabel(t('zh-TW', 'card_field_company'), { exact: true })
			.fill('台灣半導體股份有限公司');
		await page
			.getByLabel(t('zh-TW', 'card_share_field', { field: t('zh-TW', 'card_field_company') }))
			.uncheck();
		await addChannel('phone', '0912-345-678');
		await page
			.getByLabel(t('zh-TW', 'card_share_field', { field: t('zh-TW', 'card_kind_phone') }))
			.uncheck();
		// The LINE ID goes first; the move keeps the keyboard focus on its button.
		const lineUp = page.getByRole('button', {
			name: t('zh-TW', 'card_move_up', { kind: t('zh-TW', 'card_kind_line') })
		});
		await lineUp.focus();
		await page.keyboard.press('Enter');
		await page.getByRole('button', { name: t('zh-TW', 'card_save') }).click();
		await page.getByText(t('zh-TW', 'card_saved')).waitFor();

		await page.getByRole('button', { name: t('zh-TW', 'card_show_qr') }).click();
		const qr = page.getByTestId('my-qr');
		await qr.locator('svg path').waitFor();
		await expect.poll(() => page.evaluate(() => document.querySelector('dialog')?.open)).toBe(true);
		expect(await axeViolations(page)).toEqual([]);
		const url = await qr.getAttribute('data-card-url');
		expect(url).toMatch(new RegExp(`^${server.url}/c#[A-Za-z0-9_-]+$`));

		// No share sheet in headless Chromium: the link goes to the clipboard, and it says so.
		await session.context.grantPermissions(['clipboard-read', 'clipboard-write'], {
			origin: server.url
		});
		await page.evaluate(() => Object.defineProperty(navigator, 'share', { value: undefined }));
		await page.getByRole('button', { name: t('zh-TW', 'card_qr_share') }).click();
		await page.getByText(t('zh-TW', 'card_qr_copied')).waitFor();
		expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(url);
		const [image] = await Promise.all([
			page.waitForEvent('download'),
			page.getByRole('button', { name: t('zh-TW', 'card_qr_save_image') }).click()
		]);
		expect(image.suggestedFilename()).toBe(
			`${t('zh-TW', 'card_qr_file_name', { name: '陳怡君' })}.png`
		);
		const png = await readFile((await image.path())!);
		expect(png.subarray(1, 4).toString()).toBe('PNG');

		await page.keyboard.press('Escape');
		await expect
			.poll(() => page.evaluate(() => document.querySelector('dialog')?.open))
			.toBe(false);
		expect(await page.evaluate(() => document.activeElement?.textContent?.trim() ?? null)).toBe(
			t('zh-TW', 'card_show_qr')
		);

		// Reopening My card goes straight to the QR now that the card is saved.
		await page.reload();
		await qr.locator('svg path').waitFor();
		await page.getByRole('button', { name: t('zh-TW', 'card_qr_close') }).click();

		await page.goto(url!);
		await expect.poll(() => headingText(page), eventually).toBe('陳怡君');
		const card = page.getByTestId('public-card');
		const kinds = await card
			.locator('li')
			.evaluateAll((items) => items.map((item) => item.getAttribute('data-kind')));
		expect(kinds).toEqual(['line', 'email']);
		const text = await card.textContent();
		expect(text).toContain('yijun_chen');
		expect(text).toContain('yijun.chen@example.com.tw');
		expect(text).not.toContain('台灣半導體');
		expect(text).not.toContain('912');
		expect(await axeViolations(page)).toEqual([]);
	});

	test('an event created and set as current shows on home', async () => {
		const { page } = session;
		await page.goto(`${server.url}/`);
		await page.getByRole('link', { name: t('zh-TW', 'events_home_link') }).click();
		await expect.poll(() => headingText(page), eventually).toBe(t('zh-TW', 'events_heading'));
		await page.getByRole('button', { name: t('zh-TW', 'events_new') }).click();
		await page.getByLabel(t('zh-TW', 'events_field_name')).fill('台北前端社群小聚');
		await page.getByLabel(t('zh-TW', 'events_field_time_zone')).fill('Asia/Taipeh');
		await page.getByRole('button', { name: t('zh-TW', 'events_save') }).click();
		await page
			.getByText(t('zh-TW', 'events_error_unknown_time_zone', { zone: 'Asia/Taipeh' }))
			.waitFor();
		expect(await axeViolations(page)).toEqual([]);

		// The suggested hours follow the zone to the next full hour in Taipei, so the event is ahead
		// and can be made current.
		await page.getByLabel(t('zh-TW', 'events_field_time_zone')).fill('Asia/Taipei');
		await page.getByRole('button', { name: t('zh-TW', 'events_save') }).click();
		await page
			.getByRole('button', {
				name: t('zh-TW', 'events_set_current', { event: '台北前端社群小聚' })
			})
			.click();
		await page.getByText(t('zh-TW', 'events_now_current', { event: '台北前端社群小聚' })).waitFor();
		expect(await axeViolations(page)).toEqual([]);

		await page.getByRole('link', { name: t('zh-TW', 'nav_home') }).click();
		await page.getByText(t('zh-TW', 'home_at_event', { event: '台北前端社群小聚' })).waitFor();
	});

	test('no uncaught errors', () => {
		expect(session.pageErrors).toEqual([]);
	});
});
