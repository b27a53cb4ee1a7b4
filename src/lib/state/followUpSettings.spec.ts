import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { outboxRepository } from '$lib/testing/outbox';
import { profileRepository } from '$lib/data/profile';
import { onQueued } from '$lib/data/notices';
import { aProfile, at } from '$lib/testing/factories';
import { app } from './app.svelte';
import { saveFollowUpSettings } from './followUpSettings';

describe('saving the follow-up rule', () => {
	it('queues the profile as newer, so the rule reaches the server soon', async () => {
		const db = await app.database();
		await profileRepository(db).save(aProfile({ updatedAt: at('2026-11-01T00:00:00Z') }));
		const queuedBefore = await outboxRepository(db).count();
		let told = 0;
		const stopHearing = onQueued(() => told++);

		const saved = await saveFollowUpSettings({
			followUpHour: 8,
			followUpDelayDays: 2,
			followUpSkipWeekends: true,
			weeklyGoal: 3
		});
		stopHearing();

		expect(saved).toMatchObject({ followUpHour: 8, followUpDelayDays: 2 });
		const { profile } = await profileRepository(db).get();
		expect(profile!.updatedAt > at('2026-11-01T00:00:00Z')).toBe(true);
		expect(await outboxRepository(db).count()).toBe(queuedBefore + 1);
		expect(told).toBe(1);
	});
});
