import { connectionRepository } from '$lib/data/connections';
import { StorageUnavailableError } from '$lib/data/db';
import type { StorageFailure } from '$lib/domain/storage';
import { eventRepository } from '$lib/data/events';
import { followUpRepository } from '$lib/data/followUps';
import { settingsRepository } from '$lib/data/settings';
import { dueDebrief } from '$lib/domain/coach/debrief';
import {
	chooseGoal,
	eventToPrepare,
	type GoalChoice,
	type GoalError
} from '$lib/domain/coach/goals';
import type { DebriefWord } from '$lib/domain/coach/kinds';
import { pastEventsSummary, type PastEventsSummary } from '$lib/domain/coach/pastEvents';
import type { CoachGoal, Connection, EventRecord } from '$lib/domain/records';
import { app } from './app.svelte';

// The coach (docs/coach.md): the goal before an event, the debrief the morning after, and the
// quiet list of past events. Everything it writes lands on the event record, so it stays on the
// device and syncs with the event only when sync is on.

export interface DebriefAnswers {
	word?: DebriefWord;
	good?: string;
}

/** A person met at the event being debriefed, and whether a follow-up is already open for them. */
export interface DebriefPerson {
	connection: Connection;
	open: boolean;
}

// Read once per call, never kept: a plain Date, not a reactive one.
const clock = () => new Date(Date.now());

const failureOf = (error: unknown): StorageFailure =>
	error instanceof StorageUnavailableError ? error.reason : 'unknown';

export class CoachState {
	status = $state<'loading' | 'ready' | 'failed'>('loading');
	/** The event to get ready for (see `eventToPrepare`). */
	prepare = $state.raw<EventRecord | null>(null);
	/** The event whose debrief is waiting, if any (see `dueDebrief`). */
	debrief = $state.raw<EventRecord | null>(null);
	people = $state.raw<DebriefPerson[]>([]);
	past = $state.raw<PastEventsSummary>({ events: 0, people: 0, entries: [] });
	/** Whether the liking-gap note has been shown on this device: it is said once, ever. */
	likingGapShown = $state(true);

	readonly #todayOnly: boolean;

	/** `todayOnly`: home offers the goal on the event's day only; the events page any time before. */
	constructor(options: { todayOnly: boolean }) {
		this.#todayOnly = options.todayOnly;
	}

	async load(now = clock()): Promise<void> {
		try {
			const db = await app.database();
			const [{ items: events }, { items: connections }, settings] = await Promise.all([
				eventRepository(db).list(),
				connectionRepository(db).list(),
				settingsRepository(db).get()
			]);
			this.prepare = eventToPrepare(events, now, this.#todayOnly);
			this.past = pastEventsSummary(events, connections, now);
			this.likingGapShown = settings.likingGapShownAt !== undefined;
			const due = dueDebrief(events, now);
			this.people = due ? await this.#peopleOf(due.id) : [];
			this.debrief = due;
			this.status = 'ready';
		} catch {
			this.status = 'failed';
		}
	}

	async #peopleOf(eventId: string): Promise<DebriefPerson[]> {
		const db = await app.database();
		const met = await connectionRepository(db).listForEvent(eventId);
		const followUps = followUpRepository(db);
		return Promise.all(
			met
				.sort((a, b) => Date.parse(a.metAt) - Date.parse(b.metAt))
				.map(async (connection) => ({
					connection,
					open: (await followUps.listForConnection(connection.id)).some(
						(followUp) => followUp.status === 'pending' || followUp.status === 'snoozed'
					)
				}))
		);
	}

	/** The goal for the event being prepared for, checked first (an own goal needs words). */
	async setGoal(
		choice: GoalChoice,
		ownText: string
	): Promise<{ goal: CoachGoal } | { error: GoalError } | { failure: StorageFailure }> {
		const event = this.prepare;
		const chosen = chooseGoal(choice, ownText);
		if (!chosen.ok) return { error: chosen.error };
		if (!event) return { failure: 'unknown' };
		const failure = await this.#write(event.id, (coach) => ({ ...coach, goal: chosen.goal }));
		return failure ? { failure } : { goal: chosen.goal };
	}

	/** Keeps the answers given; an empty debrief is a debrief too, and is not asked again. */
	async saveDebrief(event: EventRecord, answers: DebriefAnswers): Promise<StorageFailure | null> {
		const good = answers.good?.trim();
		return this.#write(event.id, (coach) => ({
			...coach,
			debrief: {
				at: clock().toISOString(),
				...(answers.word ? { word: answers.word } : {}),
				...(good ? { good } : {})
			}
		}));
	}

	/** "Not now": quiet, and final for this event. */
	async skipDebrief(event: EventRecord): Promise<StorageFailure | null> {
		return this.#write(event.id, (coach) => ({
			...coach,
			debrief: { at: clock().toISOString(), skipped: true }
		}));
	}

	async noteLikingGapShown(): Promise<void> {
		if (this.likingGapShown) return;
		this.likingGapShown = true;
		try {
			const db = await app.database();
			await settingsRepository(db).update({ likingGapShownAt: clock().toISOString() });
		} catch {
			// Worst case it is said once more on a later morning: nothing to tell the person.
		}
	}

	async #write(
		id: string,
		change: Parameters<ReturnType<typeof eventRepository>['updateCoach']>[1]
	): Promise<StorageFailure | null> {
		try {
			const db = await app.database();
			const now = clock();
			const saved = await eventRepository(db).updateCoach(id, change, now.toISOString());
			if (saved) this.#replace(saved);
			return null;
		} catch (error) {
			return failureOf(error);
		}
	}

	/** Mirrors a committed write: the goal shows as chosen, a debrief answered leaves the page. */
	#replace(event: EventRecord): void {
		if (this.prepare?.id === event.id) this.prepare = event;
		if (this.debrief?.id === event.id && event.coach?.debrief) this.debrief = null;
		this.past = {
			...this.past,
			entries: this.past.entries.map((entry) =>
				entry.id === event.id
					? {
							...entry,
							...(event.coach?.debrief?.word ? { word: event.coach.debrief.word } : {}),
							...(event.coach?.debrief?.good ? { good: event.coach.debrief.good } : {})
						}
					: entry
			)
		};
	}
}
