import * as z from 'zod/mini';
import { settingsSchema, type Settings } from '$lib/domain/records';
import type { RapportDatabase } from '../db';

// What the sync engine remembers between runs (the account, the cursor, refused changes), kept in
// the settings store under a key of its own so it commits with the rows it describes.

/** The engine's own state lives beside the settings, under a key of its own. */
export const SYNC_STATE_KEY = 'sync';
export const SETTINGS_KEY = 'settings';
export const PROFILE_KEY = 'me';

const rejectedSchema = z.object({
	table: z.string(),
	recordId: z.string(),
	code: z.string(),
	message: z.optional(z.string()),
	at: z.string()
});

const syncStateSchema = z.object({
	/**
	 * The account this device's synced data belongs to. Another account signing in here gets
	 * nothing of it until the person chooses (keep, erase, or add it to that account).
	 */
	accountId: z._default(z.nullable(z.string()), null),
	/**
	 * Set when the person added this device's data to a new account: records the server says
	 * belong to another account are then given new ids instead of being refused forever.
	 */
	addedToAccount: z._default(z.boolean(), false),
	cursor: z._default(z.nullable(z.string()), null),
	lastSyncedAt: z._default(z.nullable(z.string()), null),
	rejected: z._default(z.array(rejectedSchema), [])
});
export type SyncState = z.infer<typeof syncStateSchema>;

export const emptySyncState = (): SyncState => syncStateSchema.parse({});

export function readSyncState(raw: unknown): SyncState {
	const parsed = syncStateSchema.safeParse(raw ?? {});
	return parsed.success ? parsed.data : emptySyncState();
}

export function readSettings(raw: unknown): Settings {
	const parsed = settingsSchema.safeParse(raw ?? {});
	return parsed.success ? parsed.data : settingsSchema.parse({});
}

/** The settings store, inside whichever transaction is writing the sync state. */
export interface StateStore {
	get(key: string): Promise<unknown>;
	put(value: unknown, key: string): Promise<unknown>;
}

/** Reads, changes and writes the sync state inside the caller's transaction. */
export async function patchState(
	store: StateStore,
	patch: Partial<SyncState> | ((current: SyncState) => Partial<SyncState>)
): Promise<SyncState> {
	const current = readSyncState(await store.get(SYNC_STATE_KEY));
	const next = { ...current, ...(typeof patch === 'function' ? patch(current) : patch) };
	await store.put(next, SYNC_STATE_KEY);
	return next;
}

export async function loadSyncState(db: RapportDatabase): Promise<SyncState> {
	return readSyncState(await db.get('settings', SYNC_STATE_KEY));
}

export async function saveSyncState(
	db: RapportDatabase,
	patch: Partial<SyncState> | ((current: SyncState) => Partial<SyncState>)
): Promise<SyncState> {
	const tx = db.transaction('settings', 'readwrite');
	const next = await patchState(tx.store, patch);
	await tx.done;
	return next;
}
