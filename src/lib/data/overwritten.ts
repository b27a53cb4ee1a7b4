import * as z from 'zod/mini';
import { textFields, type LostText, type TextField } from '$lib/domain/sync/merge';
import { connectionRepository } from './connections';
import type { RapportDatabase } from './db';
import type { OverwrittenText } from '$lib/domain/sync/merge';

// Text this device wrote on a person that another device's edit replaced: kept here, on this
// device only (never synced), until the person restores or dismisses it.

export const OVERWRITTEN_KEY = 'overwritten';

const overwrittenSchema = z.record(
	z.string(),
	z.array(z.object({ field: z.enum(textFields), text: z.string(), at: z.string() }))
);
type Overwritten = Record<string, OverwrittenText[]>;

function read(raw: unknown): Overwritten {
	const parsed = overwrittenSchema.safeParse(raw ?? {});
	return parsed.success ? parsed.data : {};
}

/** The settings store, in the transaction that applies the server's row. */
interface SettingsStore {
	get(key: string): Promise<unknown>;
	put(value: unknown, key: string): Promise<unknown>;
}

/** Keeps `lost` for a connection; the newest text of a field replaces an older one. */
export async function keepOverwritten(
	store: SettingsStore,
	connectionId: string,
	lost: LostText[],
	at: string
): Promise<void> {
	if (lost.length === 0) return;
	const all = read(await store.get(OVERWRITTEN_KEY));
	const fields = new Set(lost.map((item) => item.field));
	all[connectionId] = [
		...(all[connectionId] ?? []).filter((item) => !fields.has(item.field)),
		...lost.map((item) => ({ ...item, at }))
	];
	await store.put(all, OVERWRITTEN_KEY);
}

export function overwrittenRepository(db: RapportDatabase) {
	return {
		async forConnection(connectionId: string): Promise<OverwrittenText[]> {
			return read(await db.get('settings', OVERWRITTEN_KEY))[connectionId] ?? [];
		},
		async dismiss(connectionId: string, field: TextField): Promise<void> {
			const tx = db.transaction('settings', 'readwrite');
			const all = read(await tx.store.get(OVERWRITTEN_KEY));
			const left = (all[connectionId] ?? []).filter((item) => item.field !== field);
			if (left.length > 0) all[connectionId] = left;
			else delete all[connectionId];
			await tx.store.put(all, OVERWRITTEN_KEY);
			await tx.done;
		}
	};
}

/** Puts my text back on the person as a new edit at `at` (ms), which syncs like any other. */
export async function restoreOverwritten(
	db: RapportDatabase,
	connectionId: string,
	item: LostText,
	at: number
): Promise<void> {
	const connections = connectionRepository(db);
	const connection = await connections.get(connectionId);
	if (!connection) return;
	const updatedAt = new Date(at).toISOString();
	await connections.save({ ...connection, [item.field]: item.text, updatedAt });
}
