// A new version must never reload by itself: the person may be halfway through typing a card.
// It waits for them to press "reload".
import { appendFile, cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { inject } from 'vitest';
import {
	eventually,
	headingText,
	launchBrowser,
	startAppServer,
	t,
	waitForServiceWorkerControl,
	type AppServer,
	type BrowserSession
} from '../support/browser';

/** A release changes a file and, as the build does, its precompressed copies with it. */
async function release(dir: string, file: string, addition: string): Promise<void> {
	const path = join(dir, file);
	await appendFile(path, addition);
	const next = await readFile(path);
	await writeFile(`${path}.br`, brotliCompressSync(next));
	await writeFile(`${path}.gz`, gzipSync(next));
}

describe('a new version', () => {
	let deployDir: string;
	let server: AppServer;
	let session: BrowserSession;

	beforeAll(async () => {
		// A private copy of the build, so "deploying" a new service worker touches nothing shared.
		deployDir = await mkdtemp(join(tmpdir(), 'rapport-e2e-deploy-'));
		await cp(inject('buildDir'), deployDir, { recursive: true });
		server = await startAppServer(deployDir);
		session = await launchBrowser();
	});

	afterAll(async () => {
		await session?.close();
		await server?.close();
		await rm(deployDir, { recursive: true, force: true });
	});

	test('waits for the person, keeps what they typed, and reloads on request', async () => {
		const { page } = session;
		await page.goto(`${server.url}/card`);
		await waitForServiceWorkerControl(page);
		const name = page.getByLabel(t('zh-TW', 'card_field_name'), { exact: true });
		await name.fill('打到一半的名字');

		await release(deployDir, 'sw.js', '\n// the next release\n');
		await page.evaluate(async () => {
			await (await navigator.serviceWorker.getRegistration())?.update();
		});

		const prompt = page.getByRole('status').filter({ hasText: t('zh-TW', 'update_ready') });
		await expect.poll(() => prompt.count(), eventually).toBe(1);
		expect(await name.inputValue()).toBe('打到一半的名字');

		await page.getByRole('button', { name: t('zh-TW', 'update_later') }).click();
		expect(await prompt.count()).toBe(0);
		expect(await name.inputValue()).toBe('打到一半的名字');

		await page.evaluate(async () => {
			await (await navigator.serviceWorker.getRegistration())?.update();
		});
		await page.reload();
		await expect.poll(() => prompt.count(), eventually).toBe(1);
		// The old page can already read as updated just before it goes: wait for the new one.
		const reloaded = page.waitForEvent('load');
		await page.getByRole('button', { name: t('zh-TW', 'update_reload') }).click();
		await reloaded;
		await expect
			.poll(
				() =>
					page.evaluate(async () => {
						const registration = await navigator.serviceWorker.getRegistration();
						return registration?.waiting === null && navigator.serviceWorker.controller !== null;
					}),
				eventually
			)
			.toBe(true);
		await expect.poll(() => headingText(page), eventually).toBe(t('zh-TW', 'card_heading'));
		await expect.poll(() => prompt.count(), eventually).toBe(0);
		expect(session.pageErrors).toEqual([]);
	});
});
