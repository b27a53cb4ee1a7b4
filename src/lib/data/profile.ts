import { profileSchema, type Profile } from '$lib/domain/records';
import type { RapportDatabase } from './db';
import { putAndQueue } from './outbox';

const KEY = 'me';

export interface ProfileReadout {
	profile: Profile | null;
	/** Something is stored but no longer matches the schema; it is left in place, not wiped. */
	unreadable: boolean;
}

export function profileRepository(db: RapportDatabase) {
	return {
		async get(): Promise<ProfileReadout> {
			const raw = await db.get('profile', KEY);
			if (raw === undefined) return { profile: null, unreadable: false };
			const parsed = profileSchema.safeParse(raw);
			return parsed.success
				? { profile: parsed.data, unreadable: false }
				: { profile: null, unreadable: true };
		},
		async save(profile: Profile): Promise<Profile> {
			const valid = profileSchema.parse(profile);
			await putAndQueue(db, 'profile', valid, KEY);
			return valid;
		}
	};
}
