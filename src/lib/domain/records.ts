import { z } from 'zod';

// What the app keeps on the device. Every record is validated when it is read back, so a record
// damaged by an older build or by hand never takes the app down: it is skipped and counted.

const isoInstant = z.iso.datetime({ offset: true });
const text = (max: number) => z.string().trim().max(max);

export const PROFILE_FIELD_MAX = { name: 100, title: 100, company: 120 } as const;

export const profileSchema = z.object({
	name: text(PROFILE_FIELD_MAX.name).min(1),
	title: text(PROFILE_FIELD_MAX.title).optional(),
	company: text(PROFILE_FIELD_MAX.company).optional(),
	updatedAt: isoInstant
});
export type Profile = z.infer<typeof profileSchema>;

export const eventContexts = ['any', 'talk', 'meetup', 'workshop', 'career', 'conference'] as const;

export const eventSchema = z.object({
	id: z.uuid(),
	name: text(200).min(1),
	topic: text(200).optional(),
	context: z.enum(eventContexts).default('any'),
	startsAt: isoInstant,
	endsAt: isoInstant,
	venue: text(200).optional(),
	timeZone: z.string().min(1),
	updatedAt: isoInstant,
	deletedAt: isoInstant.optional()
});
export type EventRecord = z.infer<typeof eventSchema>;

export const connectionSchema = z.object({
	id: z.uuid(),
	name: text(200),
	eventId: z.uuid().optional(),
	metAt: isoInstant,
	note: text(2000).optional(),
	tags: z.array(text(50)).default([]),
	updatedAt: isoInstant,
	deletedAt: isoInstant.optional()
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
	currentEventId: z.uuid().optional(),
	persistenceRequestedAt: isoInstant.optional()
});
export type Settings = z.infer<typeof settingsSchema>;

export const promptStateSchema = z.object({
	favourites: z.array(z.string()).default([]),
	workedPromptId: z.string().optional()
});
export type PromptState = z.infer<typeof promptStateSchema>;

/** A follow-up still asks for attention once it is due, until it is done or skipped. */
export function isDue(followUp: FollowUp, now: Date): boolean {
	return (
		(followUp.status === 'pending' || followUp.status === 'snoozed') &&
		Date.parse(followUp.dueAt) <= now.getTime()
	);
}
