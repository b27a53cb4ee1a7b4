import { describe, expect, it } from 'vitest';
import { anEvent } from '$lib/testing/factories';
import { isEventDay } from '../eventPhase';
import { chooseGoal, eventToPrepare, goalChoices } from './goals';
import { OWN_GOAL_MAX } from './kinds';

const taipei = (local: string) => new Date(`${local}+08:00`);

describe('the goal list', () => {
	it('offers four small goals, then the person’s own', () => {
		expect(goalChoices).toEqual(['hello-two', 'follow-up-question', 'stay-30', 'one-card', 'own']);
	});

	it('takes an offered goal as it is', () => {
		expect(chooseGoal('stay-30', 'ignored')).toEqual({ ok: true, goal: { kind: 'stay-30' } });
	});

	it('needs words for an own goal, trimmed and short', () => {
		expect(chooseGoal('own', '  問講者一個問題 ')).toEqual({
			ok: true,
			goal: { kind: 'own', text: '問講者一個問題' }
		});
		expect(chooseGoal('own', '   ')).toEqual({ ok: false, error: 'own_empty' });
		expect(chooseGoal('own', 'a'.repeat(OWN_GOAL_MAX + 1))).toEqual({
			ok: false,
			error: 'own_too_long'
		});
	});
});

describe('the event to get ready for', () => {
	const tonight = anEvent(); // 19:00–21:30 on 20 November, Taipei
	const nextWeek = anEvent({
		startsAt: '2026-11-27T11:00:00Z',
		endsAt: '2026-11-27T13:00:00Z'
	});

	it('is on the event’s day from the morning until it ends', () => {
		expect(isEventDay(tonight, taipei('2026-11-20T00:30:00'))).toBe(true);
		expect(isEventDay(tonight, taipei('2026-11-20T20:00:00'))).toBe(true);
		expect(isEventDay(tonight, taipei('2026-11-19T23:59:00'))).toBe(false);
		expect(isEventDay(tonight, taipei('2026-11-20T21:30:00'))).toBe(false);
	});

	it('is the first event not over yet; home asks only on its day', () => {
		const morning = taipei('2026-11-20T09:00:00');
		expect(eventToPrepare([nextWeek, tonight], morning, false)).toBe(tonight);
		expect(eventToPrepare([nextWeek, tonight], morning, true)).toBe(tonight);
		const dayAfter = taipei('2026-11-21T09:00:00');
		expect(eventToPrepare([nextWeek, tonight], dayAfter, false)).toBe(nextWeek);
		expect(eventToPrepare([nextWeek, tonight], dayAfter, true)).toBeNull();
	});
});
