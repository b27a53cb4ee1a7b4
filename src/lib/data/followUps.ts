import { followUpSchema, isDue, type FollowUp } from '$lib/domain/records';
import type { RapportDatabase } from './db';
import { putAndQueue, validOnly, type Readout } from './records';

export function followUpRepository(db: RapportDatabase) {
	return {
		async list(): Promise<Readout<FollowUp>> {
			return validOnly(followUpSchema, await db.getAllFromIndex('followUps', 'byDueAt'));
		},
		/** Reads only what is already due, through the due-date index, so home stays fast. */
		async countDue(now: Date): Promise<number> {
			const raws = await db.getAllFromIndex(
				'followUps',
				'byDueAt',
				IDBKeyRange.upperBound(now.toISOString())
			);
			return validOnly(followUpSchema, raws).items.filter((followUp) => isDue(followUp, now))
				.length;
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
