import {
	connectionSchema,
	followUpSchema,
	type Connection,
	type FollowUp
} from '$lib/domain/records';
import type { RapportDatabase } from './db';
import { putAllAndQueue, putAndQueue } from './outbox';
import { validOnly, type Readout } from './readout';

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
	await putAllAndQueue(db, [
		...followUps.map((record) => ({ store: 'followUps' as const, record, recordId: record.id })),
		...connections.map((record) => ({
			store: 'connections' as const,
			record,
			recordId: record.id
		})),
		...(change.removeFollowUps ?? []).map((recordId) => ({ store: 'followUps' as const, recordId }))
	]);
}
