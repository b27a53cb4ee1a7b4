import { eventSchema, type EventCoach, type EventRecord } from '$lib/domain/records';
import type { RapportDatabase } from './db';
import { putAndQueue } from './outbox';
import { validOnly, type Readout } from './readout';

export function eventRepository(db: RapportDatabase) {
	return {
		async list(): Promise<Readout<EventRecord>> {
			const { items, unreadable } = validOnly(eventSchema, await db.getAll('events'));
			return { items: items.filter((event) => !event.deletedAt), unreadable };
		},
		async get(id: string): Promise<EventRecord | null> {
			const parsed = eventSchema.safeParse(await db.get('events', id));
			return parsed.success && !parsed.data.deletedAt ? parsed.data : null;
		},
		/**
		 * Every event's name by id, deleted ones included: people met at an event keep its name
		 * after it is deleted, and the tombstone is where that name is kept.
		 */
		async names(): Promise<Map<string, string>> {
			const { items } = validOnly(eventSchema, await db.getAll('events'));
			return new Map(items.map((event) => [event.id, event.name]));
		},
		async save(event: EventRecord): Promise<EventRecord> {
			const valid = eventSchema.parse(event);
			await putAndQueue(db, 'events', valid, valid.id);
			return valid;
		},
		/**
		 * Changes the coach part of an event (its goal, its debrief) on the record as stored now, so
		 * an edit of the event made meanwhile is kept. Queued for sync like any save; null when the
		 * event is gone.
		 */
		async updateCoach(
			id: string,
			change: (coach: EventCoach) => EventCoach,
			at: string
		): Promise<EventRecord | null> {
			const parsed = eventSchema.safeParse(await db.get('events', id));
			if (!parsed.success || parsed.data.deletedAt) return null;
			const valid = eventSchema.parse({
				...parsed.data,
				coach: change(parsed.data.coach ?? {}),
				updatedAt: at
			});
			await putAndQueue(db, 'events', valid, id);
			return valid;
		},
		/**
		 * Hides an event everywhere but keeps the record, so sync carries the deletion to other
		 * devices and `names()` still has its name. False when there was nothing (left) to delete.
		 */
		async softDelete(id: string, at: string): Promise<boolean> {
			const parsed = eventSchema.safeParse(await db.get('events', id));
			if (!parsed.success || parsed.data.deletedAt) return false;
			await putAndQueue(db, 'events', { ...parsed.data, deletedAt: at, updatedAt: at }, id);
			return true;
		}
	};
}
