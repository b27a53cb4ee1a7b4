// "Scan from a photo" with the pictures people actually choose: screenshots of our own QR screen
// taken on phones of every common pixel density, in light and dark mode, and copies of them
// spoiled the way camera photos are (tilted, blurred, shrunk, heavily compressed, dim, glare).
// Every picture is made here, in Chromium (page screenshots, CSS transforms and a canvas), so
// the suite needs no image tools on the machine.
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { referenceCard } from '$lib/domain/card';
import { openHydrated, startAppServer, type AppServer } from '../support/browser';
import { CHROMIUM_ARGS } from '../support/chromium-flags.mjs';
import { waitForDatabase } from '../support/people';

const DENSITIES = [1, 1.5, 2, 2.625, 3, 4];
const SCHEMES = ['light', 'dark'] as const;

let server: AppServer;
let browser: Browser;
let scanner: Page;
/** `dpr-scheme` → PNG screenshot of the QR screen. */
const screenshots = new Map<string, Buffer>();

const profile = {
	...referenceCard,
	hidden: [],
	channels: referenceCard.channels.map((channel) => ({ ...channel, shared: true })),
	updatedAt: '2026-11-20T08:00:00.000Z'
};

/** A screenshot of My card's full-screen QR, as a phone of this density takes it. */
async function qrScreenshot(dpr: number, scheme: (typeof SCHEMES)[number]): Promise<Buffer> {
	const context = await browser.newContext({
		viewport: { width: 390, height: 844 },
		deviceScaleFactor: dpr,
		colorScheme: scheme,
		locale: 'zh-TW',
		serviceWorkers: 'block'
	});
	try {
		const page = await context.newPage();
		await openHydrated(page, `${server.url}/`);
		await waitForDatabase(page);
		await page.evaluate(async (profile) => {
			const db = await new Promise<IDBDatabase>((resolve, reject) => {
				const request = indexedDB.open('rapport');
				request.onsuccess = () => resolve(request.result);
				request.onerror = () => reject(request.error);
			});
			const tx = db.transaction('profile', 'readwrite');
			tx.objectStore('profile').put(profile, 'me');
			await new Promise((resolve) => (tx.oncomplete = resolve));
			db.close();
		}, profile);
		// A saved card opens straight to its QR.
		await openHydrated(page, `${server.url}/card`);
		await page.getByTestId('my-qr').locator('svg path').waitFor();
		return await page.screenshot();
	} finally {
		await context.close();
	}
}

type Spoil = 'perspective' | 'blur' | 'downscale' | 'jpeg' | 'low-light' | 'glare';
const SPOILS: Spoil[] = ['perspective', 'blur', 'downscale', 'jpeg', 'low-light', 'glare'];

/** The picture spoiled one way, drawn by Chromium; returns the new image file's bytes. */
async function spoil(page: Page, png: Buffer, how: Spoil, dpr: number): Promise<Buffer> {
	const source = `data:image/png;base64,${png.toString('base64')}`;
	if (how === 'perspective') {
		// Taken from the side: the screen turned 25° away, seen in perspective.
		const { width, height } = await page.evaluate(async (source) => {
			const image = await createImageBitmap(await (await fetch(source)).blob());
			return { width: image.width, height: image.height };
		}, source);
		await page.setViewportSize({ width, height });
		await page.setContent(
			`<body style="margin:0;background:#777"><img src="${source}" style="display:block;` +
				`width:${width}px;transform:perspective(${width * 2}px) rotateY(25deg)"></body>`
		);
		await page.locator('img').evaluate((image: HTMLImageElement) => image.decode());
		return page.screenshot();
	}
	const dataUrl = await page.evaluate(
		async ({ source, how, dpr }) => {
			const image = await createImageBitmap(await (await fetch(source)).blob());
			const scale = how === 'downscale' ? 0.75 : 1;
			const canvas = document.createElement('canvas');
			canvas.width = Math.round(image.width * scale);
			canvas.height = Math.round(image.height * scale);
			const context = canvas.getContext('2d')!;
			if (how === 'blur') context.filter = `blur(${1.2 * dpr}px)`;
			context.drawImage(image, 0, 0, canvas.width, canvas.height);
			context.filter = 'none';
			if (how === 'low-light') {
				// A dim room: a quarter of the light, and the sensor noise that comes with it.
				const pixels = context.getImageData(0, 0, canvas.width, canvas.height);
				let seed = 7;
				for (let i = 0; i < pixels.data.length; i += 4) {
					seed = (seed * 1103515245 + 12345) & 0x7fffffff;
					const noise = ((seed >> 16) % 17) - 8;
					for (let c = 0; c < 3; c++) pixels.data[i + c] = pixels.data[i + c]! * 0.25 + 10 + noise;
				}
				context.putImageData(pixels, 0, 0);
			}
			if (how === 'glare') {
				// A ceiling light reflected on their screen, across one side of the code.
				const x = canvas.width * 0.4;
				const y = canvas.height * 0.42;
				const glare = context.createRadialGradient(x, y, 0, x, y, canvas.width * 0.3);
				glare.addColorStop(0, 'rgba(255,255,255,0.75)');
				glare.addColorStop(1, 'rgba(255,255,255,0)');
				context.fillStyle = glare;
				context.fillRect(0, 0, canvas.width, canvas.height);
			}
			return how === 'jpeg' ? canvas.toDataURL('image/jpeg', 0.3) : canvas.toDataURL('image/png');
		},
		{ source, how, dpr }
	);
	return Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64');
}

/** Chooses the picture on /scan: the card it found, or null when it says there is none. */
async function scanPhoto(file: Buffer, name: string): Promise<string | null> {
	await openHydrated(scanner, `${server.url}/scan`);
	await scanner.locator('#scan-photo-input').setInputFiles({
		name,
		mimeType: name.endsWith('.jpg') ? 'image/jpeg' : 'image/png',
		buffer: file
	});
	const preview = scanner.getByTestId('scan-preview');
	const failed = scanner.getByTestId('scan-photo-failed');
	await preview.or(failed).waitFor({ timeout: 20_000 });
	return (await preview.count()) ? await preview.textContent() : null;
}

beforeAll(async () => {
	server = await startAppServer();
	browser = await chromium.launch({ executablePath: inject('chromiumPath'), args: CHROMIUM_ARGS });
	for (const dpr of DENSITIES) {
		for (const scheme of SCHEMES) {
			screenshots.set(`${dpr}-${scheme}`, await qrScreenshot(dpr, scheme));
		}
	}
	const context = await browser.newContext({
		viewport: { width: 390, height: 844 },
		locale: 'zh-TW',
		serviceWorkers: 'block'
	});
	scanner = await context.newPage();
}, 180_000);

afterAll(async () => {
	await browser?.close();
	await server?.close();
});

describe('screenshots of our QR screen', () => {
	test('are taken at each density (390 CSS px wide)', () => {
		for (const dpr of DENSITIES) {
			// A PNG's width is the big-endian word at byte 16 (in the IHDR chunk).
			expect(screenshots.get(`${dpr}-light`)!.readUInt32BE(16)).toBe(Math.round(390 * dpr));
		}
	});

	for (const dpr of DENSITIES) {
		for (const scheme of SCHEMES) {
			test(`at ${dpr}× in ${scheme} mode`, async () => {
				const text = await scanPhoto(screenshots.get(`${dpr}-${scheme}`)!, `qr-${dpr}x.png`);
				expect(text).toContain(referenceCard.name);
			});
		}
	}
});

describe('photos spoiled the way camera photos are', () => {
	test('at least 95 % of them read', { timeout: 900_000 }, async () => {
		const spoiler = await (await browser.newContext({ serviceWorkers: 'block' })).newPage();
		const misses: string[] = [];
		let tried = 0;
		for (const [key, png] of screenshots) {
			const dpr = Number(key.split('-')[0]);
			// Every other density: the spoiled copies of 1.5× and 2.625× add time, not cases.
			if (dpr === 1.5 || dpr === 2.625) continue;
			for (const how of SPOILS) {
				const file = await spoil(spoiler, png, how, dpr);
				tried++;
				const text = await scanPhoto(file, `${key}-${how}.${how === 'jpeg' ? 'jpg' : 'png'}`);
				if (!text?.includes(referenceCard.name)) misses.push(`${key} ${how}`);
			}
		}
		expect(tried).toBe(4 * SCHEMES.length * SPOILS.length);
		expect(misses.length / tried, `not read: ${misses.join(', ')}`).toBeLessThanOrEqual(0.05);
	});
});
