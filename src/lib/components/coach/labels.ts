import type { GoalChoice, GoalError } from '$lib/domain/coach/goals';
import { OWN_GOAL_MAX, type DebriefWord } from '$lib/domain/coach/kinds';
import type { CoachGoal } from '$lib/domain/records';
import type { StorageFailure } from '$lib/domain/storage';
import { m } from '$lib/paraglide/messages';
import { storageReason } from '../storageReason';

export const goalLabels: Record<GoalChoice, () => string> = {
	'hello-two': m.coach_goal_hello_two,
	'follow-up-question': m.coach_goal_follow_up_question,
	'stay-30': m.coach_goal_stay_30,
	'one-card': m.coach_goal_one_card,
	own: m.coach_goal_own
};

export const wordLabels: Record<DebriefWord, () => string> = {
	tough: m.coach_word_tough,
	tiring: m.coach_word_tiring,
	okay: m.coach_word_okay,
	good: m.coach_word_good,
	glad: m.coach_word_glad
};

/** A goal as the person reads it back: their own words, or the offered goal's label. */
export function goalText(goal: CoachGoal): string {
	return goal.kind === 'own' ? goal.text : goalLabels[goal.kind]();
}

export function goalErrorText(error: GoalError): string {
	return error === 'own_empty'
		? m.coach_goal_error_own_empty()
		: m.coach_goal_error_own_too_long({ max: OWN_GOAL_MAX });
}

/** The goal could not be saved on this device, and why. */
export function goalSaveFailedText(failure: StorageFailure): string {
	return m.coach_save_failed({ reason: storageReason(failure) });
}
