import {
	connectionSchema,
	followUpSchema,
	type Connection,
	type FollowUp
} from '$lib/domain/records';
import { stampEditedFields } from '$lib/domain/sync/merge';
import type { RapportDatabase } from './db';
import { putAllAndQueue, putAndQueue } from './outbox';
import { validOnly, type Readout } from './readout';

export function connectionRepository(db: RapportDatabase) {
	return {
		async list(): Promise<Readout<Connection>> {
			const { items, unreadable } = validOnly(connectionSchema, await db.getAll('connections'));
			return { items: items.filter((connection) => !connection.deletedAt), unreadable };
		},
		async listForEvent(eventId: string): Promise<Connection[]> {
			const raws = await db.getAllFromIndex('connections', 'byEvent', eventId);
			return validOnly(connectionSchema, raws).items.filter((connection) => !connection.deletedAt);
		},
		async get(id: string): Promise<Connection | null> {
			const parsed = connectionSchema.safeParse(await db.get('connections', id));
			return parsed.success && !parsed.data.deletedAt ? parsed.data : null;
		},
		async save(connection: Connection): Promise<Connection> {
			const before = connectionSchema.safeParse(await db.get('connections', connection.id));
			const valid = stampEditedFields(
				before.success ? before.data : null,
				connectionSchema.parse(connection)
			);
			await putAndQueue(db, 'connections', valid, valid.id);
			return valid;
		},
		/**
		 * Hides a connection everywhere but keeps the record, so sync can carry the deletion to
		 * other devices. False when there was nothing (left) to delete.
		 */
		async softDelete(id: string, at: string): Promise<boolean> {
			const parsed = connectionSchema.safeParse(await db.get('connections', id));
			if (!parsed.success || parsed.data.deletedAt) return false;
			const deleted = { ...parsed.data, deletedAt: at, updatedAt: at };
			await putAndQueue(db, 'connections', deleted, id);
			return true;
		},
		/** A new connection and its first follow-up land together or not at all. */
		async saveWithFollowUp(connection: Connection, followUp: FollowUp): Promise<Connection> {
			const valid = stampEditedFields(null, connectionSchema.parse(connection));
			const validFollowUp = followUpSchema.parse(followUp);
			await putAllAndQueue(db, [
				{ store: 'connections', record: valid, recordId: valid.id },
				{ store: 'followUps', record: validFollowUp, recordId: validFollowUp.id }
			]);
			return valid;
		}
	};
}
