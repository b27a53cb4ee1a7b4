// Scanning through a fake camera: Chromium plays a video of a QR code as its webcam, the page
// decodes it with html5-qrcode, and the person lands in People under the current event.
import { AxeBuilder } from '@axe-core/playwright';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { encodeCardUrl, type Card } from '$lib/domain/card';
import { openHydrated, startAppServer, t, type AppServer } from '../support/browser';
import { blankPng, launchWithFakeCamera, qrPng, type FakeCameraSession } from '../support/camera';
import { currentEvent, seed } from '../support/people';

const card: Card = {
	name: '林志明',
	altName: 'Chih-Ming Lin',
	title: '產品設計師',
	company: '好好設計',
	channels: [
		{ kind: 'line', value: 'chihming' },
		{ kind: 'email', value: 'chihming@example.com' }
	]
};
const event = currentEvent('台北前端社群小聚');
const locale = 'zh-TW';

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

async function scanWithCamera() {
	const { page } = session;
	await openHydrated(page, `${server.url}/scan`);
	await page.getByRole('button', { name: t(locale, 'scan_start_camera') }).click();
	await page.getByTestId('scan-preview').waitFor();
}

describe('scan with the camera', () => {
	test('shows exactly what will be saved, then saves it under the current event', async () => {
		const { page } = session;
		await scanWithCamera();
		const preview = page.getByTestId('scan-preview');
		expect(await preview.textContent()).toContain('林志明');
		expect(await preview.textContent()).toContain('好好設計');
		expect(
			await preview.getByRole('link', { name: 'chihming@example.com' }).getAttribute('href')
		).toBe('mailto:chihming@example.com');
		const axe = await new AxeBuilder({ page })
			.withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
			.analyze();
		expect(axe.violations.map((violation) => violation.id)).toEqual([]);
		// The camera is let go as soon as a code is read.
		expect(await page.locator('#scan-viewfinder video').count()).toBe(0);

		await page.getByLabel(t(locale, 'scan_note_label')).fill('聊到設計系統');
		await page.getByLabel(t(locale, 'scan_tags_label')).fill('設計，前端');
		await page.getByRole('button', { name: t(locale, 'scan_save'), exact: true }).click();
		await page.getByText(t(locale, 'scan_saved', { name: '林志明' })).waitFor();

		await page.getByRole('link', { name: t(locale, 'scan_open_in_people') }).click();
		await page.getByRole('heading', { level: 1, name: '林志明' }).waitFor();
		expect(await page.locator('#person-note').inputValue()).toBe('聊到設計系統');

		await openHydrated(page, `${server.url}/people`);
		const item = page.getByRole('listitem').filter({ hasText: '林志明' });
		await item.waitFor();
		expect(await item.textContent()).toContain('台北前端社群小聚');
		expect(await item.textContent()).toContain('前端');
	});

	test('scanning the same person again at the same event updates instead of duplicating', async () => {
		const { page } = session;
		await scanWithCamera();
		await page.getByLabel(t(locale, 'scan_tags_label')).fill('再聊一次');
		await page.getByRole('button', { name: t(locale, 'scan_save'), exact: true }).click();
		await page.getByText(t(locale, 'scan_updated', { name: '林志明' })).waitFor();

		await openHydrated(page, `${server.url}/people`);
		const items = page.getByRole('listitem').filter({ hasText: '林志明' });
		await items.first().waitFor();
		expect(await items.count()).toBe(1);
		expect(await items.textContent()).toContain('再聊一次');
	});
});

describe('scan from a photo', () => {
	test('a Wi-Fi QR is "not a contact card", with its text shown as plain text', async () => {
		const { page } = session;
		const wifi = 'WIFI:T:WPA;S:Venue Guest;P:<b>welcome</b>;;';
		await openHydrated(page, `${server.url}/scan`);
		await page.locator('#scan-photo-input').setInputFiles({
			name: 'wifi.png',
			mimeType: 'image/png',
			buffer: qrPng(wifi)
		});
		await page.getByText(t(locale, 'scan_not_a_card')).waitFor();
		expect(await page.getByTestId('scan-raw-text').textContent()).toBe(wifi);
		expect(await page.getByTestId('scan-raw-text').locator('b').count()).toBe(0);
		await page.getByRole('button', { name: t(locale, 'scan_copy') }).waitFor();
	});

	test('a picture without a QR says so and the camera button stays', async () => {
		const { page } = session;
		await openHydrated(page, `${server.url}/scan`);
		await page.locator('#scan-photo-input').setInputFiles({
			name: 'blank.png',
			mimeType: 'image/png',
			buffer: blankPng()
		});
		await page.getByTestId('scan-photo-failed').waitFor();
		expect(await page.getByTestId('scan-photo-failed').textContent()).toBe(
			t(locale, 'scan_photo_failed')
		);
		await page.getByRole('button', { name: t(locale, 'scan_start_camera') }).waitFor();
	});

	test('no uncaught errors', () => {
		expect(session.pageErrors).toEqual([]);
	});
});
