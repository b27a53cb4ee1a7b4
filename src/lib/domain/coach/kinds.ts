// The coach's fixed choices, apart from the record schemas so the schemas and the screens share
// one list without either importing the other.

/** Small goals for one evening: each one is something a nervous person can actually do. */
export const coachGoalKinds = ['hello-two', 'follow-up-question', 'stay-30', 'one-card'] as const;
export type CoachGoalKind = (typeof coachGoalKinds)[number];

/**
 * How the evening went, in five plain words. They are words, not a scale: the screen never turns
 * them into a number, an average or a trend.
 */
export const debriefWords = ['tough', 'tiring', 'okay', 'good', 'glad'] as const;
export type DebriefWord = (typeof debriefWords)[number];

/** A goal written by the person: short enough to read at a glance on the way in. */
export const OWN_GOAL_MAX = 120;
/** The one thing that went all right: a sentence or two, not an essay. */
export const GOOD_THING_MAX = 500;
