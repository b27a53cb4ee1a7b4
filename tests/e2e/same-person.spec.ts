// Keeping people as a real person does it, in both languages: a bare profile link must be given a
// name before it is saved, the same person scanned twice stays one person with one follow-up,
// two entries merge (and the merge can be undone), and an http:// website stays http://.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
	LANGUAGE_KEY,
	launchBrowser,
	openHydrated,
	startAppServer,
	t,
	type AppServer,
	type BrowserSession,
	type TestLocale
} from '../support/browser';
import { qrPng } from '../support/camera';
import { currentEvent, seed } from '../support/people';

let server: AppServer;

beforeAll(async () => {
	server = await startAppServer();
});

afterAll(async () => {
	await server?.close();
});

const vcard = (lines: string[]) =>
	['BEGIN:VCARD', 'VERSION:3.0', ...lines, 'END:VCARD'].join('\r\n');

describe.each<TestLocale>(['zh-TW', 'en'])('keeping people (%s)', (locale) => {
	let session: BrowserSession;
	const event = currentEvent(locale === 'en' ? 'Taipei Frontend Meetup' : '台北前端社群小聚');

	beforeAll(async () => {
		session = await launchBrowser({ locale });
		await session.context.addInitScript(({ key, value }) => localStorage.setItem(key, value), {
			key: LANGUAGE_KEY,
			value: locale
		});
		await openHydrated(session.page, `${server.url}/`);
		await seed(session.page, { events: [event], settings: { currentEventId: event.id } });
	});

	afterAll(async () => {
		await session?.close();
	});

	async function scanPhoto(text: string) {
		const { page } = session;
		await openHydrated(page, `${server.url}/scan`);
		await page.locator('#scan-photo-input').setInputFiles({
			name: 'qr.png',
			mimeType: 'image/png',
			buffer: qrPng(text)
		});
		await page.getByTestId('scan-preview').waitFor();
	}

	const save = () =>
		session.page.getByRole('button', { name: t(locale, 'scan_save'), exact: true }).click();

	async function openQueue() {
		const main = session.page.getByRole('main');
		await openHydrated(session.page, `${server.url}/follow-ups`);
		await main.getByRole('heading', { level: 1 }).waitFor();
		await expect.poll(() => main.locator('button[aria-expanded]').count()).toBeGreaterThan(0);
		// Where a new follow-up lands depends on today's weekday: open every section.
		const closed = main.locator('button[aria-expanded="false"]');
		while ((await closed.count()) > 0) await closed.first().click();
		return main;
	}

	test('a LINE profile link must be named; the queue then shows the name', async () => {
		const { page } = session;
		await scanPhoto('https://line.me/ti/p/~amy.chen');
		const name = page.getByLabel(t(locale, 'scan_name_label'));
		await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('scan-name');
		await page
			.getByRole('button', { name: t(locale, 'scan_name_use', { handle: 'amy.chen' }) })
			.waitFor();

		await save();
		await page.getByText(t(locale, 'scan_name_missing')).waitFor();
		expect(await name.getAttribute('aria-invalid')).toBe('true');
		await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('scan-name');

		await name.fill('Amy 陳');
		await save();
		await page.getByText(t(locale, 'scan_saved', { name: 'Amy 陳' })).waitFor();

		const main = await openQueue();
		await main.getByRole('heading', { level: 3, name: 'Amy 陳' }).waitFor();
		await main.getByText(t(locale, 'followUps_draft_open', { name: 'Amy 陳' })).waitFor();
	});

	test('the same person scanned twice is one person with one follow-up', async () => {
		const { page } = session;
		const card = vcard([
			'FN:林志明',
			'ORG:好好設計',
			'TEL;TYPE=CELL:0912-345-678',
			'URL:https://line.me/ti/p/~chihming',
			'IMPP;X-SERVICE-TYPE=Line:x-apple:chihming'
		]);
		await scanPhoto(card);
		// The LINE ID given as a URL and as IMPP is one channel.
		expect(await page.getByTestId('scan-preview').locator('a[href*="line.me"]').count()).toBe(1);
		await save();
		await page.getByText(t(locale, 'scan_saved', { name: '林志明' })).waitFor();

		// Again, this time with the number written the international way.
		await scanPhoto(vcard(['FN:Chih-Ming Lin', 'TEL:+886 912 345 678']));
		const match = page.getByTestId('scan-match');
		await match.waitFor();
		expect(await match.textContent()).toContain(event.name);
		expect(await page.getByLabel(t(locale, 'scan_match_update')).isChecked()).toBe(true);
		await save();
		await page.getByText(t(locale, 'scan_updated', { name: 'Chih-Ming Lin' })).waitFor();

		await openHydrated(page, `${server.url}/people`);
		await page.getByRole('listitem').filter({ hasText: 'Chih-Ming Lin' }).first().waitFor();
		expect(await page.getByRole('listitem').filter({ hasText: 'Chih-Ming Lin' }).count()).toBe(1);
		expect(await page.getByRole('listitem').filter({ hasText: '林志明' }).count()).toBe(0);

		const main = await openQueue();
		await main.getByRole('heading', { level: 3, name: 'Chih-Ming Lin' }).waitFor();
		expect(await main.getByRole('heading', { level: 3, name: 'Chih-Ming Lin' }).count()).toBe(1);
	});

	test('two entries merge into one, and the merge can be undone', async () => {
		const { page } = session;
		await scanPhoto(vcard(['FN:王小美', 'EMAIL:mei@example.com']));
		await save();
		await page.getByText(t(locale, 'scan_saved', { name: '王小美' })).waitFor();
		await scanPhoto(vcard(['FN:Mei Wang', 'EMAIL:mei.wang@example.org']));
		await save();
		await page.getByText(t(locale, 'scan_saved', { name: 'Mei Wang' })).waitFor();

		await page.getByRole('link', { name: t(locale, 'scan_open_in_people') }).click();
		await page.getByRole('heading', { level: 1, name: 'Mei Wang' }).waitFor();
		const select = page.getByLabel(t(locale, 'people_merge_label'));
		const other = await select.locator('option', { hasText: '王小美' }).getAttribute('value');
		await select.selectOption(other ?? '');
		await page.getByRole('button', { name: t(locale, 'people_merge_submit') }).click();
		const status = page.getByTestId('person-merge-status');
		await status
			.getByText(t(locale, 'people_merge_done', { other: '王小美', name: 'Mei Wang' }))
			.waitFor();
		await expect.poll(() => page.locator('a[href="mailto:mei@example.com"]').count()).toBe(1);
		expect(await page.locator('a[href="mailto:mei.wang@example.org"]').count()).toBe(1);

		await status.getByRole('button', { name: t(locale, 'people_merge_undo') }).click();
		await status.getByText(t(locale, 'people_merge_undone')).waitFor();
		expect(await page.locator('a[href="mailto:mei@example.com"]').count()).toBe(0);

		await openHydrated(page, `${server.url}/people`);
		await page.getByRole('listitem').filter({ hasText: '王小美' }).waitFor();
		expect(await page.getByRole('listitem').filter({ hasText: 'Mei Wang' }).count()).toBe(1);
	});

	test('an http:// website is kept and opened as http://', async () => {
		const { page } = session;
		await scanPhoto(vcard(['FN:張老闆', 'URL:http://old-shop.example.com.tw/menu']));
		const link = page.getByTestId('scan-preview').locator('a[href^="http"]');
		expect(await link.getAttribute('href')).toBe('http://old-shop.example.com.tw/menu');
		await save();
		await page.getByText(t(locale, 'scan_saved', { name: '張老闆' })).waitFor();
		await page.getByRole('link', { name: t(locale, 'scan_open_in_people') }).click();
		await page.getByRole('heading', { level: 1, name: '張老闆' }).waitFor();
		expect(
			await page.locator('a[href="http://old-shop.example.com.tw/menu"]').first().count()
		).toBe(1);
		expect(session.pageErrors).toEqual([]);
	});
});
