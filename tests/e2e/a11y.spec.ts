// Every screen, in both languages and both colour schemes, passes axe (WCAG 2.1 A/AA plus
// best practices) and has the landmarks a screen-reader user jumps by: one main, one h1.
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
	eventually,
	headingText,
	htmlLang,
	LANGUAGE_KEY,
	launchBrowser,
	startAppServer,
	t,
	waitForServiceWorkerControl,
	type AppServer,
	type BrowserSession,
	type MessageKey,
	type TestLocale
} from '../support/browser';

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];

interface Route {
	path: string;
	heading: MessageKey;
	/** Something that only appears once the page finished loading its data. */
	readySelector?: string;
}

const routes: Route[] = [
	{ path: '/', heading: 'home_heading' },
	{ path: '/card', heading: 'card_heading', readySelector: 'form input' },
	{ path: '/scan', heading: 'scan_heading', readySelector: '#scan-start' },
	{ path: '/prompts', heading: 'prompts_heading', readySelector: '[data-testid="prompt-text"]' },
	{ path: '/follow-ups', heading: 'follow_ups_heading' },
	{ path: '/people', heading: 'people_heading', readySelector: '.empty' },
	// Not prerendered: served by the SPA fallback; an unknown id shows the "not here" state.
	{
		path: '/people/00000000-0000-4000-8000-000000000000',
		heading: 'people_heading',
		readySelector: 'a[href="/people"].button'
	},
	{
		path: '/settings',
		heading: 'settings_heading',
		readySelector: '[data-testid="storage-usage"]'
	},
	{ path: '/c', heading: 'public_card_heading' },
	{ path: '/events', heading: 'events_heading', readySelector: '#new-event' }
];

const variants: { locale: TestLocale; colorScheme: 'light' | 'dark' }[] = [
	{ locale: 'zh-TW', colorScheme: 'light' },
	{ locale: 'zh-TW', colorScheme: 'dark' },
	{ locale: 'en', colorScheme: 'light' },
	{ locale: 'en', colorScheme: 'dark' }
];

/** One line per violation, naming the offending elements, so a failure reads as a to-do list. */
async function axeViolations(page: Page): Promise<string[]> {
	const results = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
	return results.violations.map(
		(violation) =>
			`${violation.id} (${violation.impact ?? 'n/a'}): ${violation.nodes
				.map((node) => node.target.join(' '))
				.join(', ')}`
	);
}

async function landmarkCounts(page: Page): Promise<{ main: number; h1: number }> {
	return {
		main: await page.getByRole('main').count(),
		h1: await page.getByRole('heading', { level: 1 }).count()
	};
}

let server: AppServer;

beforeAll(async () => {
	server = await startAppServer();
});

afterAll(async () => {
	await server?.close();
});

describe.for(
	variants.map((variant) => [`${variant.locale} ${variant.colorScheme}`, variant] as const)
)('%s', ([, { locale, colorScheme }]) => {
	let session: BrowserSession;

	beforeAll(async () => {
		session = await launchBrowser({ locale, colorScheme });
		// The app's own language switch stores the choice here; presetting it is the same as
		// having tapped the button in Settings on an earlier visit.
		await session.context.addInitScript(
			({ key, value }) => {
				try {
					localStorage.setItem(key, value);
				} catch {
					// An opaque origin (about:blank) has no storage; the app's pages do.
				}
			},
			{ key: LANGUAGE_KEY, value: locale }
		);
	});

	afterAll(async () => {
		await session?.close();
	});

	test('the first visit, with the offline-ready notice showing', async () => {
		const { page } = session;
		await page.goto(`${server.url}/`);
		expect(await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches)).toBe(
			colorScheme === 'dark'
		);
		await page.getByText(t(locale, 'offline_ready')).waitFor();
		expect(await htmlLang(page)).toBe(locale);
		expect(await axeViolations(page)).toEqual([]);
		// From here on the worker is in charge and the notice does not come back, so the route
		// scans below see the same page every run.
		await waitForServiceWorkerControl(page);
	});

	test.for(routes.map((route) => [route.path, route] as const))(
		'%s',
		async ([path, { heading, readySelector }]) => {
			const { page } = session;
			await page.goto(`${server.url}${path}`);
			await expect.poll(() => headingText(page), eventually).toBe(t(locale, heading));
			if (readySelector) await page.locator(readySelector).first().waitFor();
			// Contrast is judged on the settled page, not mid-way through an entrance animation.
			await page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished)));
			expect(await htmlLang(page)).toBe(locale);

			expect(await landmarkCounts(page)).toEqual({ main: 1, h1: 1 });
			expect(await axeViolations(page)).toEqual([]);
		}
	);

	test('no uncaught errors', () => {
		expect(session.pageErrors).toEqual([]);
	});
});
