import * as z from 'zod/mini';

// What the app keeps on the device. Every record is validated when it is read back, so a record
// damaged by an older build or by hand never takes the app down: it is skipped and counted.

const isoInstant = z.iso.datetime({ offset: true });
const text = (max: number) => z.string().check(z.trim(), z.maxLength(max));
const required = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max));

export const PROFILE_FIELD_MAX = { name: 100, title: 100, company: 120 } as const;

export const profileSchema = z.object({
	name: required(PROFILE_FIELD_MAX.name),
	title: z.optional(text(PROFILE_FIELD_MAX.title)),
	company: z.optional(text(PROFILE_FIELD_MAX.company)),
	updatedAt: isoInstant
});
export type Profile = z.infer<typeof profileSchema>;

export const eventContexts = ['any', 'talk', 'meetup', 'workshop', 'career', 'conference'] as const;

export const eventSchema = z.object({
	id: z.uuid(),
	name: required(200),
	topic: z.optional(text(200)),
	context: z._default(z.enum(eventContexts), 'any'),
	startsAt: isoInstant,
	endsAt: isoInstant,
	venue: z.optional(text(200)),
	timeZone: z.string().check(z.minLength(1)),
	updatedAt: isoInstant,
	deletedAt: z.optional(isoInstant)
});
export type EventRecord = z.infer<typeof eventSchema>;

export const connectionSchema = z.object({
	id: z.uuid(),
	name: text(200),
	eventId: z.optional(z.uuid()),
	metAt: isoInstant,
	note: z.optional(text(2000)),
	tags: z._default(z.array(text(50)), []),
	updatedAt: isoInstant,
	deletedAt: z.optional(isoInstant)
});
export type Connection = z.infer<typeof connectionSchema>;

export const followUpKinds = ['post_event', 'keep_in_touch'] as const;
export const followUpStatuses = ['pending', 'snoozed', 'done', 'skipped'] as const;

export const followUpSchema = z.object({
	id: z.uuid(),
	connectionId: z.uuid(),
	kind: z.enum(followUpKinds),
	dueAt: isoInstant,
	status: z.enum(followUpStatuses),
	updatedAt: isoInstant
});
export type FollowUp = z.infer<typeof followUpSchema>;

export const settingsSchema = z.object({
	currentEventId: z.optional(z.uuid()),
	persistenceRequestedAt: z.optional(isoInstant)
});
export type Settings = z.infer<typeof settingsSchema>;

export const promptStateSchema = z.object({
	favourites: z._default(z.array(z.string()), []),
	workedPromptId: z.optional(z.string())
});
export type PromptState = z.infer<typeof promptStateSchema>;

/** A follow-up still asks for attention once it is due, until it is done or skipped. */
export function isDue(followUp: FollowUp, now: Date): boolean {
	return (
		(followUp.status === 'pending' || followUp.status === 'snoozed') &&
		Date.parse(followUp.dueAt) <= now.getTime()
	);
}
