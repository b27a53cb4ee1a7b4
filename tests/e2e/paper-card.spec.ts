// A paper business card read on the phone: a photo of one (made here, in Chromium, by the bench's
// card renderer) fills the review form, keeping it saves the person with their follow-up and,
// when asked, the photo on the device. After that first use the recogniser works offline.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import {
	renderPaperCards,
	renderUnframedCard,
	type PaperCardPhoto
} from '../../scripts/bench/support/paperCards.mjs';
import {
	browsersSpeaking,
	launchBrowser,
	openHydrated,
	waitForHydration,
	startAppServer,
	t,
	waitForServiceWorkerControl,
	type AppServer,
	type BrowserSession
} from '../support/browser';
import { CHROMIUM_ARGS } from '../support/chromium-flags.mjs';

/** Reading a card on this shared machine takes seconds; the first use also downloads 8 MB. */
const READ = { timeout: 120_000 };

let folder: string;
/** A Chinese card (the corpus's 13th), photographed a little out of focus. */
let card: PaperCardPhoto;
/** The same card on a desk as light as it is, under a sticky note with another number. */
let unframed: Awaited<ReturnType<typeof renderUnframedCard>>;
/** The card photographed at 50 megapixels. */
let huge: string;

beforeAll(async () => {
	folder = await mkdtemp(join(tmpdir(), 'rapport-paper-card-e2e-'));
	const browser = await chromium.launch({
		executablePath: inject('chromiumPath'),
		args: CHROMIUM_ARGS
	});
	try {
		const [first] = await renderPaperCards(browser, folder, 1, 12);
		if (!first) throw new Error('no card was rendered');
		card = first;
		unframed = await renderUnframedCard(browser, folder, 12);
		huge = join(folder, 'huge.jpg');
		await writeFile(huge, await enlarged(browser, card.photo, 8660, 5774));
	} finally {
		await browser.close();
	}
}, READ.timeout);

/** A photo blown up to `width` × `height` pixels, as a JPEG. */
async function enlarged(browser: Browser, photo: string, width: number, height: number) {
	const page = await browser.newPage();
	try {
		const bytes = await page.evaluate(
			async ({ data, width, height }) => {
				const blob = new Blob([Uint8Array.from(atob(data), (c) => c.charCodeAt(0))]);
				const bitmap = await createImageBitmap(blob);
				const canvas = new OffscreenCanvas(width, height);
				canvas.getContext('2d')?.drawImage(bitmap, 0, 0, width, height);
				const jpeg = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.85 });
				return [...new Uint8Array(await jpeg.arrayBuffer())];
			},
			{ data: (await readFile(photo)).toString('base64'), width, height }
		);
		return Buffer.from(bytes);
	} finally {
		await page.close();
	}
}

afterAll(async () => {
	await rm(folder, { recursive: true, force: true });
});

/** What the device stored: people, their follow-ups and the kept photos. */
async function stored(session: BrowserSession) {
	return session.page.evaluate(async () => {
		const db = await new Promise<IDBDatabase>((resolve, reject) => {
			const request = indexedDB.open('rapport');
			request.onsuccess = () => resolve(request.result);
			request.onerror = () => reject(request.error);
		});
		const all = (store: string) =>
			new Promise<unknown[]>((resolve) => {
				const request = db.transaction(store).objectStore(store).getAll();
				request.onsuccess = () => resolve(request.result);
			});
		const keys = (store: string) =>
			new Promise<IDBValidKey[]>((resolve) => {
				const request = db.transaction(store).objectStore(store).getAllKeys();
				request.onsuccess = () => resolve(request.result);
			});
		const result = {
			connections: (await all('connections')) as {
				id: string;
				card: { name: string; channels: { kind: string; value: string }[] };
			}[],
			followUps: (await all('followUps')) as { connectionId: string }[],
			photos: await keys('paperCardPhotos')
		};
		db.close();
		return result;
	});
}

describe.for(browsersSpeaking)('paper card in $locale', ({ locale, browser }) => {
	let server: AppServer;
	let session: BrowserSession;

	beforeAll(async () => {
		server = await startAppServer();
		session = await launchBrowser({ locale: browser });
	});

	afterAll(async () => {
		await session?.close();
		await server?.close();
	});

	async function readAndKeep(keepPhoto: boolean) {
		const { page } = session;
		await page.locator('#paper-card-photo').setInputFiles(card.photo);
		const name = page.locator('#paper-card-name');
		await name.waitFor(READ);
		expect(await name.inputValue()).toBe(card.truth.name);
		expect(await page.locator('#paper-card-mobile').inputValue()).toBe(card.truth.mobile);
		expect(await page.locator('#paper-card-email').inputValue()).toBe(card.truth.email);
		if (keepPhoto) await page.getByLabel(t(locale, 'paper_card_keep_photo')).check();
		await page.getByRole('button', { name: t(locale, 'scan_save') }).click();
		await page.getByTestId('paper-card-saved').waitFor();
	}

	test(
		'a photo fills the review form, and keeping it saves the person, the follow-up and the photo',
		async () => {
			const { page } = session;
			// The recogniser's files are cached by the service worker, so it must be in control first.
			await openHydrated(page, `${server.url}/`);
			await waitForServiceWorkerControl(page);
			await openHydrated(page, `${server.url}/scan`);
			await page.getByRole('link', { name: t(locale, 'paper_card_link') }).click();
			await page.locator('#paper-card-photo').waitFor({ state: 'attached' });

			await readAndKeep(true);
			const { connections, followUps, photos } = await stored(session);
			expect(connections).toHaveLength(1);
			const [person] = connections;
			expect(person?.card.name).toBe(card.truth.name);
			expect(person?.card.channels).toContainEqual(
				expect.objectContaining({ kind: 'phone', value: card.truth.mobile })
			);
			expect(followUps.map((followUp) => followUp.connectionId)).toEqual([person?.id]);
			expect(photos).toEqual([person?.id]);
			expect(session.pageErrors).toEqual([]);
		},
		READ.timeout * 2
	);

	test(
		'a photo in which the card cannot be found is framed by hand, with the keyboard, then read',
		async () => {
			const { page } = session;
			await page.getByRole('button', { name: t(locale, 'paper_card_read_another') }).click();
			await page.locator('#paper-card-photo').setInputFiles(unframed.photo);
			const frame = page.locator('#paper-card-frame');
			await frame.waitFor(READ);
			expect(await page.evaluate(() => document.activeElement?.id)).toBe('paper-card-frame');
			const corner = (name: string, x: number, y: number) =>
				page.getByRole('button', {
					name: t(locale, 'paper_card_frame_corner', { corner: t(locale, name), x, y }),
					exact: true
				});
			// The note above the card carries another number: the frame's top comes below it.
			await corner('paper_card_frame_top_left', 5, 5).focus();
			for (const key of ['Shift+ArrowDown', 'Shift+ArrowDown', 'ArrowDown', 'ArrowDown'])
				await page.keyboard.press(key);
			await corner('paper_card_frame_top_left', 5, 17).waitFor();
			await page.getByRole('button', { name: t(locale, 'paper_card_frame_read') }).click();
			const name = page.locator('#paper-card-name');
			await name.waitFor(READ);
			expect(await name.inputValue()).toBe(unframed.truth.name);
			expect(await page.locator('#paper-card-mobile').inputValue()).toBe(unframed.truth.mobile);
			expect(session.pageErrors).toEqual([]);
		},
		READ.timeout
	);

	test(
		'a 50-megapixel photo is read like any other',
		async () => {
			const { page } = session;
			await page.locator('#paper-card-result button.secondary[type=button]').last().click();
			await page.locator('#paper-card-photo').setInputFiles(huge);
			const name = page.locator('#paper-card-name');
			await name.waitFor(READ);
			expect(await name.inputValue()).toBe(card.truth.name);
			expect(session.pageErrors).toEqual([]);
		},
		READ.timeout
	);

	test(
		'offline after that first use, the same card is read and kept again',
		async () => {
			const { context, page } = session;
			await server.close();
			await context.setOffline(true);
			await page.reload();
			// The prerendered input is there before its handler: a photo chosen then is lost.
			await waitForHydration(page);

			await readAndKeep(false);
			// The same person, updated: still one person with one follow-up.
			const { connections, followUps } = await stored(session);
			expect(connections).toHaveLength(1);
			expect(followUps).toHaveLength(1);
			expect(await page.getByTestId('paper-card-saved').textContent()).toBe(
				t(locale, 'scan_updated', { name: card.truth.name ?? '' })
			);
		},
		READ.timeout * 2
	);
});
