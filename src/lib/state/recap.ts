import { connectionRepository } from '$lib/data/connections';
import { followUpRepository } from '$lib/data/followUps';
import { recapEvent } from '$lib/domain/followUps/recap';
import type { EventRecord } from '$lib/domain/records';
import { getLocale } from '$lib/i18n/locale';
import { m } from '$lib/paraglide/messages';
import { app } from './app.svelte';

// Loaded by the home page on demand, only once the current event is over, so the first load
// does not carry it. No rule runs here: each follow-up was scheduled when its person was saved.

/** What the home page knows of the event (see the shell summary). */
export type RecapEvent = Pick<EventRecord, 'id' | 'name' | 'endsAt'>;

export interface RecapText {
	text: string;
	/** Whether the queue has anything of this event to show. */
	toQueue: boolean;
}

/** The home page's sentence on an event that is over: who was met, and what is next. */
export async function eventRecapText(event: RecapEvent, now = new Date()): Promise<RecapText> {
	const db = await app.database();
	const people = await connectionRepository(db).listForEvent(event.id);
	const followUps = (
		await Promise.all(people.map((person) => followUpRepository(db).listForConnection(person.id)))
	)
		.flat()
		.filter((followUp) => followUp.kind === 'post_event');
	const recap = recapEvent(people.length, followUps, now);
	switch (recap.kind) {
		case 'nobody':
			return { text: m.followUps_recap_nobody({ event: event.name }), toQueue: false };
		case 'closed':
			return {
				text: m.followUps_recap_closed({ event: event.name, count: recap.count }),
				toQueue: true
			};
		case 'waiting':
			return {
				text: m.followUps_recap_waiting({ event: event.name, waiting: recap.waiting }),
				toQueue: true
			};
		case 'scheduled': {
			const date = new Intl.DateTimeFormat(getLocale(), {
				month: 'long',
				day: 'numeric',
				weekday: 'short',
				hour: 'numeric',
				minute: '2-digit'
			}).format(new Date(recap.firstDueAt));
			return {
				text: m.followUps_recap({ count: recap.count, event: event.name, date }),
				toQueue: true
			};
		}
	}
}
