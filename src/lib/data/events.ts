import { eventSchema, type EventRecord } from '$lib/domain/records';
import type { RapportDatabase } from './db';
import { putAndQueue, validOnly, type Readout } from './records';

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
		async save(event: EventRecord): Promise<EventRecord> {
			const valid = eventSchema.parse(event);
			await putAndQueue(db, 'events', valid, valid.id);
			return valid;
		}
	};
}
