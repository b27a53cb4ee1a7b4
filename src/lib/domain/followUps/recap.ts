import { isDue } from '../due';
import type { FollowUp } from '../records';

/**
 * What home says once an event is over. A date is quoted only while it is still ahead: a week
 * after the event, "follow-ups are set for last Friday" would read as a promise already broken.
 */
export type EventRecap =
	/** Nothing is due yet: the first follow-up comes up at `firstDueAt`. */
	| { kind: 'scheduled'; count: number; firstDueAt: string }
	/** `waiting` follow-ups are due now. */
	| { kind: 'waiting'; count: number; waiting: number }
	/** Every follow-up of the event is done or skipped. */
	| { kind: 'closed'; count: number }
	/** Nobody was kept at the event. */
	| { kind: 'nobody' };

const wakeAt = (followUp: Pick<FollowUp, 'status' | 'dueAt' | 'snoozedUntil'>) =>
	(followUp.status === 'snoozed' && followUp.snoozedUntil) || followUp.dueAt;

/** `followUps`: the post-event follow-ups of the `count` people met at the event. */
export function recapEvent(
	count: number,
	followUps: readonly Pick<FollowUp, 'status' | 'dueAt' | 'snoozedUntil'>[],
	now: Date
): EventRecap {
	if (count === 0) return { kind: 'nobody' };
	const open = followUps.filter((f) => f.status === 'pending' || f.status === 'snoozed');
	const waiting = open.filter((f) => isDue(f, now)).length;
	if (waiting > 0) return { kind: 'waiting', count, waiting };
	const firstDueAt = open.map(wakeAt).sort()[0];
	return firstDueAt === undefined
		? { kind: 'closed', count }
		: { kind: 'scheduled', count, firstDueAt };
}
