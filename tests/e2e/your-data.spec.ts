// Own your data: a backup saved in one browser profile restores in a fresh one with the same
// People, Follow-ups and My card; the all-people .vcf holds one card per person; a file that is
// not a backup is refused with a message and changes nothing.
import { readFile } from 'node:fs/promises';
import ICAL from 'ical.js';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
	eventually,
	launchBrowser,
	startAppServer,
	t,
	type AppServer,
	type BrowserSession
} from '../support/browser';
import { DAY, iso, person, seedQueue } from '../support/followUps';
import { currentEvent } from '../support/people';

const locale = 'zh-TW';
const meetup = currentEvent('台北前端社群小聚');
const people = [
	person('林志明', {
		card: { name: '林志明', company: '好好設計', channels: [{ kind: 'line', value: 'chihming' }] },
		eventId: meetup.id,
		note: '聊到設計系統',
		tags: ['設計']
	}),
	person('陳怡君', {
		card: { name: '陳怡君', channels: [{ kind: 'email', value: 'amy@example.com' }] },
		tier: 'regular'
	}),
	person('Bob Lin', {
		card: { name: 'Bob Lin', channels: [{ kind: 'phone', value: '0912345678' }] }
	})
];
const followUps = [
	people[0]!.followUp(),
	people[1]!.followUp({ status: 'snoozed', snoozedUntil: iso(2 * DAY) }),
	people[2]!.followUp({ dueAt: iso(3 * DAY) })
];
const profile = {
	name: '王小明',
	title: '產品經理',
	company: '小明工作室',
	hidden: [],
	channels: [{ kind: 'email', value: 'ming@example.com', shared: true }],
	updatedAt: iso(-DAY)
};

let server: AppServer;
let source: BrowserSession;
let target: BrowserSession;

beforeAll(async () => {
	server = await startAppServer();
	[source, target] = await Promise.all([
		launchBrowser({ locale, persistentProfile: true }),
		launchBrowser({ locale, persistentProfile: true })
	]);
	await seedQueue(source.page, server.url, { connections: people, followUps, events: [meetup] });
	await source.page.evaluate(async (profile) => {
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
});

afterAll(async () => {
	await source?.close();
	await target?.close();
	await server?.close();
});

async function openSettings(page: Page) {
	await page.goto(`${server.url}/settings`);
	await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
	await page.getByTestId('data-section').waitFor();
}

async function download(page: Page, testId: string): Promise<string> {
	const [file] = await Promise.all([
		page.waitForEvent('download'),
		page.getByTestId(testId).click()
	]);
	const path = await file.path();
	return readFile(path, 'utf8');
}

/** What each screen shows: the lists' text, and My card's fields. */
async function screens(page: Page) {
	await page.goto(`${server.url}/people`);
	await page.getByRole('link', { name: /林志明/ }).waitFor();
	const peopleText = await page.locator('main').innerText();
	await page.goto(`${server.url}/follow-ups`);
	await page.locator('[data-ready="true"]').waitFor();
	const queueText = await page.locator('main').innerText();
	await page.goto(`${server.url}/card`);
	await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
	await expect.poll(() => page.locator('main input').first().inputValue(), eventually).not.toBe('');
	const cardFields = await page
		.locator('main input, main textarea')
		.evaluateAll((fields) => fields.map((field) => (field as HTMLInputElement).value));
	return { peopleText, queueText, cardFields };
}

describe('your data', () => {
	let backupPath = '';

	test('the .vcf of everyone parses into one card per person', async () => {
		await openSettings(source.page);
		const vcf = await download(source.page, 'data-export-contacts');
		const cards = ICAL.parse(vcf) as unknown[];
		expect(cards).toHaveLength(people.length);
		expect(vcf).not.toContain('聊到設計系統');
		await expect
			.poll(() => source.page.getByTestId('data-export-status').innerText(), eventually)
			.toBe(t(locale, 'data_export_saved', { count: people.length }));
	});

	test('a backup from one profile restores in a fresh one with the same screens', async () => {
		await openSettings(source.page);
		const [file] = await Promise.all([
			source.page.waitForEvent('download'),
			source.page.getByTestId('data-export-backup').click()
		]);
		backupPath = await file.path();
		expect(file.suggestedFilename()).toMatch(/^rapport-backup-\d{4}-\d{2}-\d{2}\.json$/);

		await openSettings(target.page);
		await target.page.getByTestId('data-restore-file').setInputFiles(backupPath);
		await target.page.getByTestId('data-restore-preview').waitFor();
		expect(await target.page.getByTestId('preview-people').innerText()).toBe('3');
		expect(await target.page.getByTestId('preview-already-here').innerText()).toBe('0');
		await target.page.getByTestId('data-restore-confirm').click();
		await target.page.getByTestId('data-restore-done').waitFor();

		const before = await screens(source.page);
		const after = await screens(target.page);
		expect(after).toEqual(before);
		expect(after.peopleText).toContain('林志明');
		expect(after.cardFields).toContain('王小明');
	});

	test('restoring the same file again finds everything already here', async () => {
		await openSettings(target.page);
		await target.page.getByTestId('data-restore-file').setInputFiles(backupPath);
		await target.page.getByTestId('data-restore-preview').waitFor();
		expect(await target.page.getByTestId('preview-already-here').innerText()).toBe(
			String(1 + 1 + people.length + followUps.length)
		);
	});

	test('a file that is not a backup is refused with a message', async () => {
		await openSettings(target.page);
		await target.page.getByTestId('data-restore-file').setInputFiles({
			name: 'contacts.vcf',
			mimeType: 'text/vcard',
			buffer: Buffer.from('BEGIN:VCARD\r\nVERSION:3.0\r\nFN:陳怡君\r\nEND:VCARD\r\n')
		});
		await expect
			.poll(() => target.page.getByTestId('data-restore-problem').innerText(), eventually)
			.toBe(t(locale, 'data_problem_not_backup'));
	});
});
