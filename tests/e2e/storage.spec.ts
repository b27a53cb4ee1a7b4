// The device is the database: what is saved survives a reload, and when storage is refused,
// broken or damaged the app still opens and says what is going on.
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { encodeCardUrl } from '../../src/lib/domain/card/payloadEncode';
import {
	eventually,
	headingText,
	htmlLang,
	launchBrowser,
	openHydrated,
	startAppServer,
	t,
	type AppServer,
	type BrowserSession
} from '../support/browser';
import { waitForDatabase } from '../support/people';

let server: AppServer;
let session: BrowserSession;

beforeAll(async () => {
	server = await startAppServer();
});

afterAll(async () => {
	await server?.close();
});

// A fresh browser per test: each case starts from an empty device.
beforeEach(async () => {
	session = await launchBrowser();
});

afterEach(async () => {
	await session?.close();
});

const nameField = (page: Page) => page.getByLabel(t('zh-TW', 'card_field_name'), { exact: true });
const titleField = (page: Page) => page.getByLabel(t('zh-TW', 'card_field_title'), { exact: true });
const saveButton = (page: Page) =>
	page.getByRole('button', { name: t('zh-TW', 'card_save'), exact: true });

/** Turns a message with placeholders into a pattern that accepts any value in their place. */
function messagePattern(template: string): RegExp {
	const escaped = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
	return new RegExp(`^${escaped.replace(/\\?\{\w+\\?\}|\{\w+\}/g, '.+')}$`);
}

async function textOf(page: Page, selector: string): Promise<string | null> {
	return (await page.locator(selector).textContent())?.trim() ?? null;
}

describe('My card', () => {
	test('is saved on the device and is still there after a reload', async () => {
		const { page } = session;
		await openHydrated(page, `${server.url}/card`);
		await nameField(page).fill('陳怡君');
		await saveButton(page).click();
		await page.getByRole('status').getByText(t('zh-TW', 'card_saved'), { exact: true }).waitFor();

		await page.reload();
		await expect.poll(() => headingText(page), eventually).toBe(t('zh-TW', 'card_heading'));
		await expect.poll(() => nameField(page).inputValue(), eventually).toBe('陳怡君');
		expect(await page.getByText(t('zh-TW', 'card_empty')).count()).toBe(0);
	});

	test('after saving, Settings says whether the data is kept and how much space it uses', async () => {
		const { page } = session;
		await openHydrated(page, `${server.url}/card`);
		await nameField(page).fill('陳怡君');
		await saveButton(page).click();
		await page.getByText(t('zh-TW', 'card_saved'), { exact: true }).waitFor();

		await page.goto(`${server.url}/settings`);
		await page.getByTestId('storage-usage').waitFor();
		expect([t('zh-TW', 'storage_persistent_yes'), t('zh-TW', 'storage_persistent_no')]).toContain(
			await textOf(page, '[data-testid="storage-persistence"]')
		);
		// Chromium can always estimate usage, so the "unknown" sentence would be a regression.
		expect(await textOf(page, '[data-testid="storage-usage"]')).toMatch(
			messagePattern(t('zh-TW', 'storage_usage'))
		);
	});

	test('an empty name is refused with a sentence, and the other fields keep what was typed', async () => {
		const { page } = session;
		await openHydrated(page, `${server.url}/card`);
		await titleField(page).fill('產品設計師');
		await saveButton(page).click();

		const error = page.getByText(t('zh-TW', 'card_error_name_required'), { exact: true });
		await error.waitFor();
		expect(await nameField(page).getAttribute('aria-invalid')).toBe('true');
		// The error is announced with the field, and focus goes where the fix is needed.
		expect(await nameField(page).getAttribute('aria-describedby')).toContain(
			await error.getAttribute('id')
		);
		expect(await nameField(page).evaluate((input) => input === document.activeElement)).toBe(true);
		expect(await titleField(page).inputValue()).toBe('產品設計師');
		expect(await page.getByText(t('zh-TW', 'card_saved')).count()).toBe(0);

		// Nothing half-valid was written: a reload shows an empty card again.
		await page.reload();
		await page.getByText(t('zh-TW', 'card_empty')).waitFor();
		expect(await nameField(page).inputValue()).toBe('');
	});
});

describe('when storage misbehaves', () => {
	test('IndexedDB refused: the app opens and explains that nothing will be kept', async () => {
		const { context, page } = session;
		await context.addInitScript(() => {
			IDBFactory.prototype.open = () => {
				throw new DOMException('denied', 'SecurityError');
			};
		});
		await page.goto(`${server.url}/`);

		await expect.poll(() => headingText(page), eventually).toBe(t('zh-TW', 'home_heading'));
		const notice = page.getByRole('alert');
		await notice.waitFor();
		expect((await notice.textContent())?.trim()).toBe(
			t('zh-TW', 'storage_unavailable', { reason: t('zh-TW', 'storage_reason_denied') })
		);

		// Saving is not offered when it cannot work.
		await openHydrated(page, `${server.url}/card`);
		await expect.poll(() => headingText(page), eventually).toBe(t('zh-TW', 'card_heading'));
		await page.getByRole('alert').waitFor();
		expect(await saveButton(page).isDisabled()).toBe(true);
		expect(session.pageErrors).toEqual([]);
	});

	test('IndexedDB refused on a guest’s phone: "Keep" says why, and the button works again', async () => {
		const { context, page } = session;
		await context.addInitScript(() => {
			IDBFactory.prototype.open = () => {
				throw new DOMException('denied', 'SecurityError');
			};
		});
		const link = encodeCardUrl({ name: '陳怡君', channels: [] }, server.url);
		await openHydrated(page, link);
		await page.getByRole('heading', { level: 1, name: '陳怡君' }).waitFor();
		const keep = page.getByRole('button', { name: t('zh-TW', 'public_card_keep') });
		await keep.click();

		const said = t('zh-TW', 'public_card_keep_failed', {
			reason: t('zh-TW', 'storage_reason_denied')
		});
		await page.getByRole('status').getByText(said, { exact: true }).waitFor();
		expect(await keep.isEnabled()).toBe(true);
		expect(session.pageErrors).toEqual([]);
	});

	test('localStorage throwing: the app still opens, in Traditional Chinese', async () => {
		const { context, page } = session;
		await context.addInitScript(() => {
			Object.defineProperty(window, 'localStorage', {
				configurable: true,
				get() {
					throw new DOMException('denied', 'SecurityError');
				}
			});
		});
		await page.goto(`${server.url}/`);

		const reading = await page.evaluate(() => {
			try {
				void window.localStorage;
				return 'readable';
			} catch {
				return 'throws';
			}
		});
		expect(reading).toBe('throws');
		await expect.poll(() => headingText(page), eventually).toBe(t('zh-TW', 'home_heading'));
		expect(await htmlLang(page)).toBe('zh-TW');
		expect(session.pageErrors).toEqual([]);
	});

	test('a damaged record is reported and kept, and the rest of the data still shows', async () => {
		const { page } = session;
		await page.goto(`${server.url}/`);
		await expect.poll(() => headingText(page), eventually).toBe(t('zh-TW', 'home_heading'));
		// Write only once the app has created (and upgraded) its database.
		await waitForDatabase(page);

		const eventName = '台北前端交流會';
		await page.evaluate(async (name) => {
			const now = new Date().toISOString();
			const event = {
				id: '6f1c2c1e-8a51-4c3e-9a4f-2b7d7f0e9a11',
				name,
				context: 'meetup',
				startsAt: now,
				// Still on: an event that is over is no longer the one home says you are at.
				endsAt: new Date(Date.now() + 7_200_000).toISOString(),
				timeZone: 'Asia/Taipei',
				updatedAt: now
			};
			const db = await new Promise<IDBDatabase>((resolve, reject) => {
				const request = indexedDB.open('rapport');
				request.onsuccess = () => resolve(request.result);
				request.onerror = () => reject(request.error);
			});
			const tx = db.transaction(['profile', 'events', 'settings'], 'readwrite');
			tx.objectStore('profile').put({ name: 42 }, 'me');
			tx.objectStore('events').put(event);
			tx.objectStore('settings').put({ currentEventId: event.id }, 'settings');
			await new Promise<void>((resolve, reject) => {
				tx.oncomplete = () => resolve();
				tx.onerror = () => reject(tx.error);
			});
			db.close();
		}, eventName);

		await page.reload();
		await expect.poll(() => headingText(page), eventually).toBe(t('zh-TW', 'home_heading'));
		// The valid event next to the damaged profile is untouched.
		await page
			.getByText(t('zh-TW', 'home_at_event', { event: eventName }), { exact: true })
			.waitFor();

		// The screen that reads the card says one record could not be read, and opens empty
		// instead of crashing on it.
		await page.goto(`${server.url}/card#edit`);
		const warning = page.getByRole('alert').filter({
			hasText: t('zh-TW', 'storage_unreadable', { count: 1 })
		});
		await warning.waitFor();
		await expect.poll(() => nameField(page).inputValue(), eventually).toBe('');

		// Hidden, not wiped: the damaged record is still on disk for a later fix.
		const stored = await page.evaluate(
			() =>
				new Promise<unknown>((resolve, reject) => {
					const request = indexedDB.open('rapport');
					request.onerror = () => reject(request.error);
					request.onsuccess = () => {
						const get = request.result.transaction('profile').objectStore('profile').get('me');
						get.onsuccess = () => {
							request.result.close();
							resolve(get.result);
						};
						get.onerror = () => reject(get.error);
					};
				})
		);
		expect(stored).toEqual({ name: 42 });
		expect(session.pageErrors).toEqual([]);
	});
});
