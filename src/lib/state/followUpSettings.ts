import { profileRepository } from '$lib/data/profile';
import { settingsRepository } from '$lib/data/settings';
import { app } from './app.svelte';
import { deviceTimeZone } from '$lib/domain/timeZone';
import type { FollowUpSettings } from '$lib/domain/followUps/settings';

/** Every zone this browser knows, for the picker; the device's own is always among them. */
export function knownTimeZones(): string[] {
	const zones = Intl.supportedValuesOf('timeZone');
	return zones.includes(deviceTimeZone()) ? zones : [deviceTimeZone(), ...zones];
}

export async function loadFollowUpSettings(): Promise<FollowUpSettings> {
	return settingsRepository(await app.database()).get();
}

/** `timeZone: undefined` means "follow the device", also after it travels. */
export async function saveFollowUpSettings(patch: FollowUpSettings): Promise<FollowUpSettings> {
	const db = await app.database();
	const saved = await settingsRepository(db).update(patch);
	// On the server the rule lives in the profile row, which the database's scheduling reads, and
	// sync keeps the newer profile: so the change travels as a newer profile.
	const profiles = profileRepository(db);
	const { profile } = await profiles.get();
	if (profile) await profiles.save({ ...profile, updatedAt: new Date().toISOString() });
	return saved;
}
