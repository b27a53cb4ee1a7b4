import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectionRepository } from '$lib/data/connections';
import { openRapportDatabase, type RapportDatabase } from '$lib/data/db';
import { followUpRepository } from '$lib/data/followUps';
import { outboxRepository } from '$lib/testing/outbox';
import { aConnection, aFollowUp, at } from '$lib/testing/factories';
import { markDone, planReconnect, setTier, skip, snooze, undo } from './followUpsActions';

let db: RapportDatabase;
let n = 0;
const settings = { timeZone: 'Asia/Taipei', hour: 10, skipWeekends: true };
// Thursday 26 November 2026, 11:00 in Taipei.
const now = new Date('2026-11-26T03:00:00Z');

beforeEach(async () => {
	db = await openRapportDatabase({ name: `queue-actions-${++n}` });
});
afterEach(() => db.close());

async function seed(tier: 'close' | 'none' = 'close') {
	const connection = aConnection({ tier });
	const followUp = aFollowUp({ connectionId: connection.id, dueAt: at('2026-11-26T02:00:00Z') });
	await connectionRepository(db).saveWithFollowUp(connection, followUp);
	return { connection, followUp };
}

const stored = async (connectionId: string) =>
	(await followUpRepository(db).listForConnection(connectionId)).sort((a, b) => a.cycle - b.cycle);

describe('Done', () => {
	it('closes the follow-up, records the contact and schedules the next round for a tier', async () => {
		const { connection, followUp } = await seed('close');
		const outboxBefore = await outboxRepository(db).count();
		const result = await markDone(db, followUp, connection, now, settings);

		const [done, next] = await stored(connection.id);
		expect(done).toMatchObject({ id: followUp.id, status: 'done', doneAt: now.toISOString() });
		expect(done?.updatedAt).toBe(now.toISOString());
		// 30 days on is Saturday 26 December: the next weekday at 10:00 Taipei is Monday the 28th.
		expect(next).toMatchObject({
			kind: 'keep_in_touch',
			cycle: 1,
			status: 'pending',
			dueAt: '2026-12-28T02:00:00.000Z'
		});
		expect(result.next?.id).toBe(next?.id);
		expect((await connectionRepository(db).get(connection.id))?.lastContactedAt).toBe(
			now.toISOString()
		);
		expect(await outboxRepository(db).count()).toBe(outboxBefore + 3);
	});

	it('schedules nothing more for someone without a tier', async () => {
		const { connection, followUp } = await seed('none');
		const result = await markDone(db, followUp, connection, now, settings);
		expect(result.next).toBeUndefined();
		expect(await stored(connection.id)).toHaveLength(1);
	});

	it('counts keep-in-touch rounds on, and never plans two at once', async () => {
		const { connection, followUp } = await seed('close');
		const first = await markDone(db, followUp, connection, now, settings);
		const round = first.next!;
		const later = new Date('2026-12-28T05:00:00Z');
		const second = await markDone(db, round, first.connection!, later, settings);
		expect(second.next).toMatchObject({ cycle: 2, kind: 'keep_in_touch' });
		// A suggestion for someone who already has a round planned adds nothing.
		expect((await planReconnect(db, second.connection!, later)).followUp).toBeUndefined();
	});
});

describe('Undo', () => {
	it('after Done, puts back the exact records and removes the round Done created', async () => {
		const { connection, followUp } = await seed('close');
		const result = await markDone(db, followUp, connection, now, settings);
		await undo(db, result.undo);
		expect(await stored(connection.id)).toEqual([followUp]);
		expect(await connectionRepository(db).get(connection.id)).toEqual(connection);
		const outbox = await outboxRepository(db).peek(100);
		expect(outbox.at(-1)).toMatchObject({ recordId: result.next?.id, op: 'delete' });
	});

	it('after snooze, skip and a tier change', async () => {
		const { connection, followUp } = await seed('none');
		const until = '2026-11-27T02:00:00.000Z';
		const snoozed = await snooze(db, followUp, until, now);
		expect((await stored(connection.id))[0]).toMatchObject({
			status: 'snoozed',
			snoozedUntil: until
		});
		await undo(db, snoozed.undo);
		expect(await stored(connection.id)).toEqual([followUp]);

		const skipped = await skip(db, followUp, now);
		expect((await stored(connection.id))[0]).toMatchObject({ status: 'skipped' });
		await undo(db, skipped.undo);
		expect(await stored(connection.id)).toEqual([followUp]);

		const tiered = await setTier(db, connection, 'regular', now);
		expect((await connectionRepository(db).get(connection.id))?.tier).toBe('regular');
		await undo(db, tiered.undo);
		expect(await connectionRepository(db).get(connection.id)).toEqual(connection);
	});

	it('a failed write changes nothing', async () => {
		const { connection, followUp } = await seed('close');
		await expect(
			markDone(
				db,
				followUp,
				{ ...connection, card: { name: 'x'.repeat(500), channels: [] } },
				now,
				settings
			)
		).rejects.toThrow();
		expect(await stored(connection.id)).toEqual([followUp]);
	});
});
