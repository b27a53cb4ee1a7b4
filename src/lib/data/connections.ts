import { connectionSchema, type Connection } from '$lib/domain/records';
import type { RapportDatabase } from './db';
import { putAndQueue, validOnly, type Readout } from './records';

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
		async save(connection: Connection): Promise<Connection> {
			const valid = connectionSchema.parse(connection);
			await putAndQueue(db, 'connections', valid, valid.id);
			return valid;
		}
	};
}
