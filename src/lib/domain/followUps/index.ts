export { followUpDueAt, type FollowUpRuleInput } from './rule';
export {
	groupQueue,
	keepInTouchTierSchema,
	keepInTouchTiers,
	nextKeepInTouchDueAt,
	pickWeeklyReconnects,
	queueSectionKeys,
	reconnectEvents,
	snoozeUntil,
	tierCadenceDays,
	weekProgress,
	type GroupedQueue,
	type KeepInTouchSettings,
	type KeepInTouchTier,
	type QueueFollowUp,
	type QueueSection,
	type QueueSectionKey,
	type ReconnectCandidate,
	type ReconnectEvent,
	type ReconnectFollowUp,
	type SnoozeOption
} from './queue';
export { DEFAULT_ICS_PRODUCT_ID, toIcs, type IcsEntry } from './ics';
