// Small factories for the browser tests: a static server for the build, a Chromium session, the
// app's own strings. Each test file starts its own server on its own port (a separate origin),
// so service-worker registrations and storage never leak from one file into the next.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
	chromium,
	type BrowserContext,
	type BrowserContextOptions,
	type Page
} from 'playwright-core';
import { inject } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import zhTW from '../../messages/zh-TW.json' with { type: 'json' };
import { CHROMIUM_ARGS } from './chromium-flags.mjs';
import { serveFolder } from './serve.mjs';

export interface AppServer {
	/** Origin without a trailing slash, e.g. `http://127.0.0.1:41234`. */
	url: string;
	/** Stops listening and drops open connections: the venue Wi-Fi going away. */
	close: () => Promise<void>;
}

/** Serves the build as the SPA it is in production: unknown paths get `index.html`. */
export function startAppServer(buildDir = inject('buildDir')): Promise<AppServer> {
	// Redeployable: a test can "deploy" a new version into the folder while it is being served.
	return serveFolder(buildDir, { single: '200.html', redeployable: true });
}

export interface LaunchOptions {
	/** A real on-disk profile; Chromium treats a throwaway context as incognito. */
	persistentProfile?: boolean;
	locale?: string;
	colorScheme?: 'light' | 'dark';
	serviceWorkers?: 'allow' | 'block';
	/** The device's time zone, e.g. 'UTC' for a phone set to UTC at a venue in Taipei. */
	timezoneId?: string;
	/** Another browser's user agent, e.g. an iPhone's Safari. */
	userAgent?: string;
}

export interface BrowserSession {
	context: BrowserContext;
	page: Page;
	/** Uncaught exceptions in any page of the session, so a test can insist there were none. */
	pageErrors: string[];
	close: () => Promise<void>;
}

export async function launchBrowser(options: LaunchOptions = {}): Promise<BrowserSession> {
	const executablePath = inject('chromiumPath');
	const contextOptions: BrowserContextOptions = {
		locale: options.locale ?? 'zh-TW',
		colorScheme: options.colorScheme ?? 'light',
		serviceWorkers: options.serviceWorkers ?? 'allow',
		viewport: { width: 390, height: 844 },
		...(options.timezoneId ? { timezoneId: options.timezoneId } : {}),
		...(options.userAgent ? { userAgent: options.userAgent } : {})
	};

	let context: BrowserContext;
	let cleanup: () => Promise<void>;
	if (options.persistentProfile) {
		const profileDir = await mkdtemp(join(tmpdir(), 'rapport-e2e-profile-'));
		context = await chromium.launchPersistentContext(profileDir, {
			executablePath,
			args: CHROMIUM_ARGS,
			...contextOptions
		});
		cleanup = async () => {
			await context.close();
			await rm(profileDir, { recursive: true, force: true });
		};
	} else {
		const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
		context = await browser.newContext(contextOptions);
		cleanup = () => browser.close();
	}

	// Well under the 60 s test timeout, so a missing element fails with Playwright's call log
	// rather than as an anonymous test timeout.
	context.setDefaultTimeout(15_000);
	const pageErrors: string[] = [];
	context.on('weberror', (error) => pageErrors.push(error.error().message));
	const page = context.pages()[0] ?? (await context.newPage());
	let closed: Promise<void> | undefined;
	return {
		context,
		page,
		pageErrors,
		close: () => (closed ??= cleanup())
	};
}

/**
 * Resolves once a service worker controls the page. The worker is registered with
 * `registerType: 'prompt'`, so its first install does not claim the open page: it only controls
 * documents loaded after it activated, hence the reload.
 */
export async function waitForServiceWorkerControl(page: Page, timeout = 20_000): Promise<void> {
	const activated = await page.evaluate(async (timeout) => {
		const active = navigator.serviceWorker.ready.then(async (registration) => {
			const worker = registration.active;
			if (!worker || worker.state === 'activated') return true;
			return new Promise<boolean>((resolve) => {
				worker.addEventListener('statechange', () => {
					if (worker.state === 'activated') resolve(true);
				});
			});
		});
		// `ready` never settles when no worker registers, which would only surface as a test timeout.
		const late = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeout));
		return Promise.race([active, late]);
	}, timeout);
	if (!activated) throw new Error(`No service worker activated within ${timeout} ms`);
	if (!(await isControlled(page))) await page.reload();
	await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
}

export function isControlled(page: Page): Promise<boolean> {
	return page.evaluate(() => navigator.serviceWorker?.controller !== null);
}

/**
 * Options for `expect.poll` on page state: vitest gives up after 1 s by default, shorter than a
 * cold page load on a busy CI machine.
 */
export const eventually = { timeout: 10_000, interval: 50 } as const;

/** The first h1's text, or null while there is none (never throws mid-navigation). */
export async function headingText(page: Page): Promise<string | null> {
	try {
		return await page.evaluate(() => document.querySelector('h1')?.textContent?.trim() ?? null);
	} catch {
		return null;
	}
}

export async function htmlLang(page: Page): Promise<string | null> {
	try {
		return await page.evaluate(() => document.documentElement.lang);
	} catch {
		return null;
	}
}

/** The same key the app saves the chosen language under (src/lib/i18n/locale.ts). */
export const LANGUAGE_KEY = 'rapport.language';

/** Every message file of a language (the base file and one per feature folder), merged. */
function catalogue(locale: string): Record<string, string | Variants[]> {
	const folders = readdirSync('messages', { withFileTypes: true })
		.filter((entry) => entry.isDirectory())
		.map((entry) => `messages/${entry.name}`);
	return Object.assign(
		{},
		...['messages', ...folders].map((folder) =>
			JSON.parse(readFileSync(`${folder}/${locale}.json`, 'utf8'))
		)
	);
}

const catalogues = { 'zh-TW': catalogue('zh-TW'), en: catalogue('en') } as const;
export type TestLocale = keyof typeof catalogues;
/** Keys of the base file are checked by the compiler; feature folders' keys are plain strings. */
/**
 * One browser per app language, each speaking it, for journeys run in zh-TW and English: a first
 * visit follows the browser's languages, so no saved choice is needed.
 */
export const browsersSpeaking: readonly { locale: TestLocale; browser: string }[] = [
	{ locale: 'zh-TW', browser: 'zh-TW' },
	{ locale: 'en', browser: 'en-US' }
];

export type MessageKey = Exclude<keyof typeof zhTW, '$schema'> | (string & {});
type Params = Record<string, string | number>;

/** inlang's variant form, as the message files use it for plurals. */
interface Variants {
	declarations: string[];
	selectors: string[];
	match: Record<string, string>;
}

/** Picks the variant whose `name=category` conditions all hold (`*` matches anything). */
function selectVariant(locale: TestLocale, message: Variants[], params: Params): string {
	const plurals = new Intl.PluralRules(locale);
	for (const variant of message) {
		const category = (name: string): string | undefined => {
			const declaration = variant.declarations.find((d) => d.startsWith(`local ${name} =`));
			const input = declaration?.match(/=\s*(\w+)\s*:\s*plural/)?.[1];
			return input === undefined ? undefined : plurals.select(Number(params[input]));
		};
		for (const [conditions, text] of Object.entries(variant.match)) {
			const holds = conditions.split(',').every((condition) => {
				const [name = '', value] = condition.trim().split('=');
				return value === '*' || value === category(name);
			});
			if (holds) return text;
		}
	}
	throw new Error(`No variant matches ${JSON.stringify(params)}`);
}

/**
 * A string as the app renders it, read from the same message files the build uses, so the tests
 * follow copy edits instead of pinning yesterday's wording.
 */
export function t(locale: TestLocale, key: MessageKey, params: Params = {}): string {
	const message = catalogues[locale][key];
	if (message === undefined) throw new Error(`No message ${key} in ${locale}`);
	const template = typeof message === 'string' ? message : selectVariant(locale, message, params);
	return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
		name in params ? String(params[name]) : whole
	);
}

/** Resolves once the prerendered page is hydrated, so its controls have their handlers. */
export async function waitForHydration(page: Page): Promise<void> {
	await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
}

/**
 * Opens a page and waits for hydration: a tap on a prerendered button before its handler is
 * attached does nothing, which on a busy machine is a flaky test rather than a bug.
 */
export async function openHydrated(page: Page, url: string): Promise<void> {
	await page.goto(url);
	await waitForHydration(page);
}

export interface LoadedScript {
	url: string;
	text: string;
}

/**
 * Records the scripts a page loads from now on; the returned function gives those loaded so far.
 * A body still being read when the browser closes is caught here: left alone, its rejection has
 * no listener and fails the run after the test has passed. One that could not be read before the
 * test asks fails the test instead of being counted as script without the text looked for.
 */
export function recordScripts(page: Page): () => Promise<LoadedScript[]> {
	const scripts: Promise<LoadedScript | Error>[] = [];
	page.on('response', (response) => {
		if (response.request().resourceType() !== 'script') return;
		const url = response.url();
		scripts.push(
			response.text().then(
				(text) => ({ url, text }),
				(error: unknown) => new Error(`could not read ${url}: ${String(error)}`)
			)
		);
	});
	return async () => {
		const read = await Promise.all(scripts);
		return read.map((script) => {
			if (script instanceof Error) throw script;
			return script;
		});
	};
}

/**
 * Takes the browser offline for a page already open, and returns once that page reads it. The
 * app decides by `navigator.onLine` whether to send now or keep for later, and nothing in
 * `setOffline` promises the page has been told by the time it resolves: a tap before then would
 * be sent, not kept.
 */
export async function goOffline(context: BrowserContext, page: Page): Promise<void> {
	await context.setOffline(true);
	await page.waitForFunction(() => !navigator.onLine);
}
