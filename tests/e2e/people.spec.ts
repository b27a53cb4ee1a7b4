// People: the list searched as you type, and one person's page, where the note, tags and
// contact details are edited with the card codec's checks, and deleting asks first.
import { AxeBuilder } from '@axe-core/playwright';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
	launchBrowser,
	startAppServer,
	t,
	waitForServiceWorkerControl,
	type AppServer,
	type BrowserSession
} from '../support/browser';
import { currentEvent, seed } from '../support/people';

const locale = 'zh-TW';
const meetup = currentEvent('台北前端社群小聚');
const person = (id: string, card: object, extra: object = {}) => ({
	id,
	card,
	metAt: new Date().toISOString(),
	tags: [],
	tier: 'none',
	source: 'scan',
	updatedAt: new Date().toISOString(),
	...extra
});
const chihMing = person(
	'10000000-0000-4000-8000-000000000001',
	{ name: '林志明', company: '好好設計', channels: [{ kind: 'line', value: 'chihming' }] },
	{ eventId: meetup.id, tags: ['設計'], note: '聊到設計系統' }
);
const amy = person('10000000-0000-4000-8000-000000000002', {
	name: '陳怡君',
	altName: 'Amy Chen',
	company: '台灣半導體',
	channels: [{ kind: 'email', value: 'amy@example.com' }]
});

let server: AppServer;
let session: BrowserSession;

beforeAll(async () => {
	server = await startAppServer();
	session = await launchBrowser({ locale });
	await session.page.goto(`${server.url}/`);
	await seed(session.page, { events: [meetup], connections: [chihMing, amy] });
});

afterAll(async () => {
	await session?.close();
	await server?.close();
});

async function axeViolations({ page }: BrowserSession): Promise<string[]> {
	const results = await new AxeBuilder({ page })
		.withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
		.analyze();
	return results.violations.map((violation) => violation.id);
}

const names = (session: BrowserSession) =>
	session.page.locator('.people li .name').allTextContents();

describe('the list', () => {
	test('shows everyone with their event, and the search narrows it as you type', async () => {
		const { page } = session;
		await page.goto(`${server.url}/people`);
		const search = page.getByLabel(t(locale, 'people_search_label'));
		await search.waitFor();
		expect((await names(session)).sort()).toEqual(['林志明', '陳怡君']);
		const item = page.getByRole('listitem').filter({ hasText: '林志明' });
		expect(await item.textContent()).toContain('台北前端社群小聚');

		expect(await axeViolations(session)).toEqual([]);

		await search.fill('前端');
		await expect.poll(() => names(session)).toEqual(['林志明']);
		await search.fill('amy');
		await expect.poll(() => names(session)).toEqual(['陳怡君']);
		await search.fill('設計');
		await expect.poll(() => names(session)).toEqual(['林志明']);
		await search.fill('沒有這個人');
		await page.getByText(t(locale, 'people_search_none', { query: '沒有這個人' })).waitFor();
		expect(await names(session)).toEqual([]);
	});
});

describe('one person', () => {
	test('a bad email is refused with a translated message and nothing typed is lost', async () => {
		const { page } = session;
		await page.goto(`${server.url}/people/${chihMing.id}`);
		await page.getByRole('heading', { level: 1, name: '林志明' }).waitFor();
		expect(await page.getByTestId('person-met').textContent()).toContain('台北前端社群小聚');
		const line = page.getByRole('link', { name: 'chihming' });
		expect(await line.getAttribute('href')).toBe('https://line.me/ti/p/~chihming');

		await page.locator('#person-note').fill('聊到設計系統，下週約咖啡');
		await page.locator('#person-tags').fill('設計，咖啡');
		await page.getByRole('button', { name: t(locale, 'people_channel_add') }).click();
		await page.locator('#person-channel-1-kind').selectOption('email');
		await page.locator('#person-channel-1-value').fill('chihming.example.com');
		await page.getByRole('button', { name: t(locale, 'people_save') }).click();

		await page.getByText(t(locale, 'card_error_invalid_email')).waitFor();
		expect(await page.getByTestId('person-status').textContent()).toContain(
			t(locale, 'people_fix_errors')
		);
		expect(await page.locator('#person-channel-1-value').inputValue()).toBe('chihming.example.com');
		expect(await page.locator('#person-note').inputValue()).toBe('聊到設計系統，下週約咖啡');
		expect(await page.evaluate(() => document.activeElement?.id)).toBe('person-channel-1-value');
		expect(await axeViolations(session)).toEqual([]);

		await page.locator('#person-channel-1-value').fill('chihming@example.com');
		await page.getByRole('button', { name: t(locale, 'people_save') }).click();
		await page.getByTestId('person-status').getByText(t(locale, 'people_saved')).waitFor();

		await page.reload();
		await page.getByRole('heading', { level: 1, name: '林志明' }).waitFor();
		expect(await page.locator('#person-note').inputValue()).toBe('聊到設計系統，下週約咖啡');
		expect(await page.locator('#person-tags').inputValue()).toBe('設計, 咖啡');
		expect(
			await page.getByRole('link', { name: 'chihming@example.com' }).getAttribute('href')
		).toBe('mailto:chihming@example.com');
	});

	test('removing a contact detail and deleting the person, after a confirm', async () => {
		const { page } = session;
		await page.goto(`${server.url}/people/${amy.id}`);
		await page.getByRole('heading', { level: 1, name: '陳怡君' }).waitFor();
		await page.getByRole('button', { name: t(locale, 'people_channel_remove') }).click();
		await page.getByRole('button', { name: t(locale, 'people_save') }).click();
		await page.getByTestId('person-status').getByText(t(locale, 'people_saved')).waitFor();
		expect(await page.getByText(t(locale, 'people_channels_none')).count()).toBeGreaterThan(0);

		await page.getByRole('button', { name: t(locale, 'people_delete') }).click();
		await page.getByText(t(locale, 'people_delete_confirm', { name: '陳怡君' })).waitFor();
		await page.getByRole('button', { name: t(locale, 'people_delete_cancel') }).click();
		await page.getByRole('button', { name: t(locale, 'people_delete') }).click();
		await page.getByRole('button', { name: t(locale, 'people_delete_yes'), exact: true }).click();
		await page.waitForURL(`${server.url}/people`);
		await page.getByLabel(t(locale, 'people_search_label')).waitFor();
		expect(await names(session)).toEqual(['林志明']);

		await page.goto(`${server.url}/people/${amy.id}`);
		await page.getByText(t(locale, 'people_detail_missing')).waitFor();
	});

	test('opens offline, from the service worker', async () => {
		const { page } = session;
		await page.goto(`${server.url}/`);
		await waitForServiceWorkerControl(page);
		await server.close();
		await page.goto(`${server.url}/people/${chihMing.id}`);
		await page.getByRole('heading', { level: 1, name: '林志明' }).waitFor();
		expect(await page.locator('#person-note').inputValue()).toBe('聊到設計系統，下週約咖啡');
	});

	test('no uncaught errors', () => {
		expect(session.pageErrors).toEqual([]);
	});
});
