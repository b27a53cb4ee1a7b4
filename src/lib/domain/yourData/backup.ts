import * as z from 'zod/mini';
import {
	connectionSchema,
	eventSchema,
	followUpSchema,
	profileSchema,
	promptStateSchema,
	settingsSchema,
	type Connection,
	type EventRecord,
	type FollowUp,
	type Profile,
	type PromptState,
	type Settings
} from '../records';

// The full backup: one JSON file, described in docs/backup.md. Every record in it is checked
// with the same schema that checks it when read back from IndexedDB, so a field added to a
// record schema is carried by the backup without touching this file, and a field the schema does
// not know (a newer app's) is dropped on the way in rather than refusing the record.

export const BACKUP_FORMAT = 'rapport-backup';
export const BACKUP_VERSION = 1;

/** Settings that describe this device rather than the person: never carried to another one. */
const deviceOnlySettings = ['currentEventId', 'persistenceRequestedAt'] as const;
export type PortableSettings = Omit<Settings, (typeof deviceOnlySettings)[number]>;

/** The opener as the person rewrote it, per language. */
export type OpenerEdits = { full?: string; short?: string };
const openersSchema = z.record(
	z.string(),
	z.object({ full: z.optional(z.string()), short: z.optional(z.string()) })
);

export interface BackupContent {
	profile: Profile | null;
	settings: PortableSettings;
	prompts: { state: PromptState; openers: Record<string, OpenerEdits> };
	events: EventRecord[];
	connections: Connection[];
	followUps: FollowUp[];
}

export interface Backup extends BackupContent {
	format: typeof BACKUP_FORMAT;
	version: typeof BACKUP_VERSION;
	exportedAt: string;
}

export function portableSettings(settings: Settings): PortableSettings {
	const copy: Partial<Settings> = { ...settings };
	for (const key of deviceOnlySettings) delete copy[key];
	return copy as PortableSettings;
}

export function buildBackup(content: BackupContent, exportedAt: Date): Backup {
	return {
		format: BACKUP_FORMAT,
		version: BACKUP_VERSION,
		exportedAt: exportedAt.toISOString(),
		...content
	};
}

/** Pretty enough to read and diff, small enough: one record per line would need a custom writer. */
export function serializeBackup(backup: Backup): string {
	return JSON.stringify(backup, null, 1) + '\n';
}

export type BackupFailure = 'empty' | 'not_backup' | 'newer_version' | 'truncated';

/** The collections of a backup that hold many records, restored in this order. */
export const collections = ['events', 'connections', 'followUps'] as const;
export type Collection = (typeof collections)[number];

export const collectionSchemas = {
	events: eventSchema,
	connections: connectionSchema,
	followUps: followUpSchema
} as const;
export type CollectionRecord = {
	events: EventRecord;
	connections: Connection;
	followUps: FollowUp;
};

/** A backup whose envelope is sound; its records are still unchecked (see `checkRecords`). */
export interface OpenedBackup {
	version: number;
	exportedAt: string | null;
	profile: unknown;
	settings: unknown;
	prompts: unknown;
	raw: Record<Collection, unknown[]>;
	/** A collection that is there but not a list: counted as one damaged entry. */
	brokenCollections: Collection[];
}

export type OpenResult = { ok: true; backup: OpenedBackup } | { ok: false; reason: BackupFailure };

const envelopeSchema = z.looseObject({
	format: z.literal(BACKUP_FORMAT),
	version: z.number().check(z.int(), z.minimum(1))
});

const isRecord = (value: unknown): value is Record<string, unknown> =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Reads a file's text as a backup. Only the envelope is checked here (cheap even for thousands
 * of people); the records are checked in chunks by the caller, so the screen stays responsive.
 */
export function openBackup(text: string): OpenResult {
	const trimmed = text.replace(/^\uFEFF/, '').trim();
	if (trimmed === '') return { ok: false, reason: 'empty' };
	let parsed: unknown;
	try {
		parsed = JSON.parse(trimmed);
	} catch {
		// Cut short in a download or a copy: it starts like one of ours but does not end.
		const ours = trimmed.startsWith('{') && trimmed.slice(0, 200).includes(`"${BACKUP_FORMAT}"`);
		return { ok: false, reason: ours ? 'truncated' : 'not_backup' };
	}
	const envelope = envelopeSchema.safeParse(parsed);
	if (!envelope.success || !isRecord(parsed)) return { ok: false, reason: 'not_backup' };
	if (envelope.data.version > BACKUP_VERSION) return { ok: false, reason: 'newer_version' };
	const raw = {} as Record<Collection, unknown[]>;
	const brokenCollections: Collection[] = [];
	for (const collection of collections) {
		const value = parsed[collection];
		if (Array.isArray(value)) raw[collection] = value;
		else {
			raw[collection] = [];
			if (value !== undefined) brokenCollections.push(collection);
		}
	}
	return {
		ok: true,
		backup: {
			version: envelope.data.version,
			exportedAt: typeof parsed.exportedAt === 'string' ? parsed.exportedAt : null,
			profile: parsed.profile ?? null,
			settings: parsed.settings,
			prompts: parsed.prompts,
			raw,
			brokenCollections
		}
	};
}

/** A record of the file that could not be restored, named so the person can recognise it. */
export interface DamagedRecord {
	collection: Collection | 'profile' | 'settings' | 'prompts';
	/** Position in its list (from 0), or -1 for a single record or a whole list. */
	index: number;
	/** The record's name or id where the file still has one. */
	label?: string;
	/** Sound in itself, but a follow-up of someone neither in the file nor on the device. */
	orphan?: true;
}

function labelOf(raw: unknown): string | undefined {
	if (!isRecord(raw)) return undefined;
	const card = raw.card;
	if (isRecord(card) && typeof card.name === 'string' && card.name.trim()) {
		return card.name.trim().slice(0, 100);
	}
	if (typeof raw.name === 'string' && raw.name.trim()) return raw.name.trim().slice(0, 100);
	return typeof raw.id === 'string' ? raw.id.slice(0, 40) : undefined;
}

export interface Checked<T> {
	valid: T[];
	damaged: DamagedRecord[];
}

/** Checks `raws` (a slice of one collection starting at `offset`) record by record. */
export function checkRecords<C extends Collection>(
	collection: C,
	raws: unknown[],
	offset = 0
): Checked<CollectionRecord[C]> {
	const schema = collectionSchemas[collection] as z.ZodMiniType<unknown> as z.ZodMiniType<
		CollectionRecord[C]
	>;
	const valid: CollectionRecord[C][] = [];
	const damaged: DamagedRecord[] = [];
	raws.forEach((raw, i) => {
		const parsed = schema.safeParse(raw);
		if (parsed.success) valid.push(parsed.data);
		else damaged.push({ collection, index: offset + i, label: labelOf(raw) });
	});
	return { valid, damaged };
}

export interface CheckedSingles {
	profile: Profile | null;
	/** Only the settings the file names, so a restore never resets the others to defaults. */
	settings: Partial<PortableSettings>;
	prompts: { state: PromptState | null; openers: Record<string, OpenerEdits> };
	damaged: DamagedRecord[];
}

/** The profile, settings and prompt state of an opened backup, each checked on its own. */
export function checkSingles(backup: OpenedBackup): CheckedSingles {
	const damaged: DamagedRecord[] = [];
	let profile: Profile | null = null;
	if (backup.profile !== null) {
		const parsed = profileSchema.safeParse(backup.profile);
		if (parsed.success) profile = parsed.data;
		else damaged.push({ collection: 'profile', index: -1, label: labelOf(backup.profile) });
	}

	let settings: Partial<PortableSettings> = {};
	if (backup.settings !== undefined) {
		const parsed = settingsSchema.safeParse(backup.settings);
		if (parsed.success && isRecord(backup.settings)) {
			const named = new Set(Object.keys(backup.settings));
			settings = Object.fromEntries(
				Object.entries(portableSettings(parsed.data)).filter(([key]) => named.has(key))
			);
		} else damaged.push({ collection: 'settings', index: -1 });
	}

	let state: PromptState | null = null;
	let openers: Record<string, OpenerEdits> = {};
	if (backup.prompts !== undefined) {
		const prompts = isRecord(backup.prompts) ? backup.prompts : {};
		const parsedState = promptStateSchema.safeParse(prompts.state ?? {});
		const parsedOpeners = openersSchema.safeParse(prompts.openers ?? {});
		if (parsedState.success) state = parsedState.data;
		if (parsedOpeners.success) openers = parsedOpeners.data;
		if (!parsedState.success || !parsedOpeners.success) {
			damaged.push({ collection: 'prompts', index: -1 });
		}
	}
	for (const collection of backup.brokenCollections) damaged.push({ collection, index: -1 });
	return { profile, settings, prompts: { state, openers }, damaged };
}
