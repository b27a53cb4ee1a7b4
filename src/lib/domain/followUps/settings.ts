import type { Settings } from '../records';

/** The settings the follow-up rule reads, as the settings form edits them. */
export type FollowUpSettings = Pick<
	Settings,
	'followUpDelayDays' | 'followUpHour' | 'followUpSkipWeekends' | 'weeklyGoal' | 'timeZone'
>;
