// The Content-Security-Policy (csp.config.js): every page of the build carries one, it lets the
// page talk to our origin and the configured Supabase project only, and the app does everything
// it does under it: every route, sync against the test gateway, a photo read by the WebAssembly
// decoder, a guest sending their card back from a real card link, and a damaged link. A
// violation anywhere (the `securitypolicyviolation` event, or Chromium's console line) fails it.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import {
	eventually,
	launchBrowser,
	openHydrated,
	startAppServer,
	t,
	waitForHydration,
	type AppServer,
	type BrowserSession,
	type LaunchOptions
} from '../support/browser';
import { IPHONE_VCARD, qrPng } from '../support/camera';
import { startSupabaseStack, type SupabaseStack } from '../support/supabaseStack';
import { E2E_SUPABASE_URL } from '../support/supabase-keys.mjs';

const locale = 'zh-TW';
const OWNER = '陳怡君';
const TOKENED_LINK = /\/c#1[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/;
const ROUTES = [
	'/',
	'/card',
	'/events',
	'/scan',
	'/prompts',
	'/follow-ups',
	'/people',
	'/settings'
];

let stack: SupabaseStack;
let server: AppServer;
const sessions: BrowserSession[] = [];

/** The policy of a page's <meta http-equiv>, directive → sources; null when it has none. */
function policyOf(html: string): Map<string, string[]> | null {
	const content = /<meta http-equiv="content-security-policy" content="([^"]*)"/i.exec(html)?.[1];
	if (content === undefined) return null;
	return new Map(
		content
			.split(';')
			.map((directive) => directive.trim().split(/\s+/))
			.map(([name = '', ...sources]) => [name, sources])
	);
}

/** A browser whose every violation of the policy lands in `violations`. */
async function watchedBrowser(
	violations: string[],
	options: LaunchOptions = {}
): Promise<BrowserSession> {
	const session = await launchBrowser({ locale, ...options });
	sessions.push(session);
	await session.context.exposeBinding('reportPolicyViolation', (_source, text: string) => {
		violations.push(text);
	});
	await session.context.addInitScript(() => {
		document.addEventListener('securitypolicyviolation', (event) => {
			const report = (window as unknown as { reportPolicyViolation(text: string): void })
				.reportPolicyViolation;
			report(`${event.effectiveDirective} blocked ${event.blockedURI || 'inline'}`);
		});
	});
	session.context.on('console', (message) => {
		if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
	});
	return session;
}

/** Reads a QR photo on /scan and saves the card; resolves with the .wasm files it fetched. */
async function scanPhotoAndSave(page: Page): Promise<string[]> {
	const wasm: string[] = [];
	page.on('request', (request) => {
		if (new URL(request.url()).pathname.endsWith('.wasm')) wasm.push(request.url());
	});
	await openHydrated(page, `${server.url}/scan`);
	await page.locator('#scan-photo-input').setInputFiles({
		name: 'card.png',
		mimeType: 'image/png',
		buffer: qrPng(IPHONE_VCARD)
	});
	await page.getByTestId('scan-preview').waitFor({ timeout: 20_000 });
	await page.getByRole('button', { name: t(locale, 'scan_save'), exact: true }).click();
	await page.getByTestId('scan-saved').waitFor();
	return wasm;
}

beforeAll(async () => {
	stack = await startSupabaseStack({ forTheBuild: true });
	server = await startAppServer();
}, 60_000);

afterAll(async () => {
	for (const session of sessions) await session.close();
	await server?.close();
	await stack?.stop();
});

describe('Content-Security-Policy', () => {
	test('every page of the build carries it, talking to our origin and Supabase only', () => {
		const buildDir = inject('buildDir');
		const pages = readdirSync(buildDir).filter((file) => file.endsWith('.html'));
		expect(pages).toEqual(expect.arrayContaining(['index.html', '200.html', 'c.html']));
		for (const file of pages) {
			const policy = policyOf(readFileSync(join(buildDir, file), 'utf8'));
			expect(policy, file).not.toBeNull();
			expect(policy?.get('connect-src'), file).toEqual(["'self'", E2E_SUPABASE_URL]);
			expect(policy?.get('default-src'), file).toEqual(["'self'"]);
			const scripts = policy?.get('script-src') ?? [];
			expect(scripts, file).toContain("'wasm-unsafe-eval'");
			expect(scripts, file).not.toContain("'unsafe-inline'");
			expect(scripts, file).not.toContain("'unsafe-eval'");
			expect(policy?.get('style-src'), file).not.toContain("'unsafe-inline'");
			// No Turnstile in a build without its site key.
			expect([...(policy?.values() ?? [])].flat().join(' '), file).not.toContain('cloudflare');
			// Ignored in a <meta>, and Chromium says so on the console.
			expect(policy?.has('frame-ancestors'), file).toBe(false);
		}
	});

	// Two browsers, sync and a scan: longer than one flow, so above the 60 s default.
	test(
		'every route, sync, a photo scan, a send-back and a damaged link break none of it',
		{
			timeout: 150_000
		},
		async () => {
			const violations: string[] = [];
			const owner = await watchedBrowser(violations);
			const { page } = owner;
			for (const route of ROUTES) {
				await openHydrated(page, `${server.url}${route}`);
				expect(
					await page.locator('meta[http-equiv="content-security-policy"]').count(),
					route
				).toBe(1);
			}

			await openHydrated(page, `${server.url}/settings`);
			await page.getByTestId('sync-enable').click();
			await page.getByTestId('sync-on').waitFor();
			await expect
				.poll(() => page.getByTestId('sync-status').getAttribute('data-phase'), eventually)
				.toBe('idle');

			await openHydrated(page, `${server.url}/card#edit`);
			await page.getByLabel(t(locale, 'card_field_name'), { exact: true }).fill(OWNER);
			await page.getByRole('button', { name: t(locale, 'card_save') }).click();
			await page.getByText(t(locale, 'card_saved')).waitFor();
			await openHydrated(page, `${server.url}/card`);
			const qr = page.getByTestId('my-qr');
			await expect.poll(() => qr.getAttribute('data-card-url'), eventually).toMatch(TOKENED_LINK);
			const link = (await qr.getAttribute('data-card-url')) ?? '';

			// Linux Chromium has no BarcodeDetector: the photo is read by zxing-wasm.
			expect(await scanPhotoAndSave(page)).toHaveLength(1);

			// A person's page is not prerendered: the fallback page (200.html) renders it.
			await openHydrated(page, `${server.url}/people`);
			const person = (await page.locator('a[href^="/people/"]').first().getAttribute('href')) ?? '';
			await openHydrated(page, `${server.url}${person}`);
			expect(await page.locator('meta[http-equiv="content-security-policy"]').count()).toBe(1);

			const guest = await watchedBrowser(violations);
			await openHydrated(guest.page, link);
			const form = guest.page.getByTestId('send-back');
			await form.getByLabel(t(locale, 'send_back_name')).fill('林志明');
			await form
				.getByLabel(t(locale, 'send_back_channel_value', { kind: t(locale, 'card_kind_line') }))
				.first()
				.fill('zhiming');
			await guest.page
				.getByRole('button', { name: t(locale, 'send_back_submit', { owner: OWNER }) })
				.click();
			await guest.page.getByText(t(locale, 'send_back_sent', { owner: OWNER })).waitFor();

			await guest.page.goto(`${server.url}/c#garbage`);
			await waitForHydration(guest.page);
			await guest.page.getByText(t(locale, 'public_card_error_broken_link')).waitFor();

			expect(violations).toEqual([]);
			expect([...owner.pageErrors, ...guest.pageErrors]).toEqual([]);
		}
	);

	test("without 'wasm-unsafe-eval' the photo scan is a violation (so the watch above sees one)", async () => {
		const violations: string[] = [];
		// No service worker, so every page comes through the route below.
		const { context, page } = await watchedBrowser(violations, { serviceWorkers: 'block' });
		// The pages as they would be built without it.
		await context.route(
			(url) => url.origin === server.url && !/\.\w+$/.test(url.pathname),
			async (route) => {
				const response = await route.fetch();
				const body = (await response.text()).replace(" 'wasm-unsafe-eval'", '');
				await route.fulfill({ response, body });
			}
		);
		await openHydrated(page, `${server.url}/scan`);
		await page.locator('#scan-photo-input').setInputFiles({
			name: 'card.png',
			mimeType: 'image/png',
			buffer: qrPng(IPHONE_VCARD)
		});
		await expect
			.poll(() => violations.join('\n'), eventually)
			.toMatch(/wasm-eval|script-src.*(eval|wasm)/);
	});
});
