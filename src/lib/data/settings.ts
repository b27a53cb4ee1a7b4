import { settingsSchema, type Settings } from '$lib/domain/records';
import type { RapportDatabase } from './db';
import { announceStored } from './notices';

const KEY = 'settings';

export function settingsRepository(db: RapportDatabase) {
	return {
		/** Damaged settings fall back to the defaults rather than blocking the app. */
		async get(): Promise<Settings> {
			const parsed = settingsSchema.safeParse((await db.get('settings', KEY)) ?? {});
			return parsed.success ? parsed.data : settingsSchema.parse({});
		},
		async update(patch: Partial<Settings>): Promise<Settings> {
			const tx = db.transaction('settings', 'readwrite');
			const current = settingsSchema.safeParse((await tx.store.get(KEY)) ?? {});
			const next = settingsSchema.parse({ ...(current.success ? current.data : {}), ...patch });
			await Promise.all([tx.store.put(next, KEY), tx.done]);
			announceStored([{ store: 'settings', recordId: KEY }], 'device');
			return next;
		}
	};
}
