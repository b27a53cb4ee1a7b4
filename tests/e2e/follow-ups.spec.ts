// The follow-up queue against the real build: sections, actions with undo, drafts that open the
// right app, the weekly goal, the calendar export and the recap on home. Records are seeded
// straight into IndexedDB, so these tests stand on their own.
import { AxeBuilder } from '@axe-core/playwright';
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import {
	eventually,
	launchBrowser,
	startAppServer,
	t,
	type AppServer,
	type BrowserSession
} from '../support/browser';
import { DAY, iso, person, seedId, seedQueue } from '../support/followUps';

let server: AppServer;
let session: BrowserSession;

beforeAll(async () => {
	server = await startAppServer();
});
afterAll(async () => {
	await server?.close();
});
beforeEach(async () => {
	session = await launchBrowser();
});
afterEach(async () => {
	await session?.close();
});

const ZH = 'zh-TW' as const;
const settings = { timeZone: 'Asia/Taipei', weeklyGoal: 3 };
type Section = 'overdue' | 'today' | 'thisWeek' | 'later' | 'snoozed' | 'done' | 'skipped';

const sectionButton = (page: Page, section: Section, count: number) =>
	page.getByRole('button', {
		name: t(ZH, 'followUps_section_label', {
			section: t(ZH, `followUps_section_${section}`),
			count
		}),
		exact: true
	});

/** The names listed in a section, in order. */
async function namesIn(page: Page, section: Section): Promise<string[]> {
	return page.locator(`[data-section="section-${section}"] article h3`).allTextContents();
}

const item = (page: Page, name: string) => page.locator('article').filter({ hasText: name });
const button = (scope: Page | ReturnType<typeof item>, key: string, params = {}) =>
	scope.getByRole('button', { name: t(ZH, key, params), exact: true });

describe('the queue', () => {
	test('sorts follow-ups into their sections, with counts, Done collapsed', async () => {
		const { page } = session;
		const overdue = person('林志明', {
			card: { name: '林志明', company: '好好設計', channels: [] }
		});
		const today = person('陳美玲', { note: '聊到設計系統怎麼導入', promptText: '最近在忙什麼？' });
		const later = person('王大同');
		const snoozed = person('張雅婷');
		const done = person('黃建宏');
		await seedQueue(page, server.url, {
			settings,
			connections: [overdue, today, later, snoozed, done],
			followUps: [
				overdue.followUp({ dueAt: iso(-3 * DAY) }),
				today.followUp({ dueAt: iso(-1000) }),
				later.followUp({ dueAt: iso(40 * DAY) }),
				snoozed.followUp({ status: 'snoozed', snoozedUntil: iso(2 * DAY) }),
				done.followUp({ status: 'done', doneAt: iso(-DAY) })
			]
		});

		// The due count crosses midnight in Taipei only if the test runs in its first second.
		await sectionButton(page, 'overdue', 1).waitFor();
		for (const [section, count] of [
			['today', 1],
			['later', 1],
			['snoozed', 1],
			['done', 1]
		] as const) {
			expect(await sectionButton(page, section, count).count()).toBe(1);
		}
		expect(await namesIn(page, 'overdue')).toEqual(['林志明']);
		expect(await namesIn(page, 'today')).toEqual(['陳美玲']);
		expect(await item(page, '林志明').textContent()).toContain('好好設計');
		expect(await item(page, '陳美玲').textContent()).toContain('聊到設計系統怎麼導入');
		expect(await item(page, '陳美玲').textContent()).toContain('最近在忙什麼？');

		// Collapsed sections render nothing until opened.
		expect(await namesIn(page, 'done')).toEqual([]);
		expect(await sectionButton(page, 'done', 1).getAttribute('aria-expanded')).toBe('false');
		await sectionButton(page, 'done', 1).click();
		expect(await namesIn(page, 'done')).toEqual(['黃建宏']);
	});

	test('done, snooze and skip move the item, and Undo puts it back', async () => {
		const { page } = session;
		const lin = person('林志明');
		await seedQueue(page, server.url, {
			settings,
			connections: [lin],
			followUps: [lin.followUp({ dueAt: iso(-3 * DAY) })]
		});
		const toast = page.getByTestId('queue-toast');

		await button(item(page, '林志明'), 'followUps_done').click();
		await toast.getByText(t(ZH, 'followUps_toast_done', { name: '林志明' })).waitFor();
		await sectionButton(page, 'done', 1).waitFor();
		expect(await sectionButton(page, 'overdue', 0).count()).toBe(1);
		await button(toast, 'followUps_undo').click();
		await toast.getByText(t(ZH, 'followUps_undone')).waitFor();
		await sectionButton(page, 'overdue', 1).waitFor();

		await item(page, '林志明').getByText(t(ZH, 'followUps_snooze'), { exact: true }).click();
		await button(item(page, '林志明'), 'followUps_snooze_tomorrow').click();
		await sectionButton(page, 'snoozed', 1).waitFor();
		await button(toast, 'followUps_undo').click();
		await sectionButton(page, 'overdue', 1).waitFor();

		await button(item(page, '林志明'), 'followUps_skip').click();
		await toast.getByText(t(ZH, 'followUps_toast_skipped', { name: '林志明' })).waitFor();
		await sectionButton(page, 'skipped', 1).waitFor();
		expect(await sectionButton(page, 'done', 0).count()).toBe(1);
		await button(toast, 'followUps_undo').click();
		await sectionButton(page, 'overdue', 1).waitFor();

		// What is shown is what is stored: a reload sees the same queue.
		await page.reload();
		await sectionButton(page, 'overdue', 1).waitFor();
		expect(await sectionButton(page, 'done', 0).count()).toBe(1);
	});

	test('a snooze date already past is refused with a message, nothing changes', async () => {
		const { page } = session;
		const lin = person('林志明');
		await seedQueue(page, server.url, {
			settings,
			connections: [lin],
			followUps: [lin.followUp()]
		});
		const card = item(page, '林志明');
		await card.getByText(t(ZH, 'followUps_snooze'), { exact: true }).click();
		await card.getByLabel(t(ZH, 'followUps_snooze_date_label')).fill('2020-01-01');
		await button(card, 'followUps_snooze_apply').click();
		await card.getByText(t(ZH, 'followUps_snooze_invalid')).waitFor();
		expect(await sectionButton(page, 'overdue', 1).count()).toBe(1);
	});

	test('the draft cites the event and the talk phrase, never the private note, in every link', async () => {
		const { page } = session;
		const eventId = seedId();
		const note = '講話有點囉嗦，但人很好';
		const lin = person('林志明', {
			eventId,
			note,
			talkPhrase: '你在做的設計系統',
			card: {
				name: '林志明',
				channels: [
					{ kind: 'line', value: 'chihming' },
					{ kind: 'email', value: 'lin@example.com' }
				]
			}
		});
		await seedQueue(page, server.url, {
			settings,
			events: [
				{
					id: eventId,
					name: '台北前端小聚',
					context: 'meetup',
					startsAt: iso(-3 * DAY),
					endsAt: iso(-3 * DAY + 3_600_000),
					timeZone: 'Asia/Taipei',
					updatedAt: iso(-4 * DAY)
				}
			],
			connections: [lin],
			followUps: [lin.followUp()]
		});
		const card = item(page, '林志明');
		await card.getByText(t(ZH, 'followUps_draft_open', { name: '林志明' })).click();
		const text = card.getByLabel(t(ZH, 'followUps_draft_text_label'));
		const draft = await text.inputValue();
		expect(draft).toContain(t(ZH, 'followUps_draft_met_event', { event: '台北前端小聚' }));
		expect(draft).toContain(t(ZH, 'followUps_draft_talk', { phrase: '你在做的設計系統' }));
		expect(draft.startsWith(t(ZH, 'followUps_draft_greeting', { name: '林志明' }))).toBe(true);
		expect(draft).not.toContain(note);
		for (const link of await card.locator('a[href]').all()) {
			expect(decodeURIComponent((await link.getAttribute('href')) ?? '')).not.toContain(note);
		}

		const line = card.getByRole('link', { name: t(ZH, 'followUps_channel_line') });
		expect(await line.getAttribute('href')).toBe(
			`https://line.me/R/msg/text/?${encodeURIComponent(draft)}`
		);
		// Only what was shared: no phone, so no SMS or call.
		expect(await card.getByRole('link', { name: t(ZH, 'followUps_channel_sms') }).count()).toBe(0);

		await card.getByLabel(t(ZH, 'followUps_draft_kind_meet')).check();
		await text.fill('改過的訊息');
		const mail = await card
			.getByRole('link', { name: t(ZH, 'followUps_channel_email') })
			.getAttribute('href');
		const url = new URL(mail ?? '');
		expect(url.protocol + url.pathname).toBe('mailto:lin@example.com');
		expect(url.searchParams.get('body')).toBe('改過的訊息');
		expect(url.searchParams.get('subject')).toBe(
			t(ZH, 'followUps_draft_subject_event', {
				subject: t(ZH, 'followUps_draft_subject_meet'),
				event: '台北前端小聚'
			})
		);
	});

	test("Done on a tiered contact counts toward this week's goal and plans the next round", async () => {
		const { page } = session;
		const lin = person('林志明', { tier: 'close', metAt: iso(-60 * DAY) });
		await seedQueue(page, server.url, {
			settings,
			connections: [lin],
			followUps: [lin.followUp({ dueAt: iso(-2 * DAY) })]
		});
		const progress = page.getByTestId('weekly-progress');
		await expect
			.poll(() => progress.textContent(), eventually)
			.toBe(t(ZH, 'followUps_weekly_progress', { done: 0, goal: 3 }));
		await button(item(page, '林志明'), 'followUps_done').click();
		await expect
			.poll(() => progress.textContent(), eventually)
			.toBe(t(ZH, 'followUps_weekly_progress', { done: 1, goal: 3 }));
		// The next keep-in-touch round is planned for about a month on.
		await sectionButton(page, 'later', 1).waitFor();
	});

	test('the tier is editable from the queue item', async () => {
		const { page } = session;
		const lin = person('林志明');
		await seedQueue(page, server.url, {
			settings,
			connections: [lin],
			followUps: [lin.followUp()]
		});
		await item(page, '林志明').getByLabel(t(ZH, 'followUps_tier_label')).selectOption('regular');
		await page.getByText(t(ZH, 'followUps_toast_tier', { name: '林志明' })).waitFor();
		await page.reload();
		await page.locator('[data-ready="true"]').waitFor();
		expect(await item(page, '林志明').getByLabel(t(ZH, 'followUps_tier_label')).inputValue()).toBe(
			'regular'
		);
	});

	test('"Add all to calendar" downloads an .ics with one event per open follow-up', async () => {
		const { page } = session;
		const people = ['林志明', '陳美玲', '王大同'].map((name) => person(name));
		const closed = person('黃建宏');
		await seedQueue(page, server.url, {
			settings,
			connections: [...people, closed],
			followUps: [
				...people.map((p, i) => p.followUp({ dueAt: iso((i - 1) * DAY) })),
				closed.followUp({ status: 'done', doneAt: iso(-DAY) })
			]
		});
		const [download] = await Promise.all([
			page.waitForEvent('download'),
			button(page, 'followUps_calendar_all').click()
		]);
		expect(download.suggestedFilename()).toMatch(/\.ics$/);
		const ics = await readFile((await download.path()) ?? '', 'utf8');
		expect(ics.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
		expect(ics.endsWith('END:VCALENDAR\r\n')).toBe(true);
		expect(ics.match(/BEGIN:VEVENT\r\n/g)).toHaveLength(3);
		expect(ics.replace(/\r\n/g, '')).not.toMatch(/\n/);
		expect(ics.replace(/\r\n /g, '')).toContain(
			`SUMMARY:${t(ZH, 'followUps_calendar_summary', { name: '陳美玲' })}\r\n`
		);
	});

	test('passes axe with items, a draft and the toast showing, in light and dark', async () => {
		for (const colorScheme of ['light', 'dark'] as const) {
			const local = await launchBrowser({ colorScheme });
			try {
				const { page } = local;
				const lin = person('林志明', {
					tier: 'close',
					metAt: iso(-60 * DAY),
					card: { name: '林志明', channels: [{ kind: 'line', value: 'chihming' }] }
				});
				const chen = person('陳美玲');
				await seedQueue(page, server.url, {
					settings,
					connections: [lin, chen],
					followUps: [lin.followUp({ dueAt: iso(5 * DAY) }), chen.followUp()]
				});
				await item(page, '陳美玲')
					.getByText(t(ZH, 'followUps_draft_open', { name: '陳美玲' }))
					.click();
				await button(item(page, '陳美玲'), 'followUps_skip').click();
				await page.getByTestId('queue-toast').getByRole('button').first().waitFor();
				const results = await new AxeBuilder({ page })
					.withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
					.analyze();
				expect(
					results.violations.map(
						(v) => `${colorScheme} ${v.id}: ${v.nodes.map((n) => n.target).join(', ')}`
					)
				).toEqual([]);
			} finally {
				await local.close();
			}
		}
	});

	test('home recaps an event that is over, with a link to the queue', async () => {
		const { page } = session;
		const eventId = seedId();
		const met = ['林志明', '陳美玲'].map((name) => person(name, { eventId }));
		await seedQueue(
			page,
			server.url,
			{
				settings: { ...settings, currentEventId: eventId },
				events: [
					{
						id: eventId,
						name: '台北前端小聚',
						context: 'meetup',
						startsAt: iso(-DAY),
						endsAt: iso(-DAY + 3_600_000),
						timeZone: 'Asia/Taipei',
						updatedAt: iso(-2 * DAY)
					}
				],
				connections: met,
				followUps: met.map((p) => p.followUp({ dueAt: iso(DAY) }))
			},
			'/'
		);
		const recap = page.getByTestId('event-recap');
		await recap.waitFor();
		expect(await recap.textContent()).toContain('台北前端小聚');
		expect(await recap.textContent()).toMatch(/認識了 2 位新朋友/);
		await recap.getByRole('link').click();
		await page.locator('[data-ready="true"]').waitFor();
		expect(session.pageErrors).toEqual([]);
	});
});
