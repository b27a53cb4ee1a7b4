// TEST-ONLY. The steps of a person using sync, as the browser specs walk them: save a card, turn
// sync on with an email, sign in or out on another device, keep someone from their card link.
// Each step waits for what the person would wait for on screen.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { encodeCardUrl } from '../../src/lib/domain/card/payloadEncode';
import {
	eventually,
	launchBrowser,
	openHydrated,
	startAppServer,
	t,
	type AppServer,
	type BrowserSession,
	type LaunchOptions,
	type TestLocale
} from './browser';
import { startSupabaseStack, type SupabaseStack } from './supabaseStack';

/** The server side of a sync spec, there once its `beforeAll` has run. */
export interface SyncWorld {
	readonly origin: string;
	readonly stack: SupabaseStack;
	/** A fresh browser profile: another device, closed after the file's tests. */
	device(options?: Omit<LaunchOptions, 'locale'>): Promise<BrowserSession>;
}

/**
 * For one spec file: starts the pretend Supabase project and the app server before its tests,
 * and closes them and every device after. Returns the world and the steps walked in it.
 */
export function useSyncWorld(locale: TestLocale) {
	let stack: SupabaseStack | undefined;
	let server: AppServer | undefined;
	const sessions: BrowserSession[] = [];
	beforeAll(async () => {
		stack = await startSupabaseStack({ forTheBuild: true });
		server = await startAppServer();
	}, 60_000);
	afterAll(async () => {
		for (const session of sessions) await session.close();
		await server?.close();
		await stack?.stop();
	});
	const world: SyncWorld = {
		get origin() {
			if (!server) throw new Error('the app server starts in beforeAll');
			return server.url;
		},
		get stack() {
			if (!stack) throw new Error('the stack starts in beforeAll');
			return stack;
		},
		async device(options = {}) {
			const session = await launchBrowser({ ...options, locale });
			sessions.push(session);
			return session;
		}
	};
	return { world, ...syncJourney(world, locale) };
}

function syncJourney(world: SyncWorld, locale: TestLocale) {
	async function saveCard(page: Page, name: string): Promise<void> {
		await openHydrated(page, `${world.origin}/card#edit`);
		await page.getByLabel(t(locale, 'card_field_name'), { exact: true }).fill(name);
		await page.getByRole('button', { name: t(locale, 'card_save') }).click();
		await page.getByText(t(locale, 'card_saved')).waitFor();
	}

	async function syncedIdle(page: Page): Promise<void> {
		await openHydrated(page, `${world.origin}/settings`);
		await page.getByTestId('sync-now').click();
		await expect
			.poll(() => page.getByTestId('sync-status').getAttribute('data-phase'), eventually)
			.toBe('idle');
	}

	/** Turns sync on and gives the new account an email, as someone who will sign in elsewhere. */
	async function syncWithEmail(page: Page, email: string): Promise<void> {
		await openHydrated(page, `${world.origin}/settings`);
		await page.getByTestId('sync-enable').click();
		await page.getByTestId('sync-on').waitFor();
		await page.getByTestId('sync-link-email').fill(email);
		await page.getByTestId('sync-link-send').click();
		await page.getByTestId('sync-link-code').waitFor();
		await page.getByTestId('sync-link-code').fill(world.stack.gateway.otpFor(email) ?? '');
		await page.getByTestId('sync-link-confirm').click();
		await page.getByTestId('sync-account').filter({ hasText: email }).waitFor();
		await syncedIdle(page);
	}

	async function signIn(page: Page, email: string): Promise<void> {
		await openHydrated(page, `${world.origin}/settings`);
		await page.getByText(t(locale, 'sync_signin_heading')).click();
		await page.getByTestId('sync-signin-email').fill(email);
		await page.getByTestId('sync-signin-send').click();
		await page.getByTestId('sync-signin-code').waitFor();
		await page.getByTestId('sync-signin-code').fill(world.stack.gateway.otpFor(email) ?? '');
		await page.getByTestId('sync-signin-confirm').click();
		await page.getByTestId('sync-on').waitFor();
	}

	async function signOut(page: Page, choice: 'keep' | 'erase'): Promise<void> {
		await openHydrated(page, `${world.origin}/settings`);
		await page.getByTestId('sync-signout').click();
		await page.getByTestId(`sync-signout-${choice}`).click();
		// Said once the whole sign-out is done, the device's copy erased if that was the choice.
		const done = choice === 'erase' ? 'sync_signed_out_erased' : 'sync_signed_out_done';
		await page
			.getByTestId('sync-done')
			.filter({ hasText: t(locale, done) })
			.waitFor();
	}

	/** Keeps a person from their card link, with a note; leaves the person's page open. */
	async function keepPerson(page: Page, name: string, note: string): Promise<void> {
		const link = encodeCardUrl(
			{ name, channels: [{ kind: 'line', value: 'lin.1988' }] },
			world.origin
		);
		await openHydrated(page, link);
		await page.getByRole('button', { name: t(locale, 'public_card_keep') }).click();
		await page.getByRole('link', { name: t(locale, 'public_card_people_link') }).click();
		await page.getByRole('link', { name }).click();
		await saveNote(page, note);
	}

	/** On the person's open page: writes the note and saves. */
	async function saveNote(page: Page, note: string): Promise<void> {
		await page.locator('#person-note').fill(note);
		await page.getByRole('button', { name: t(locale, 'people_save') }).click();
		await page
			.getByTestId('person-status')
			.filter({ hasText: t(locale, 'people_saved') })
			.waitFor();
	}

	return { saveCard, syncedIdle, syncWithEmail, signIn, signOut, keepPerson, saveNote };
}
