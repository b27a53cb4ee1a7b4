import 'fake-indexeddb/auto';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { connectionRepository } from '$lib/data/connections';
import { announceStored, onQueued } from '$lib/data/notices';
import { settingsRepository } from '$lib/data/settings';
import { aConnection, aFollowUp, at } from '$lib/testing/factories';
import { app } from './app.svelte';
import { FollowUpsState } from './followUps.svelte';

const lin = aConnection({ tier: 'regular', metAt: at('2026-01-05T02:00:00Z') });
const chen = aConnection({ card: { name: '陳美玲', channels: [] } });

beforeAll(async () => {
	const db = await app.database();
	await settingsRepository(db).update({ timeZone: 'Asia/Taipei', weeklyGoal: 2 });
	await connectionRepository(db).saveWithFollowUp(
		lin,
		aFollowUp({ connectionId: lin.id, dueAt: at('2020-01-01T02:00:00Z') })
	);
	await connectionRepository(db).saveWithFollowUp(
		chen,
		aFollowUp({ connectionId: chen.id, dueAt: at('2099-01-01T02:00:00Z') })
	);
	await app.settled();
});

describe('the queue', () => {
	it('groups what is stored and keeps the due count of the app in step after Done and Undo', async () => {
		const queue = new FollowUpsState();
		await queue.load();
		expect(queue.grouped.counts).toMatchObject({ overdue: 1, later: 1, done: 0 });
		await app.settled();
		expect(app.dueCount).toBe(1);
		expect(queue.progress).toBe(0);

		// Each action and its undo is queued for sync, and sync hears of it to push soon after.
		let changes = 0;
		const stopHearing = onQueued(() => changes++);
		const [overdue] = queue.grouped.sections[0]?.items ?? [];
		await queue.done(overdue!);
		expect(changes).toBe(1);
		expect(queue.grouped.counts).toMatchObject({ overdue: 0, done: 1 });
		// The tiered contact now has a keep-in-touch round planned, and counts toward the week.
		expect(queue.items.filter((f) => f.kind === 'keep_in_touch')).toHaveLength(1);
		expect(queue.progress).toBe(1);
		await app.settled();
		expect(app.dueCount).toBe(0);
		expect(queue.toast?.undo).not.toBeNull();

		await queue.undo();
		expect(changes).toBe(2);
		stopHearing();
		expect(queue.grouped.counts).toMatchObject({ overdue: 1, done: 0 });
		expect(queue.items.filter((f) => f.kind === 'keep_in_touch')).toHaveLength(0);
		await app.settled();
		expect(app.dueCount).toBe(1);

		// What is on disk matches what is shown.
		const fresh = new FollowUpsState();
		await fresh.load();
		expect(fresh.grouped.counts).toEqual(queue.grouped.counts);
	});

	it('suggests overdue tiered contacts for the week and drafts in the reader’s language', async () => {
		const queue = new FollowUpsState();
		await queue.load(new Date('2026-11-26T03:00:00Z'));
		// The post-event follow-up is still open and overdue, so it is not "planned" for later.
		expect(queue.reconnects.map((r) => r.connection.id)).toEqual([lin.id]);
		const draft = queue.draft('meet', lin);
		expect(draft.text).toContain(lin.card.name);
	});

	it('refuses a snooze date already past without writing anything', async () => {
		const queue = new FollowUpsState();
		await queue.load();
		expect(() => queue.snoozeTime({ date: '2020-01-01' })).toThrow();
		expect(queue.snoozeTime('tomorrow')).toMatch(/Z$/);
	});

	it('reads the queue again when sync brings a follow-up in', async () => {
		const queue = new FollowUpsState();
		await queue.load();
		const stop = queue.follow();
		const before = queue.grouped.counts.later;
		// Written as a pull writes them, then announced as sync announces them.
		const wang = aConnection({ card: { name: '王小美', channels: [] } });
		const pulled = aFollowUp({ connectionId: wang.id, dueAt: at('2098-01-01T02:00:00Z') });
		const db = await app.database();
		await db.put('connections', wang);
		await db.put('followUps', pulled);
		announceStored(
			[
				{ store: 'connections', recordId: wang.id },
				{ store: 'followUps', recordId: pulled.id }
			],
			'sync'
		);
		await vi.waitFor(() => expect(queue.grouped.counts.later).toBe(before + 1));
		stop();
	});
});
