// The coach for the nervous (docs/coach.md), the whole evening in one journey: a small goal set on
// the events page before with a rehearsal of the opener, a follow-up question offered once a prompt worked during, and the next
// morning a short debrief beside the follow-up queue whose answers stay through reloads and
// offline, and show up in the quiet list of past events. The clock is the page's, set by the test.
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import {
	browsersSpeaking,
	eventually,
	launchBrowser,
	openHydrated,
	startAppServer,
	t,
	waitForServiceWorkerControl,
	type AppServer,
	type BrowserSession
} from '../support/browser';
import { axeViolations, readStore } from '../support/card';
import { person, seedQueue } from '../support/followUps';

let server: AppServer;
let session: BrowserSession | undefined;

beforeAll(async () => {
	server = await startAppServer();
});
afterAll(async () => {
	await server?.close();
});
afterEach(async () => {
	await session?.close();
	session = undefined;
});

// An evening meetup in Taipei; the phone is in Taipei too.
const DURING = new Date('2026-12-10T19:30:00+08:00');
const MORNING_AFTER = new Date('2026-12-11T08:15:00+08:00');

describe.each(browsersSpeaking)('the coach in $locale', ({ locale, browser }) => {
	test('a goal before, a follow-up question during, a debrief the morning after that stays', async () => {
		session = await launchBrowser({ locale: browser, timezoneId: 'Asia/Taipei' });
		const { context, page } = session;
		await context.clock.setFixedTime(DURING);

		// Before: the event is made on the events page, and its goal chosen there.
		const name = locale === 'en' ? 'Frontend meetup' : '台北前端小聚';
		await openHydrated(page, `${server.url}/events`);
		await page.getByRole('button', { name: t(locale, 'events_new') }).click();
		await page.getByLabel(t(locale, 'events_field_name')).fill(name);
		await page.getByLabel(t(locale, 'events_field_starts')).fill('2026-12-10T19:00');
		await page.getByLabel(t(locale, 'events_field_ends')).fill('2026-12-10T21:30');
		await page.getByRole('button', { name: t(locale, 'events_save') }).click();
		await page.getByText(t(locale, 'events_saved')).waitFor();

		const before = page.getByTestId('coach-before');
		await before.getByRole('link', { name: t(locale, 'coach_prepared_link') }).waitFor();
		expect(await axeViolations(page, '[data-testid="coach-before"]')).toEqual([]);
		// An own goal needs words: the error says so and the field has the focus.
		await before.getByLabel(t(locale, 'coach_goal_own'), { exact: true }).check();
		await before.getByRole('button', { name: t(locale, 'coach_goal_save') }).click();
		await before.getByText(t(locale, 'coach_goal_error_own_empty')).waitFor();
		await expect
			.poll(() => page.evaluate(() => document.activeElement?.id), eventually)
			.toBe('coach-goal-own-text');
		await before.getByLabel(t(locale, 'coach_goal_follow_up_question')).check();
		await before.getByRole('button', { name: t(locale, 'coach_goal_save') }).click();
		const goal = t(locale, 'coach_goal_chosen', {
			goal: t(locale, 'coach_goal_follow_up_question')
		});
		await before.getByText(goal).waitFor();
		await expect
			.poll(() => page.evaluate(() => document.activeElement?.id), eventually)
			.toBe('coach-goal-change');
		const [event] = await readStore(page, 'events');
		expect(event).toMatchObject({ name, coach: { goal: { kind: 'follow-up-question' } } });

		// The opener, rehearsed once from a calm screen; the timer's bar stands still for people who
		// ask for less motion, and Escape brings them back to the button.
		await page.emulateMedia({ reducedMotion: 'reduce' });
		await before.getByRole('link', { name: t(locale, 'coach_rehearse_open') }).click();
		const rehearsal = page.getByTestId('coach-rehearsal');
		await rehearsal.getByRole('heading', { name: t(locale, 'coach_rehearse_heading') }).waitFor();
		await rehearsal.getByText(t(locale, 'coach_rehearse_hint')).waitFor();
		expect(await axeViolations(page, '[data-testid="coach-rehearsal"]')).toEqual([]);
		const glide = await rehearsal
			.locator('[role="progressbar"] span')
			.evaluate((bar) => getComputedStyle(bar).transitionDuration);
		expect(Number.parseFloat(glide)).toBeLessThan(0.01);
		await page.keyboard.press('Escape');
		await rehearsal.waitFor({ state: 'detached' });
		await expect
			.poll(() => page.evaluate(() => document.activeElement?.id), eventually)
			.toBe('coach-rehearse');

		// During: "this one worked" offers a follow-up question that builds on the answer.
		await page.getByRole('tab', { name: t(locale, 'prompts_tab_deck') }).click();
		await page.getByRole('button', { name: t(locale, 'prompts_worked') }).click();
		const followUp = page.getByTestId('coach-follow-up');
		await followUp.getByRole('heading', { name: t(locale, 'coach_follow_up_heading') }).waitFor();
		const first = await followUp.getByTestId('coach-follow-up-text').textContent();
		expect(await axeViolations(page, '[data-testid="coach-follow-up"]')).toEqual([]);
		expect(first).toMatch(locale === 'en' ? /[?.]$/ : /[？。]$/);
		await followUp.getByRole('button', { name: t(locale, 'coach_follow_up_another') }).click();
		await expect
			.poll(() => followUp.getByTestId('coach-follow-up-text').textContent(), eventually)
			.not.toBe(first);
		// A way out stays one tap away.
		await followUp.getByRole('button', { name: t(locale, 'coach_follow_up_exits') }).click();
		await page.getByRole('tab', { name: t(locale, 'prompts_tab_exits'), selected: true }).waitFor();

		// Two people were met there: one still has a follow-up waiting, one was already written to.
		const eventId = String(event?.id);
		const lin = person('林志明', { eventId, metAt: '2026-12-10T11:40:00.000Z' });
		const alex = person('Alex Chen', { eventId, metAt: '2026-12-10T12:10:00.000Z' });
		await seedQueue(page, server.url, {
			connections: [lin, alex],
			followUps: [
				lin.followUp({ dueAt: '2026-12-11T02:00:00.000Z' }),
				alex.followUp({ status: 'done', doneAt: '2026-12-10T13:00:00.000Z' })
			]
		});
		await waitForServiceWorkerControl(page);

		// The morning after, offline: the debrief is there with the follow-up queue.
		await context.clock.setFixedTime(MORNING_AFTER);
		await context.setOffline(true);
		await openHydrated(page, `${server.url}/follow-ups`);
		await page.locator('[data-ready="true"]').waitFor();
		const debrief = page.getByTestId('coach-debrief');
		await debrief
			.getByRole('heading', { name: t(locale, 'coach_debrief_heading', { event: name }) })
			.waitFor();
		await page.getByText('林志明', { exact: true }).first().waitFor();
		expect(await axeViolations(page, '[data-testid="coach-debrief"]')).toEqual([]);

		await debrief.getByText(t(locale, 'coach_word_good'), { exact: true }).click();
		const good = locale === 'en' ? 'Someone laughed at my opener.' : '有人聽我的開場白笑了。';
		await debrief.getByLabel(t(locale, 'coach_debrief_good_label')).fill(good);
		await debrief.getByLabel('Alex Chen').check();
		await debrief.getByRole('button', { name: t(locale, 'coach_debrief_save') }).click();
		const after = page.getByTestId('coach-after');
		await after.getByText(t(locale, 'coach_debrief_saved')).waitFor();
		await after.getByText(t(locale, 'coach_liking_gap')).waitFor();
		await expect
			.poll(() => page.evaluate(() => document.activeElement?.id), eventually)
			.toBe('coach-after');
		expect(await debrief.count()).toBe(0);

		// Picking Alex gave him an open follow-up; Lin already had one, and still has just that.
		const followUps = await readStore(page, 'followUps');
		const open = (id: string) =>
			followUps.filter((f) => f.connectionId === id && f.status === 'pending').length;
		expect(open(alex.id)).toBe(1);
		expect(open(lin.id)).toBe(1);

		// A reload, still offline: the answers stay, the debrief is not asked again, and the
		// liking-gap note, said once, is not said again.
		await openHydrated(page, `${server.url}/follow-ups`);
		await page.locator('[data-ready="true"]').waitFor();
		expect(await page.getByTestId('coach-debrief').count()).toBe(0);
		expect(await page.getByText(t(locale, 'coach_liking_gap')).count()).toBe(0);
		const [stored] = await readStore(page, 'events');
		expect(stored).toMatchObject({
			coach: { goal: { kind: 'follow-up-question' }, debrief: { word: 'good', good } }
		});

		// The past-events list counts the evening and its people, with the word and the good thing.
		await openHydrated(page, `${server.url}/events`);
		const past = page.getByTestId('coach-past');
		await expect
			.poll(() => past.getByTestId('coach-past-summary').textContent(), eventually)
			.toBe(
				t(locale, 'coach_past_summary', {
					events: t(locale, 'coach_past_events', { count: 1 }),
					people: t(locale, 'coach_past_people', { count: 2 })
				})
			);
		await past
			.getByText(t(locale, 'coach_past_word', { word: t(locale, 'coach_word_good') }))
			.waitFor();
		await past.getByText(t(locale, 'coach_past_good', { text: good })).waitFor();
		expect(session.pageErrors).toEqual([]);
	});
});
