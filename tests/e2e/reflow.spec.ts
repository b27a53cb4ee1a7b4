// Reflow (WCAG 1.4.10): at 320 CSS px wide (a 640 px screen at 200 % zoom) no route scrolls
// sideways in either language, with data in every list, and the bottom navigation stays legible
// (each label whole, on one line) in at most 15 % of the height.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { encodeCardUrl, type Card } from '../../src/lib/domain/card';
import {
	launchBrowser,
	startAppServer,
	waitForHydration,
	type AppServer,
	type BrowserSession
} from '../support/browser';
import { DAY, iso, person, seedId, seedQueue } from '../support/followUps';

let server: AppServer;

beforeAll(async () => {
	server = await startAppServer();
});
afterAll(async () => {
	await server?.close();
});

const WIDTH = 320;
const HEIGHT = 568;

// Long names, companies, addresses and links: what makes a narrow screen overflow.
const longCard: Card = {
	name: 'Christopher Montgomery-Alexander',
	company: '台灣半導體製造股份有限公司 Taiwan Semiconductor Manufacturing',
	channels: [
		{ kind: 'email', value: 'christopher.montgomery-alexander@example-company.com.tw' },
		{ kind: 'phone', value: '+886912345678' },
		{ kind: 'line', value: 'chihming_lin_design' },
		{ kind: 'linkedin', value: 'https://www.linkedin.com/in/christopher-montgomery-alexander' },
		{ kind: 'website', value: 'https://www.example-portfolio-website.com.tw/about/me' }
	]
};

const profile = {
	name: '陳怡君',
	altName: 'Yijun Chen',
	title: '資深前端工程師 Senior Frontend Engineer',
	company: '台灣半導體製造股份有限公司',
	hidden: [],
	channels: longCard.channels.map((channel, i) => ({ ...channel, shared: i !== 3 })),
	updatedAt: iso(-DAY)
};

async function seedEverything(page: Page): Promise<string> {
	const event = {
		id: seedId(),
		name: '台北前端社群小聚：設計系統與無障礙實務分享之夜 Design Systems Night',
		context: 'meetup',
		topic: 'Design systems and accessibility in practice',
		venue: '集思台大會議中心 國際會議廳',
		startsAt: iso(-3_600_000),
		endsAt: iso(7_200_000),
		timeZone: 'Asia/Taipei',
		updatedAt: iso(-DAY)
	};
	const past = { ...event, id: seedId(), name: 'International Accessibility Conference 2026' };
	Object.assign(past, { startsAt: iso(-9 * DAY), endsAt: iso(-9 * DAY + 7_200_000) });
	const people = [
		person('Christopher Montgomery-Alexander', {
			card: longCard,
			eventId: event.id,
			note: '聊到他在做長照 App，想找設計師合作，下次約喝咖啡 (long-term care app, wants a designer)',
			promptText: '最近在忙什麼有趣的專案？ What are you working on lately?',
			tags: ['設計', 'hiring', 'accessibility-engineering'],
			tier: 'close'
		}),
		person('陳美玲', { card: { ...longCard, name: '陳美玲' }, eventId: past.id }),
		person('林志明', { card: { ...longCard, name: '林志明' } })
	];
	await seedQueue(
		page,
		server.url,
		{
			settings: { currentEventId: event.id, timeZone: 'Asia/Taipei', weeklyGoal: 3 },
			events: [event, past],
			connections: people,
			followUps: [
				people[0]!.followUp({ dueAt: iso(-2 * DAY) }),
				people[1]!.followUp({ dueAt: iso(3_600_000) }),
				people[2]!.followUp({ dueAt: iso(-DAY), status: 'done', doneAt: iso(-3_600_000) }),
				people[1]!.followUp({
					kind: 'keep_in_touch',
					cycle: 1,
					status: 'skipped',
					doneAt: iso(-DAY)
				})
			]
		},
		'/'
	);
	await page.evaluate(async (profile) => {
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
	return people[0]!.id;
}

interface Layout {
	scrollWidth: number;
	clientWidth: number;
	/** Elements that reach past the right edge (fixed ones and hidden text excepted). */
	pastTheEdge: string[];
	nav: { height: number; labels: { text: string; lines: number; cut: boolean }[] } | null;
}

function measure(page: Page): Promise<Layout> {
	return page.evaluate(() => {
		const root = document.documentElement;
		const pastTheEdge = [...document.querySelectorAll('body *')]
			.filter((element) => {
				const box = element.getBoundingClientRect();
				return (
					box.width > 1 &&
					box.right > root.clientWidth + 0.5 &&
					!element.closest('.visually-hidden, dialog:not([open])')
				);
			})
			.map((element) => `${element.tagName.toLowerCase()}.${element.className}`);
		const nav = document.querySelector<HTMLElement>('nav:has(> ul)');
		return {
			scrollWidth: root.scrollWidth,
			clientWidth: root.clientWidth,
			pastTheEdge,
			nav: nav && {
				height: nav.getBoundingClientRect().height,
				labels: [...nav.querySelectorAll('a span')].map((span) => ({
					text: span.textContent ?? '',
					lines: new Set([...span.getClientRects()].map((rect) => Math.round(rect.top))).size,
					cut: span.scrollWidth > span.clientWidth + 0.5
				}))
			}
		};
	});
}

async function expectReflow(page: Page, where: string): Promise<void> {
	const layout = await measure(page);
	expect(layout.scrollWidth, where).toBeLessThanOrEqual(layout.clientWidth);
	expect(layout.pastTheEdge, where).toEqual([]);
	if (layout.nav) {
		expect(layout.nav.height / HEIGHT, where).toBeLessThanOrEqual(0.15);
		for (const label of layout.nav.labels) {
			expect({ ...label, where }).toMatchObject({ lines: 1, cut: false });
		}
	}
}

describe.each([
	{ language: 'zh-TW', browser: 'zh-TW' },
	{ language: 'en', browser: 'en-US' }
])('at 320 px in $language', ({ browser }) => {
	let session: BrowserSession;
	let personId: string;

	beforeAll(async () => {
		session = await launchBrowser({ locale: browser });
		await session.page.setViewportSize({ width: WIDTH, height: HEIGHT });
		personId = await seedEverything(session.page);
	});

	afterAll(async () => {
		await session?.close();
	});

	test('no route scrolls sideways, and the navigation stays whole and small', async () => {
		const { page } = session;
		const card = encodeCardUrl(
			{ ...longCard, altName: 'Chris', title: 'Principal Accessibility Engineer' },
			server.url
		);
		for (const route of [
			'/',
			'/card',
			'/events',
			'/scan',
			'/prompts',
			'/people',
			`/people/${personId}`,
			'/settings',
			new URL(card).pathname + new URL(card).hash,
			'/c#garbage'
		]) {
			await page.goto(`${server.url}${route}`);
			await waitForHydration(page);
			await page.locator('main h1').waitFor();
			// Let the screen read its records before measuring it.
			await page.waitForLoadState('networkidle');
			await expectReflow(page, route);
		}
	});

	test('the queue with every section and a draft open fits', async () => {
		const { page } = session;
		await page.goto(`${server.url}/follow-ups`);
		await page.locator('[data-ready="true"]').waitFor();
		const closed = page.locator('section[data-section] h2 button[aria-expanded="false"]');
		while ((await closed.count()) > 0) await closed.first().click();
		await page.locator('details.compose summary').first().click();
		await page.locator('details.compose textarea').first().waitFor();
		await expectReflow(page, '/follow-ups');
	});

	test('My card’s share switches keep their size when their label wraps', async () => {
		const { page } = session;
		await page.goto(`${server.url}/card#edit`);
		await waitForHydration(page);
		const boxes = page.getByRole('checkbox');
		await boxes.first().waitFor();
		const sizes = await boxes.evaluateAll((inputs) =>
			inputs.map((input) => {
				const { width, height } = input.getBoundingClientRect();
				return { width: Math.round(width), height: Math.round(height) };
			})
		);
		// A label on two lines once squeezed the first box to 13 px wide: a target too small to hit.
		expect(sizes.length).toBeGreaterThan(3);
		for (const size of sizes) expect(size.width).toBe(size.height);
		await expectReflow(page, '/card#edit');
	});

	test('the delete confirmation of an event fits', async () => {
		const { page } = session;
		await page.goto(`${server.url}/events`);
		await waitForHydration(page);
		await page.locator('button[id^="delete-"]').first().click();
		await page.getByTestId('delete-event').waitFor();
		await expectReflow(page, '/events (delete)');
		await page.keyboard.press('Escape');
	});
});
