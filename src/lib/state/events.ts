import { connectionRepository } from '$lib/data/connections';
import { StorageUnavailableError } from '$lib/data/db';
import type { StorageFailure } from '$lib/domain/storage';
import { eventRepository } from '$lib/data/events';
import { settingsRepository } from '$lib/data/settings';
import { validateEventDraft, type EventDraft, type EventErrors } from '$lib/domain/eventForm';
import { currentEventOf, splitEvents } from '$lib/domain/eventPhase';
import type { EventRecord } from '$lib/domain/records';
import { app } from './app.svelte';

export interface EventList {
	/** Ongoing and upcoming, soonest first, so the one about to happen is at the top. */
	upcoming: EventRecord[];
	/** Over, the most recent first. */
	past: EventRecord[];
	/** The chosen event while it is not over (see `currentEventOf`). */
	currentId: string | null;
	unreadable: number;
}

export type EventSaveOutcome =
	| { ok: true; event: EventRecord }
	| { ok: false; errors: EventErrors }
	| { ok: false; failure: StorageFailure };

const failureOf = (error: unknown): StorageFailure =>
	error instanceof StorageUnavailableError ? error.reason : 'unknown';

export async function loadEvents(now = new Date()): Promise<EventList> {
	const db = await app.database();
	const [{ items, unreadable }, settings] = await Promise.all([
		eventRepository(db).list(),
		settingsRepository(db).get()
	]);
	const current = currentEventOf(settings.currentEventId, items, now);
	return { ...splitEvents(items, now), currentId: current?.id ?? null, unreadable };
}

/** How many people were kept at an event: what its deletion confirmation says stays. */
export async function peopleMetAt(eventId: string): Promise<number> {
	const db = await app.database();
	return (await connectionRepository(db).listForEvent(eventId)).length;
}

/**
 * Deletes an event, offline like any save: its tombstone is queued for sync. The people met
 * there and their follow-ups are left as they are and keep showing its name.
 */
export async function deleteEvent(
	event: EventRecord,
	now = new Date()
): Promise<StorageFailure | null> {
	try {
		const db = await app.database();
		await eventRepository(db).softDelete(event.id, now.toISOString());
		const settings = settingsRepository(db);
		if ((await settings.get()).currentEventId === event.id) {
			await settings.update({ currentEventId: undefined });
		}
		return null;
	} catch (error) {
		return failureOf(error);
	}
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
		return null;
	} catch (error) {
		return failureOf(error);
	}
}
