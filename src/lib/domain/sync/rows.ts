import * as z from 'zod/mini';
import {
	connectionSchema,
	eventSchema,
	followUpSchema,
	profileSchema,
	type Connection,
	type EventRecord,
	type FollowUp,
	type Profile,
	type Settings
} from '../records';

// The records on the device and the rows on the wire (docs/sync.md) are the same data in two
// spellings: camelCase with absent optionals on the device, snake_case with nulls on the wire.
// Rows from the server are validated twice: their wire shape here, then the device's own record
// schema, so a row the app could not render never reaches IndexedDB.

export const syncTables = ['profiles', 'events', 'connections', 'follow_ups'] as const;
export type SyncTable = (typeof syncTables)[number];

export type WireRow = Record<string, unknown>;

export const profileLocales = ['zh-TW', 'en'] as const;
export type ProfileLocale = (typeof profileLocales)[number];

/** What the profiles row carries besides the card: the device's language and follow-up rule. */
export interface ProfileSettings {
	locale: ProfileLocale;
	timeZone: string;
	followUpDelayDays: number;
	followUpHour: number;
	followUpSkipWeekends: boolean;
}

/** Last writer wins: true only when `incoming` is strictly later than `local`. */
export function isNewer(incoming: string, local: string | undefined): boolean {
	const incomingAt = Date.parse(incoming);
	if (Number.isNaN(incomingAt)) return false;
	if (local === undefined) return true;
	const localAt = Date.parse(local);
	return Number.isNaN(localAt) || incomingAt > localAt;
}

// The device's indexes sort by these strings (byDueAt, byUpdatedAt), so every instant is stored
// in one spelling: UTC, milliseconds, as Date#toISOString writes it. The server answers with
// microseconds and an offset.
const normalInstant = (iso: string) => new Date(iso).toISOString();
const optionalInstant = (iso: string | null | undefined) =>
	iso === null || iso === undefined ? undefined : normalInstant(iso);

/** Copies only the keys that hold a value, so an absent field stays absent, never `undefined`. */
function present<T extends Record<string, unknown>>(fields: T): Partial<T> {
	return Object.fromEntries(
		Object.entries(fields).filter(([, value]) => value !== undefined && value !== null)
	) as Partial<T>;
}

// To the wire -------------------------------------------------------------------------------------

export function eventToRow(event: EventRecord): WireRow {
	return {
		id: event.id,
		name: event.name,
		topic: event.topic ?? null,
		context: event.context,
		starts_at: event.startsAt,
		ends_at: event.endsAt,
		venue: event.venue ?? null,
		time_zone: event.timeZone,
		coach: event.coach ?? null,
		updated_at: event.updatedAt,
		deleted_at: event.deletedAt ?? null
	};
}

export function connectionToRow(connection: Connection): WireRow {
	return {
		id: connection.id,
		card: connection.card,
		event_id: connection.eventId ?? null,
		met_at: connection.metAt,
		note: connection.note ?? null,
		talk_phrase: connection.talkPhrase ?? null,
		prompt_text: connection.promptText ?? null,
		tags: connection.tags,
		tier: connection.tier,
		last_contacted_at: connection.lastContactedAt ?? null,
		source: connection.source,
		...fieldTimesToRow(connection.fieldUpdatedAt),
		updated_at: connection.updatedAt,
		deleted_at: connection.deletedAt ?? null
	};
}

const fieldColumns = {
	note: 'note',
	talkPhrase: 'talk_phrase',
	tags: 'tags',
	tier: 'tier'
} as const;
type FieldTimes = NonNullable<Connection['fieldUpdatedAt']>;

/** `field_updated_at` only when some field has a time: servers before it never see the key. */
function fieldTimesToRow(times: FieldTimes | undefined): { field_updated_at?: WireRow } {
	const entries = Object.entries(times ?? {}).flatMap(([field, at]) =>
		at ? [[fieldColumns[field as keyof FieldTimes], at]] : []
	);
	return entries.length > 0 ? { field_updated_at: Object.fromEntries(entries) } : {};
}

function fieldTimesFromRow(row: Record<string, string> | null | undefined): FieldTimes | undefined {
	if (!row) return undefined;
	const times = Object.fromEntries(
		Object.entries(fieldColumns).flatMap(([field, column]) =>
			row[column] ? [[field, normalInstant(row[column])]] : []
		)
	);
	return Object.keys(times).length > 0 ? times : undefined;
}

/** Follow-ups are removed outright on the device; a live one is never deleted on the wire. */
export function followUpToRow(followUp: FollowUp): WireRow {
	return {
		id: followUp.id,
		connection_id: followUp.connectionId,
		kind: followUp.kind,
		cycle: followUp.cycle,
		due_at: followUp.dueAt,
		status: followUp.status,
		snoozed_until: followUp.snoozedUntil ?? null,
		done_at: followUp.doneAt ?? null,
		updated_at: followUp.updatedAt,
		deleted_at: null
	};
}

/** The card is the whole profile minus `updatedAt`, as the device stores it. */
export function profileToRow(profile: Profile, settings: ProfileSettings): WireRow {
	const { updatedAt, ...card } = profile;
	return {
		display_name: profile.name,
		card,
		locale: settings.locale,
		time_zone: settings.timeZone,
		follow_up_delay_days: settings.followUpDelayDays,
		follow_up_hour: settings.followUpHour,
		follow_up_skip_weekends: settings.followUpSkipWeekends,
		updated_at: updatedAt,
		deleted_at: null
	};
}

/** A delete carries only what the server needs to write its tombstone. */
export function deletionRow(id: string, at: string): WireRow {
	return { id, updated_at: at };
}

// From the wire -----------------------------------------------------------------------------------

const instant = z.iso.datetime({ offset: true });
const nullableInstant = z.nullish(instant);
const nullableText = z.nullish(z.string());

const eventRowSchema = z.object({
	id: z.string(),
	name: z.string(),
	topic: nullableText,
	context: z.string(),
	starts_at: instant,
	ends_at: instant,
	venue: nullableText,
	time_zone: z.string(),
	/** Sent by servers from 2026-12-03 on; an older one sends no key at all. */
	coach: z.nullish(z.record(z.string(), z.unknown())),
	updated_at: instant,
	deleted_at: nullableInstant
});

const connectionRowSchema = z.object({
	id: z.string(),
	card: z.record(z.string(), z.unknown()),
	event_id: nullableText,
	met_at: instant,
	note: nullableText,
	talk_phrase: nullableText,
	prompt_text: nullableText,
	tags: z.array(z.string()),
	tier: z.string(),
	last_contacted_at: nullableInstant,
	source: z.string(),
	field_updated_at: z.nullish(z.record(z.string(), instant)),
	updated_at: instant,
	deleted_at: nullableInstant
});

const followUpRowSchema = z.object({
	id: z.string(),
	connection_id: z.string(),
	kind: z.string(),
	cycle: z.number(),
	due_at: instant,
	status: z.string(),
	snoozed_until: nullableInstant,
	done_at: nullableInstant,
	updated_at: instant,
	deleted_at: nullableInstant
});

const profileRowSchema = z.object({
	display_name: nullableText,
	card: z.record(z.string(), z.unknown()),
	locale: z.enum(profileLocales),
	time_zone: z.string().check(z.minLength(1)),
	follow_up_delay_days: z.number(),
	follow_up_hour: z.number(),
	follow_up_skip_weekends: z.boolean(),
	updated_at: instant,
	deleted_at: nullableInstant
});

export type IncomingRow =
	| { table: 'events'; record: EventRecord }
	| { table: 'connections'; record: Connection }
	/** A follow-up the server holds as deleted is removed from the device, so it has no tombstone. */
	| { table: 'follow_ups'; record: FollowUp; deleted: boolean }
	| {
			table: 'profiles';
			profile: Profile;
			settings: ProfileSettings;
			deleted: boolean;
	  };

function parseEvent(raw: unknown): IncomingRow | null {
	const row = eventRowSchema.safeParse(raw);
	if (!row.success) return null;
	const r = row.data;
	const record = eventSchema.safeParse({
		id: r.id,
		name: r.name,
		context: r.context,
		startsAt: normalInstant(r.starts_at),
		endsAt: normalInstant(r.ends_at),
		timeZone: r.time_zone,
		updatedAt: normalInstant(r.updated_at),
		...present({
			topic: r.topic,
			venue: r.venue,
			coach: r.coach,
			deletedAt: optionalInstant(r.deleted_at)
		})
	});
	return record.success ? { table: 'events', record: record.data } : null;
}

function parseConnection(raw: unknown): IncomingRow | null {
	const row = connectionRowSchema.safeParse(raw);
	if (!row.success) return null;
	const r = row.data;
	const record = connectionSchema.safeParse({
		id: r.id,
		card: r.card,
		metAt: normalInstant(r.met_at),
		tags: r.tags,
		tier: r.tier,
		source: r.source,
		updatedAt: normalInstant(r.updated_at),
		...present({
			eventId: r.event_id,
			note: r.note,
			talkPhrase: r.talk_phrase,
			promptText: r.prompt_text,
			lastContactedAt: optionalInstant(r.last_contacted_at),
			fieldUpdatedAt: fieldTimesFromRow(r.field_updated_at),
			deletedAt: optionalInstant(r.deleted_at)
		})
	});
	return record.success ? { table: 'connections', record: record.data } : null;
}

function parseFollowUp(raw: unknown): IncomingRow | null {
	const row = followUpRowSchema.safeParse(raw);
	if (!row.success) return null;
	const r = row.data;
	const record = followUpSchema.safeParse({
		id: r.id,
		connectionId: r.connection_id,
		kind: r.kind,
		cycle: r.cycle,
		dueAt: normalInstant(r.due_at),
		status: r.status,
		updatedAt: normalInstant(r.updated_at),
		...present({
			snoozedUntil: optionalInstant(r.snoozed_until),
			doneAt: optionalInstant(r.done_at)
		})
	});
	return record.success
		? { table: 'follow_ups', record: record.data, deleted: Boolean(r.deleted_at) }
		: null;
}

const settingsRange = z.object({
	followUpDelayDays: z.number().check(z.int(), z.minimum(0), z.maximum(30)),
	followUpHour: z.number().check(z.int(), z.minimum(0), z.maximum(23))
});

function parseProfile(raw: unknown): IncomingRow | null {
	const row = profileRowSchema.safeParse(raw);
	if (!row.success) return null;
	const r = row.data;
	const profile = profileSchema.safeParse({ ...r.card, updatedAt: normalInstant(r.updated_at) });
	const range = settingsRange.safeParse({
		followUpDelayDays: r.follow_up_delay_days,
		followUpHour: r.follow_up_hour
	});
	if (!profile.success || !range.success) return null;
	return {
		table: 'profiles',
		profile: profile.data,
		settings: {
			locale: r.locale,
			timeZone: r.time_zone,
			...range.data,
			followUpSkipWeekends: r.follow_up_skip_weekends
		},
		deleted: Boolean(r.deleted_at)
	};
}

/**
 * A row from `sync_pull`, as the device stores it; null when the table is unknown or the row
 * does not validate (the caller skips and counts it).
 */
export function parseIncoming(table: string, raw: unknown): IncomingRow | null {
	switch (table) {
		case 'events':
			return parseEvent(raw);
		case 'connections':
			return parseConnection(raw);
		case 'follow_ups':
			return parseFollowUp(raw);
		case 'profiles':
			return parseProfile(raw);
		default:
			return null;
	}
}

/**
 * The follow-up rule from another device, merged into this one's settings. The time zone stays
 * "follow the device" when the row names the zone this device is in anyway, so a person who never
 * picked one keeps following their phone when they travel.
 */
export function mergeProfileSettings(
	local: Settings,
	incoming: ProfileSettings,
	deviceTimeZone: string
): Settings {
	const followsDevice = local.timeZone === undefined && incoming.timeZone === deviceTimeZone;
	return {
		...local,
		followUpDelayDays: incoming.followUpDelayDays,
		followUpHour: incoming.followUpHour,
		followUpSkipWeekends: incoming.followUpSkipWeekends,
		...(followsDevice ? {} : { timeZone: incoming.timeZone })
	};
}

/** The key follow-ups merge on, on the server and here. */
export type CycleKey = [connectionId: string, kind: string, cycle: number];
export const cycleKey = (followUp: FollowUp): CycleKey => [
	followUp.connectionId,
	followUp.kind,
	followUp.cycle
];
