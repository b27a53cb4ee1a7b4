import type { FollowUp } from './records';

// Kept apart from the record schemas so the shell can count what is due without loading them.

/** A follow-up asks for attention once it is due (or its snooze ran out), until done or skipped. */
export function isDue(
	followUp: Pick<FollowUp, 'status' | 'dueAt' | 'snoozedUntil'>,
	now: Date
): boolean {
	if (followUp.status === 'done' || followUp.status === 'skipped') return false;
	const at =
		followUp.status === 'snoozed' ? (followUp.snoozedUntil ?? followUp.dueAt) : followUp.dueAt;
	return Date.parse(at) <= now.getTime();
}
