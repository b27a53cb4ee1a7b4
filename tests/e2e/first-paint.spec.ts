// The first visit on a phone: the page a visitor came for is what paints largest, and nothing on
// it moves once it has painted — not when the stored data arrives, not when the service worker
// finishes installing and says the app now opens offline. Home and the card page a guest opens
// from a QR, in both languages. And what a first visit downloads over the venue's Wi-Fi arrives
// compressed, and only after the page has painted.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, onTestFinished, test } from 'vitest';
import { encodeCardUrl, referenceCard } from '../../src/lib/domain/card';
import {
	browsersSpeaking,
	launchBrowser,
	recordScripts,
	startAppServer,
	t,
	type AppServer,
	type BrowserSession,
	waitForHydration
} from '../support/browser';

interface PaintRecord {
	shifts: { value: number; sources: string[] }[];
	largest: { text: string; insideOfflineNotice: boolean }[];
}

/** Records layout shifts and largest-paint candidates from the very start of each document. */
function recordPaints(): void {
	const record: PaintRecord = { shifts: [], largest: [] };
	Object.assign(window, { __paints: record });
	const describe = (node: Node | null | undefined) =>
		node instanceof Element ? `${node.tagName.toLowerCase()}.${node.className}` : String(node);
	new PerformanceObserver((list) => {
		for (const entry of list.getEntries() as (PerformanceEntry & {
			value: number;
			hadRecentInput: boolean;
			sources?: { node?: Node }[];
		})[]) {
			if (entry.hadRecentInput) continue;
			record.shifts.push({
				value: entry.value,
				sources: (entry.sources ?? []).map((source) => describe(source.node))
			});
		}
	}).observe({ type: 'layout-shift', buffered: true });
	new PerformanceObserver((list) => {
		for (const entry of list.getEntries() as (PerformanceEntry & { element: Element | null })[]) {
			record.largest.push({
				text: (entry.element?.textContent ?? '').trim().slice(0, 80),
				insideOfflineNotice: entry.element?.closest('.offline-ready') != null
			});
		}
	}).observe({ type: 'largest-contentful-paint', buffered: true });
}

const paints = (page: Page) =>
	page.evaluate(() => (window as unknown as { __paints: PaintRecord }).__paints);

describe.each(browsersSpeaking)('first visit in $locale', ({ locale, browser }) => {
	let server: AppServer;
	let session: BrowserSession;

	beforeAll(async () => {
		server = await startAppServer();
		session = await launchBrowser({ locale: browser });
		await session.context.addInitScript(recordPaints);
	});

	afterAll(async () => {
		await session?.close();
		await server?.close();
	});

	test('home: the offline notice arrives quietly below the page and nothing shifts', async () => {
		const { page } = session;
		await page.goto(`${server.url}/`);
		const notice = page.getByRole('status').filter({ hasText: t(locale, 'offline_ready') });
		await notice.waitFor();

		const { shifts, largest } = await paints(page);
		expect(shifts).toEqual([]);
		expect(largest.length).toBeGreaterThan(0);
		expect(largest.some((paint) => paint.insideOfflineNotice)).toBe(false);
		// Below the page's own content, not over it.
		const tiles = await page.getByRole('link', { name: t(locale, 'action_prompt') }).boundingBox();
		const line = await notice.boundingBox();
		expect(line && tiles && line.y >= tiles.y + tiles.height).toBe(true);
	});

	test('the card page a guest opens: the card paints largest and nothing shifts', async () => {
		const { page } = session;
		await page.goto(encodeCardUrl(referenceCard, server.url));
		await page.getByRole('heading', { level: 1, name: referenceCard.name }).waitFor();
		await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 500)));

		const { shifts, largest } = await paints(page);
		expect(shifts).toEqual([]);
		expect(largest.at(-1)?.text).not.toBe('');
		expect(largest.some((paint) => paint.insideOfflineNotice)).toBe(false);
	});
});

// Not per language: what is sent does not depend on who reads it.
test('a first visit gets the page and its scripts compressed', async () => {
	const server = await startAppServer();
	onTestFinished(() => server.close());
	// No service worker answering from its cache.
	const visit = await launchBrowser({ serviceWorkers: 'block' });
	onTestFinished(() => visit.close());
	const { page } = visit;
	const encodings = new Map<string, string | null>();
	page.on('response', (response) => {
		const type = response.request().resourceType();
		if (type === 'document' || type === 'script') {
			encodings.set(response.url(), response.headers()['content-encoding'] ?? null);
		}
	});
	await page.goto(`${server.url}/`, { waitUntil: 'networkidle' });

	expect(encodings.get(`${server.url}/`)).toBe('br');
	const scripts = [...encodings].filter(([url]) => url.endsWith('.js'));
	expect(scripts.length).toBeGreaterThan(0);
	for (const [url, encoding] of scripts) expect(encoding, url).toBe('br');
});

/** Notes when the document's first frame starts, before any of the page's own code can run. */
function recordFirstFrame(): void {
	requestAnimationFrame(() => Object.assign(window, { __firstFrameAt: performance.now() }));
}

/** The two pages a first visit starts on; not per language, like the test above. */
const firstPages = [
	['home', (url: string) => `${url}/`],
	['the card page a guest opens', (url: string) => encodeCardUrl(referenceCard, url)]
] as const;

/**
 * A first visit with no service worker answering, the page opened once `prepare` has run; gives
 * the page and what `prepare` returned.
 */
async function firstVisit<Prepared>(
	pageUrl: (url: string) => string,
	prepare: (page: Page) => Prepared
) {
	const server = await startAppServer();
	onTestFinished(() => server.close());
	const visit = await launchBrowser({ serviceWorkers: 'block' });
	onTestFinished(() => visit.close());
	const { page } = visit;
	const prepared = await prepare(page);
	await page.goto(pageUrl(server.url));
	await waitForHydration(page);
	return { page, prepared };
}

/** The scripts a first visit loads, with their text. */
async function scriptsOfFirstVisit(pageUrl: (url: string) => string) {
	const { prepared: scripts } = await firstVisit(pageUrl, recordScripts);
	return scripts();
}

// The page is whole without its scripts; downloading them while it is still being parsed only
// competes with its first paint on a phone.
test.each(firstPages)(
	'%s asks for no script before its first frame, then starts',
	async (_, pageUrl) => {
		const { page } = await firstVisit(pageUrl, (page) => page.addInitScript(recordFirstFrame));

		const { firstFrameAt, scripts } = await page.evaluate(() => ({
			firstFrameAt: (window as unknown as { __firstFrameAt: number }).__firstFrameAt,
			scripts: performance
				.getEntriesByType('resource')
				.filter((entry) => new URL(entry.name).pathname.endsWith('.js'))
				.map(({ name, startTime }) => ({ name, startTime }))
		}));
		expect(scripts.length).toBeGreaterThan(0);
		for (const script of scripts)
			expect(script.startTime, script.name).toBeGreaterThan(firstFrameAt);
	}
);

// Starting the app calls most of what the first-load chunks hold; compiled lazily, that work fell
// on the main thread in one long task on a slow phone (compileHints.config.ts).
test.each(firstPages)(
	'%s starts from scripts marked to be compiled as they download',
	async (_, pageUrl) => {
		const loaded = (await scriptsOfFirstVisit(pageUrl)).sort(
			(a, b) => b.text.length - a.text.length
		);
		const hinted = loaded.filter(({ text }) => text.startsWith('//# allFunctionsCalledOnLoad\n'));
		expect(hinted.map(({ url }) => url)).toContain(loaded[0]?.url);
		// The shell, and the app's or the guest's chunk.
		expect(hinted).toHaveLength(2);
	}
);

// Under a trace (DevTools, Lighthouse) Chromium notes where each exception is raised, and to find
// the line it parses the whole script again: on a slow phone, tens of milliseconds of the longest
// task after the first paint. SvelteKit's start raised two on a tab's first page (see
// KIT_SESSION_KEYS in bootAfterFirstPaint.ts).
test.each(firstPages)(
	'%s starts without raising an exception, caught or not',
	async (_, pageUrl) => {
		const raised: string[] = [];
		await firstVisit(pageUrl, async (page) => {
			const debug = await page.context().newCDPSession(page);
			debug.on('Debugger.paused', ({ data, callFrames }) => {
				raised.push(`${data?.description ?? data?.value} at ${callFrames[0]?.url}`);
				void debug.send('Debugger.resume');
			});
			await debug.send('Debugger.enable');
			await debug.send('Debugger.setPauseOnExceptions', { state: 'all' });
		});

		expect(raised).toEqual([]);
	}
);

// The same re-reading, for the one Error Svelte makes as its code loads (chunks.config.ts).
test.each(firstPages)(
	'%s loads the Error Svelte makes at load from a small file of its own',
	async (_, pageUrl) => {
		const loaded = await scriptsOfFirstVisit(pageUrl);
		const making = loaded.filter(({ text }) => text.includes('StaleReactionError'));
		expect(making).toHaveLength(1);
		expect(making[0]?.text.length, making[0]?.url).toBeLessThan(2000);
	}
);
