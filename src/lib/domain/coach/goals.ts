import { eventPhase, isEventDay } from '../eventPhase';
import type { CoachGoal, EventRecord } from '../records';
import { coachGoalKinds, OWN_GOAL_MAX, type CoachGoalKind } from './kinds';

// One small goal for the evening. Small on purpose: a goal that is easy to meet takes the
// pressure off, and a person who stays and says hello to two people has done plenty.

export type GoalChoice = CoachGoalKind | 'own';
export type GoalError = 'own_empty' | 'own_too_long';

/** The goals offered, in the order shown: the easiest first. */
export const goalChoices: readonly GoalChoice[] = [...coachGoalKinds, 'own'];

export function chooseGoal(
	choice: GoalChoice,
	ownText: string
): { ok: true; goal: CoachGoal } | { ok: false; error: GoalError } {
	if (choice !== 'own') return { ok: true, goal: { kind: choice } };
	const text = ownText.trim();
	if (!text) return { ok: false, error: 'own_empty' };
	if (text.length > OWN_GOAL_MAX) return { ok: false, error: 'own_too_long' };
	return { ok: true, goal: { kind: 'own', text } };
}

type Timed = Pick<EventRecord, 'startsAt' | 'endsAt' | 'timeZone'>;

/** The event to get ready for: the first one not over yet, today's on home (see `isEventDay`). */
export function eventToPrepare<T extends Timed>(
	events: readonly T[],
	now: Date,
	todayOnly: boolean
): T | null {
	const ahead = events
		.filter((event) => eventPhase(event, now) !== 'past')
		.sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt));
	const first = ahead[0] ?? null;
	if (!first) return null;
	return todayOnly && !isEventDay(first, now) ? null : first;
}
