import { StorageUnavailableError, type StorageFailure } from '$lib/data/db';
import { eventRepository } from '$lib/data/events';
import { settingsRepository } from '$lib/data/settings';
import { validateEventDraft, type EventDraft, type EventErrors } from '$lib/domain/eventForm';
import type { EventRecord } from '$lib/domain/records';
import { app } from './app.svelte';

export interface EventList {
	/** Soonest first, so the one about to happen is at the top. */
	events: EventRecord[];
	currentId: string | null;
	unreadable: number;
}

export type EventSaveOutcome =
	| { ok: true; event: EventRecord }
	| { ok: false; errors: EventErrors }
	| { ok: false; failure: StorageFailure };

const failureOf = (error: unknown): StorageFailure =>
	error instanceof StorageUnavailableError ? error.reason : 'unknown';

export async function loadEvents(): Promise<EventList> {
	const db = await app.database();
	const [{ items, unreadable }, settings] = await Promise.all([
		eventRepository(db).list(),
		settingsRepository(db).get()
	]);
	const events = [...items].sort((a, b) => b.startsAt.localeCompare(a.startsAt));
	const currentId = events.some((event) => event.id === settings.currentEventId)
		? (settings.currentEventId ?? null)
		: null;
	return { events, currentId, unreadable };
}

/** Creates (no `existing`) or updates an event; the write is queued for sync with it. */
export async function saveEvent(
	draft: EventDraft,
	existing: EventRecord | null,
	now = new Date()
): Promise<EventSaveOutcome> {
	const result = validateEventDraft(draft);
	if (!result.ok) return result;
	try {
		const db = await app.database();
		const event = await eventRepository(db).save({
			...result.event,
			id: existing?.id ?? crypto.randomUUID(),
			updatedAt: now.toISOString()
		});
		await app.afterSave(db);
		await app.refresh(now);
		return { ok: true, event };
	} catch (error) {
		return { ok: false, failure: failureOf(error) };
	}
}

/** Makes `id` the current event (null: none), which new connections are then linked to. */
export async function chooseCurrentEvent(id: string | null): Promise<StorageFailure | null> {
	try {
		const db = await app.database();
		await settingsRepository(db).update({ currentEventId: id ?? undefined });
		await app.refresh();
		return null;
	} catch (error) {
		return failureOf(error);
	}
}
