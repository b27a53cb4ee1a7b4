import {
	connectionSchema,
	followUpSchema,
	type Connection,
	type FollowUp
} from '$lib/domain/records';
import type { RapportDatabase } from './db';
import { putAndQueue, validOnly, type Readout } from './records';

export function followUpRepository(db: RapportDatabase) {
	return {
		async list(): Promise<Readout<FollowUp>> {
			return validOnly(followUpSchema, await db.getAllFromIndex('followUps', 'byDueAt'));
		},
		async listForConnection(connectionId: string): Promise<FollowUp[]> {
			const raws = await db.getAllFromIndex('followUps', 'byConnection', connectionId);
			return validOnly(followUpSchema, raws).items;
		},
		async save(followUp: FollowUp): Promise<FollowUp> {
			const valid = followUpSchema.parse(followUp);
			await putAndQueue(db, 'followUps', valid, valid.id);
			return valid;
		}
	};
}

export interface QueueChange {
	followUps?: FollowUp[];
	connections?: Connection[];
	removeFollowUps?: string[];
}

/**
 * One queue action as a unit: follow-ups and connections written, follow-ups removed, each with
 * its outbox entry, in one transaction. Undo relies on this: it puts back exactly the records an
 * action replaced and removes the follow-up it created, or changes nothing. Outside the
 * repository object so the shell, which only counts what is due, does not carry it.
 */
export async function applyQueueChange(db: RapportDatabase, change: QueueChange): Promise<void> {
	const followUps = (change.followUps ?? []).map((record) => followUpSchema.parse(record));
	const connections = (change.connections ?? []).map((record) => connectionSchema.parse(record));
	const tx = db.transaction(['followUps', 'connections', 'outbox'], 'readwrite');
	const queuedAt = new Date().toISOString();
	const outbox = tx.objectStore('outbox');
	await Promise.all([
		...followUps.flatMap((record) => [
			tx.objectStore('followUps').put(record),
			outbox.add({ aggregate: 'followUps', recordId: record.id, op: 'upsert', queuedAt })
		]),
		...connections.flatMap((record) => [
			tx.objectStore('connections').put(record),
			outbox.add({ aggregate: 'connections', recordId: record.id, op: 'upsert', queuedAt })
		]),
		...(change.removeFollowUps ?? []).flatMap((id) => [
			tx.objectStore('followUps').delete(id),
			outbox.add({ aggregate: 'followUps', recordId: id, op: 'delete', queuedAt })
		]),
		tx.done
	]);
}
