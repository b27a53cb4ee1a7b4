import { connectionRepository } from '$lib/data/connections';
import { followUpRepository } from '$lib/data/followUps';
import type { EventRecord, FollowUp } from '$lib/domain/records';
import { getLocale } from '$lib/i18n/locale';
import { m } from '$lib/paraglide/messages';
import { app } from './app.svelte';

// Loaded by the home page on demand, only once the current event is over, so the first load
// does not carry it. No rule runs here: each follow-up was scheduled when its person was saved.

/** What the home page knows of the current event (see the shell summary). */
export type RecapEvent = Pick<EventRecord, 'id' | 'name' | 'endsAt'>;

export interface EventRecap {
	count: number;
	/** When the first post-event follow-up comes up (still open ones first). */
	firstDueAt: string;
}

const wakeAt = (followUp: FollowUp) =>
	(followUp.status === 'snoozed' && followUp.snoozedUntil) || followUp.dueAt;

/** How many people were met at an event that is over, and when their follow-ups are. */
export async function eventRecap(event: RecapEvent, now = new Date()): Promise<EventRecap | null> {
	if (Date.parse(event.endsAt) >= now.getTime()) return null;
	const db = await app.database();
	const people = await connectionRepository(db).listForEvent(event.id);
	const followUps = (
		await Promise.all(people.map((person) => followUpRepository(db).listForConnection(person.id)))
	)
		.flat()
		.filter((followUp) => followUp.kind === 'post_event');
	const open = followUps.filter((f) => f.status === 'pending' || f.status === 'snoozed');
	const firstDueAt = (open.length ? open : followUps).map(wakeAt).sort()[0];
	return firstDueAt === undefined ? null : { count: people.length, firstDueAt };
}

/** The home page's sentence: "You met N people at {event}; follow-ups are set for {date}." */
export async function eventRecapText(event: RecapEvent, now = new Date()): Promise<string | null> {
	const recap = await eventRecap(event, now);
	if (!recap) return null;
	const date = new Intl.DateTimeFormat(getLocale(), {
		month: 'long',
		day: 'numeric',
		weekday: 'short',
		hour: 'numeric',
		minute: '2-digit'
	}).format(new Date(recap.firstDueAt));
	return m.queue_recap({ count: recap.count, event: event.name, date });
}
