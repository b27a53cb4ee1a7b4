// One scan, two cards: A shows the QR with sync on, B scans it with the fake camera, and both
// end with each other's card and a follow-up, on the device and on the server. Then again with
// the scanner offline at the scan, delivered once it is back online. Runs against a throwaway
// PostgreSQL behind the test gateway, where this build's sync settings point.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import {
	eventually,
	goOffline,
	launchBrowser,
	openHydrated,
	startAppServer,
	t,
	waitForServiceWorkerControl,
	type AppServer,
	type BrowserSession
} from '../support/browser';
import { launchWithFakeCamera, type FakeCameraSession } from '../support/camera';
import { axeViolations, readStore } from '../support/card';
import { startSupabaseStack, type SupabaseStack } from '../support/supabaseStack';

const locale = 'zh-TW';
const TOKENED_LINK = /\/c#1[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/;

let stack: SupabaseStack;
let server: AppServer;
let owner: BrowserSession;
const scanners: FakeCameraSession[] = [];

beforeAll(async () => {
	stack = await startSupabaseStack({ forTheBuild: true });
	server = await startAppServer();
	owner = await launchBrowser({ locale });
}, 60_000);

afterAll(async () => {
	for (const scanner of scanners) await scanner.close();
	await owner?.close();
	await server?.close();
	await stack?.stop();
});

async function turnOnSync(page: Page): Promise<void> {
	await openHydrated(page, `${server.url}/settings`);
	await page.getByTestId('sync-enable').click();
	await page.getByTestId('sync-on').waitFor();
	await expect
		.poll(() => page.getByTestId('sync-status').getAttribute('data-phase'), eventually)
		.toBe('idle');
}

async function saveCard(page: Page, name: string): Promise<void> {
	await openHydrated(page, `${server.url}/card#edit`);
	await page.getByLabel(t(locale, 'card_field_name'), { exact: true }).fill(name);
	await page.getByRole('button', { name: t(locale, 'card_save') }).click();
	await page.getByText(t(locale, 'card_saved')).waitFor();
}

/** The link in the owner's QR once it carries an exchange token. */
async function qrLinkWithToken(page: Page): Promise<string> {
	await openHydrated(page, `${server.url}/card`);
	const qr = page.getByTestId('my-qr');
	await expect.poll(() => qr.getAttribute('data-card-url'), eventually).toMatch(TOKENED_LINK);
	return (await qr.getAttribute('data-card-url')) ?? '';
}

async function scanAndKeep(page: Page): Promise<void> {
	await openHydrated(page, `${server.url}/scan`);
	await page.getByRole('button', { name: t(locale, 'scan_start_camera') }).click();
	await page.getByTestId('scan-preview').waitFor();
	await page.getByRole('button', { name: t(locale, 'scan_save'), exact: true }).click();
	await page.getByTestId('scan-saved').waitFor();
}

async function namesAndFollowUps(page: Page) {
	const connections = await readStore(page, 'connections');
	const followUps = await readStore(page, 'followUps');
	return connections.map((connection) => ({
		name: (connection.card as { name: string }).name,
		source: connection.source,
		followUps: followUps.filter(
			(followUp) => followUp.connectionId === connection.id && followUp.kind === 'post_event'
		).length
	}));
}

/** What the server holds for the owner of `name`'s card: their connections and follow-ups. */
async function serverConnections(ownerName: string) {
	const { rows } = await stack.admin.query<{ name: string; source: string; follow_ups: number }>(
		`select c.card ->> 'name' as name, c.source,
			(select count(*)::int from public.follow_ups f
				where f.connection_id = c.id and f.kind = 'post_event' and f.deleted_at is null) as follow_ups
		from public.connections c
		join public.profiles p on p.owner_id = c.owner_id
		where p.display_name = $1 and c.deleted_at is null
		order by c.card ->> 'name'`,
		[ownerName]
	);
	return rows;
}

/**
 * The owner's QR stays open through a swap, and checks for cards every couple of seconds: the
 * notice shows under it. (Opening another page to sync there would race that check.)
 */
async function seeArrivalUnderQr(page: Page, name: string): Promise<void> {
	await page
		.getByRole('dialog')
		.getByTestId('exchange-arrival')
		.filter({ hasText: t(locale, 'exchange_arrival', { name }) })
		.waitFor();
}

describe('the one-scan, two-way swap', () => {
	let link = '';

	test('A shows the QR, B scans it: both keep each other, with a follow-up', async () => {
		const { page } = owner;
		await openHydrated(page, `${server.url}/`);
		await turnOnSync(page);
		await saveCard(page, '陳怡君');
		link = await qrLinkWithToken(page);
		expect(link.startsWith(`${server.url}/c#1`)).toBe(true);

		const scanner = await launchWithFakeCamera(link, {
			executablePath: inject('chromiumPath'),
			locale
		});
		scanners.push(scanner);
		await openHydrated(scanner.page, `${server.url}/`);
		await turnOnSync(scanner.page);
		await saveCard(scanner.page, '林志明');
		await scanAndKeep(scanner.page);
		await expect
			.poll(() => scanner.page.getByTestId('exchange-send').getAttribute('data-status'), eventually)
			.toBe('sent');

		await seeArrivalUnderQr(page, '林志明');
		expect(await namesAndFollowUps(page)).toEqual([
			{ name: '林志明', source: 'exchange', followUps: 1 }
		]);
		expect(await namesAndFollowUps(scanner.page)).toEqual([
			{ name: '陳怡君', source: 'scan', followUps: 1 }
		]);
		// The scanner's device pushes what it kept; the owner's connection came from the server.
		await openHydrated(scanner.page, `${server.url}/settings`);
		await scanner.page.getByTestId('sync-now').click();
		await expect
			.poll(() => scanner.page.getByTestId('sync-waiting').getAttribute('data-count'), eventually)
			.toBe('0');
		expect(await serverConnections('陳怡君')).toEqual([
			{ name: '林志明', source: 'exchange', follow_ups: 1 }
		]);
		expect(await serverConnections('林志明')).toEqual([
			{ name: '陳怡君', source: 'scan', follow_ups: 1 }
		]);
		expect([...owner.pageErrors, ...scanner.pageErrors]).toEqual([]);
	});

	test('a scanner offline at the scan sends the card once back online', async () => {
		const scanner = await launchWithFakeCamera(link, {
			executablePath: inject('chromiumPath'),
			locale
		});
		scanners.push(scanner);
		const { page, context } = scanner;
		await openHydrated(page, `${server.url}/`);
		// Offline, the scanner and its chunks come from the service worker's cache.
		await waitForServiceWorkerControl(page);
		await turnOnSync(page);
		await saveCard(page, '王小明');

		await goOffline(context, page);
		await scanAndKeep(page);
		await expect
			.poll(() => page.getByTestId('exchange-send').getAttribute('data-status'), eventually)
			.toBe('queued');
		expect(await namesAndFollowUps(page)).toEqual([
			{ name: '陳怡君', source: 'scan', followUps: 1 }
		]);
		expect((await serverConnections('陳怡君')).map((row) => row.name)).toEqual(['林志明']);

		// Coming back online is enough: the app pushes on `online`.
		await context.setOffline(false);
		await expect
			.poll(() => serverConnections('陳怡君'), { timeout: 20_000, interval: 250 })
			.toEqual([
				{ name: '林志明', source: 'exchange', follow_ups: 1 },
				{ name: '王小明', source: 'exchange', follow_ups: 1 }
			]);
		await seeArrivalUnderQr(owner.page, '王小明');
		expect(
			(await namesAndFollowUps(owner.page)).sort((a, b) => a.name.localeCompare(b.name))
		).toEqual(
			[
				{ name: '林志明', source: 'exchange', followUps: 1 },
				{ name: '王小明', source: 'exchange', followUps: 1 }
			].sort((a, b) => a.name.localeCompare(b.name))
		);
		expect(scanner.pageErrors).toEqual([]);
	});

	test('an email carries the account to another device; deleting it empties the server only', async () => {
		const email = 'yijun@example.test';
		const { page } = owner;
		await openHydrated(page, `${server.url}/settings`);
		await expect
			.poll(() => page.getByTestId('sync-account').innerText(), eventually)
			.toBe(t(locale, 'sync_account_device_only'));
		await page.getByTestId('sync-link-email').fill(email);
		await page.getByTestId('sync-link-send').click();
		// The code exists once the request is answered, which is when the form asks for it.
		await page.getByTestId('sync-link-code').waitFor();
		await page.getByTestId('sync-link-code').fill(stack.gateway.otpFor(email) ?? '');
		await page.getByTestId('sync-link-confirm').click();
		await page.getByTestId('sync-account').filter({ hasText: email }).waitFor();
		expect(await axeViolations(page)).toEqual([]);

		const laptop = await launchBrowser({ locale });
		try {
			const other = laptop.page;
			await openHydrated(other, `${server.url}/settings`);
			await other.getByText(t(locale, 'sync_signin_heading')).click();
			await other.getByTestId('sync-signin-email').fill(email);
			await other.getByTestId('sync-signin-send').click();
			await other.getByTestId('sync-signin-code').waitFor();
			await other.getByTestId('sync-signin-code').fill(stack.gateway.otpFor(email) ?? '');
			await other.getByTestId('sync-signin-confirm').click();
			await other.getByTestId('sync-on').waitFor();
			// The pull brings the owner's card and the people the swaps brought.
			await expect
				.poll(
					async () => (await namesAndFollowUps(other)).map((row) => row.name).sort(),
					eventually
				)
				.toEqual(['林志明', '王小明'].sort());
			expect((await readStore(other, 'profile'))[0]).toMatchObject({ name: '陳怡君' });
			// Old swaps come along as history, not as news.
			expect(await other.getByTestId('exchange-arrival').count()).toBe(0);

			await other.getByTestId('sync-delete').click();
			await other.getByTestId('sync-delete-keeps').waitFor();
			await other.getByTestId('sync-delete-confirm').click();
			await other.getByTestId('sync-off').waitFor();
			const { rows } = await stack.admin.query<{ users: number; connections: number }>(
				`select (select count(*)::int from auth.users where email = $1) as users,
					(select count(*)::int from public.connections c
						join public.profiles p on p.owner_id = c.owner_id
						where p.display_name = '陳怡君') as connections`,
				[email]
			);
			expect(rows[0]).toEqual({ users: 0, connections: 0 });
			// What the device had stays on the device.
			expect((await namesAndFollowUps(other)).map((row) => row.name).sort()).toEqual(
				['林志明', '王小明'].sort()
			);
			expect(laptop.pageErrors).toEqual([]);
		} finally {
			await laptop.close();
		}
	});
});
