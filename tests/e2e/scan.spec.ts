// Scanning through a fake camera: Chromium plays a video of a QR code as its webcam, the page
// decodes it with html5-qrcode, and the person lands in People under the current event.
import { AxeBuilder } from '@axe-core/playwright';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { encodeCardUrl, referenceCard, type Card } from '$lib/domain/card';
import { openHydrated, startAppServer, t, type AppServer } from '../support/browser';
import {
	blankPng,
	IPHONE_VCARD,
	launchWithFakeCamera,
	qrModules,
	qrPng,
	type FakeCameraSession,
	type VideoSize
} from '../support/camera';
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
		await expect.poll(() => page.locator('#scan-viewfinder video').count()).toBe(0);

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
		await page.getByText(t(locale, 'scan_other_wifi')).waitFor();
		expect(await page.getByTestId('scan-raw-text').textContent()).toBe(wifi);
		expect(await page.getByTestId('scan-raw-text').locator('b').count()).toBe(0);
		await page.getByRole('button', { name: t(locale, 'scan_copy') }).waitFor();
	});

	test('a ticket says it is a ticket; a WhatsApp link is kept as a link, not opened', async () => {
		const { page } = session;
		await openHydrated(page, `${server.url}/scan`);
		await page.locator('#scan-photo-input').setInputFiles({
			name: 'ticket.png',
			mimeType: 'image/png',
			buffer: qrPng('https://kktix.com/events/frontend-meetup/registrations/A1B2C3')
		});
		await page.getByText(t(locale, 'scan_other_ticket')).waitFor();

		await openHydrated(page, `${server.url}/scan`);
		await page.locator('#scan-photo-input').setInputFiles({
			name: 'whatsapp.png',
			mimeType: 'image/png',
			buffer: qrPng('https://wa.me/886912345678')
		});
		const preview = page.getByTestId('scan-preview');
		await preview.waitFor();
		expect(await preview.getByRole('link').getAttribute('href')).toBe('https://wa.me/886912345678');
		expect(page.url()).toBe(`${server.url}/scan`);
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

/** A filled-in card: six ways to reach them, as many people fill it in before a conference. */
const sixChannelCard: Card = {
	name: '王小明',
	altName: 'Hsiao-Ming Wang',
	title: '資深前端工程師',
	company: '台灣半導體股份有限公司',
	channels: [
		{ kind: 'line', value: 'hsiaoming.wang' },
		{ kind: 'phone', value: '+886912345678' },
		{ kind: 'email', value: 'hsiaoming.wang@example.com.tw' },
		{ kind: 'linkedin', value: 'https://www.linkedin.com/in/hsiaoming-wang' },
		{ kind: 'instagram', value: 'https://www.instagram.com/hsiaoming.wang' },
		{ kind: 'website', value: 'https://hsiaoming.example.com.tw' }
	]
};

const mecard =
	'MECARD:N:林,志明;TEL:+886912345678;EMAIL:chihming@example.com;URL:https://chihming.example.com;;';

const sizes: VideoSize[] = [
	{ width: 640, height: 480 },
	{ width: 1280, height: 720 }
];

describe('the camera reads what people show, within 2 s of starting', () => {
	test('the iPhone-style vCard really is an 85-module code', () => {
		expect(qrModules(IPHONE_VCARD).length - 8).toBe(85);
	});

	const codes: [string, (origin: string) => string, string][] = [
		['our reference card', (origin) => encodeCardUrl(referenceCard, origin), referenceCard.name],
		['a six-channel card', (origin) => encodeCardUrl(sixChannelCard, origin), '王小明'],
		['an iPhone vCard 3.0', () => IPHONE_VCARD, '陳怡君'],
		['a MECARD', () => mecard, '林志明']
	];
	for (const size of sizes) {
		for (const [what, text, name] of codes) {
			test(`${what} at ${size.width}×${size.height}`, async () => {
				const camera = await launchWithFakeCamera(text(server.url), {
					executablePath: inject('chromiumPath'),
					locale,
					serviceWorkers: 'block',
					size
				});
				try {
					const { page } = camera;
					await openHydrated(page, `${server.url}/scan`);
					await page.getByRole('button', { name: t(locale, 'scan_start_camera') }).click();
					await page.getByTestId('scan-preview').waitFor({ timeout: 15_000 });
					expect(await page.getByTestId('scan-preview').textContent()).toContain(name);
					const ms = await page.evaluate(() => {
						const [start] = performance.getEntriesByName('rapport:scan-start');
						const [decoded] = performance.getEntriesByName('rapport:scan-decoded');
						return decoded!.startTime - start!.startTime;
					});
					expect(ms).toBeLessThan(2_000);
				} finally {
					await camera.close();
				}
			});
		}
	}

	test('after 3 s without a code, it says what helps', async () => {
		const camera = await launchWithFakeCamera(null, {
			executablePath: inject('chromiumPath'),
			locale: 'en',
			serviceWorkers: 'block'
		});
		try {
			const { page } = camera;
			await openHydrated(page, `${server.url}/scan`);
			await page.evaluate(() => localStorage.setItem('rapport.language', 'en'));
			await openHydrated(page, `${server.url}/scan`);
			await page.getByRole('button', { name: t('en', 'scan_start_camera') }).click();
			await page.getByText(t('en', 'scan_scanning')).waitFor();
			expect(await page.getByTestId('scan-help').count()).toBe(0);
			await page.getByTestId('scan-help').waitFor({ timeout: 6_000 });
			const help = await page.getByTestId('scan-help').textContent();
			expect(help).toContain(t('en', 'scan_help_closer'));
			expect(help).toContain(t('en', 'scan_help_glare'));
			expect(help).toContain(t('en', 'scan_help_parallel'));
			// The fake camera has no torch, so the flashlight is not offered.
			expect(help).not.toContain(t('en', 'scan_help_torch'));
			await page.getByRole('button', { name: t('en', 'scan_stop_camera') }).click();
			expect(await page.getByTestId('scan-help').count()).toBe(0);
		} finally {
			await camera.close();
		}
	});
});
