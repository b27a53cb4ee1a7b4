import * as z from 'zod/mini';
import { channelKinds } from './card/kinds';
import { coachGoalKinds, debriefWords, GOOD_THING_MAX, OWN_GOAL_MAX } from './coach/kinds';

// What the app keeps on the device. Every record is validated when it is read back, so a record
// damaged by an older build or by hand never takes the app down: it is skipped and counted.

const isoInstant = z.iso.datetime({ offset: true });
const text = (max: number) => z.string().check(z.trim(), z.maxLength(max));
const required = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max));

/** A talk phrase is cited in a one-line sentence of a short message. */
export const TALK_PHRASE_MAX = 200;

export const PROFILE_FIELD_MAX = { name: 100, altName: 100, title: 100, company: 120 } as const;

// The shape of a card as stored. Whether each value is right for its kind (an email has an @,
// a LinkedIn link is a profile) is the card codec's job when it is typed or scanned; here we
// only make sure a record read back is one we can render.
const storedChannel = {
	kind: z.enum(channelKinds),
	value: z.string().check(z.minLength(1), z.maxLength(300)),
	label: z.optional(text(40))
};

export const storedCardSchema = z.object({
	name: text(100),
	altName: z.optional(text(100)),
	title: z.optional(text(100)),
	company: z.optional(text(120)),
	channels: z._default(z.array(z.object(storedChannel)), [])
});
export type StoredCard = z.infer<typeof storedCardSchema>;

/** The card fields whose sharing can be switched off; the name is always shared. */
export const shareableFields = ['altName', 'title', 'company'] as const;

export const profileSchema = z.object({
	name: required(PROFILE_FIELD_MAX.name),
	altName: z.optional(text(PROFILE_FIELD_MAX.altName)),
	title: z.optional(text(PROFILE_FIELD_MAX.title)),
	company: z.optional(text(PROFILE_FIELD_MAX.company)),
	/** Fields kept off the QR and the shared card. */
	hidden: z._default(z.array(z.enum(shareableFields)), []),
	/** In the order the person arranged them; `shared: false` keeps one off the QR. */
	channels: z._default(
		z.array(z.object({ ...storedChannel, shared: z._default(z.boolean(), true) })),
		[]
	),
	updatedAt: isoInstant
});
export type Profile = z.infer<typeof profileSchema>;

export const eventContexts = ['any', 'talk', 'meetup', 'workshop', 'career', 'conference'] as const;

/** The evening's one small goal: one of the offered ones, or the person's own words. */
export const coachGoalSchema = z.union([
	z.object({ kind: z.enum(coachGoalKinds) }),
	z.object({ kind: z.literal('own'), text: required(OWN_GOAL_MAX) })
]);
export type CoachGoal = z.infer<typeof coachGoalSchema>;

/**
 * The morning-after debrief. Private like a note: it syncs with the event to the person's own
 * account and goes nowhere else. `skipped` records a quiet "not now" so it is not asked again.
 */
export const debriefSchema = z.object({
	at: isoInstant,
	word: z.optional(z.enum(debriefWords)),
	good: z.optional(text(GOOD_THING_MAX)),
	skipped: z.optional(z.boolean())
});
export type Debrief = z.infer<typeof debriefSchema>;

export const eventCoachSchema = z.object({
	goal: z.optional(coachGoalSchema),
	debrief: z.optional(debriefSchema)
});
export type EventCoach = z.infer<typeof eventCoachSchema>;

export const eventSchema = z.object({
	id: z.uuid(),
	name: required(200),
	topic: z.optional(text(200)),
	context: z._default(z.enum(eventContexts), 'any'),
	startsAt: isoInstant,
	endsAt: isoInstant,
	venue: z.optional(text(200)),
	timeZone: z.string().check(z.minLength(1)),
	/** The coach's goal and debrief for this event (docs/coach.md). */
	coach: z.optional(eventCoachSchema),
	updatedAt: isoInstant,
	deletedAt: z.optional(isoInstant)
});
export type EventRecord = z.infer<typeof eventSchema>;

export const keepInTouchTiers = ['close', 'regular', 'light', 'none'] as const;
export type KeepInTouchTier = (typeof keepInTouchTiers)[number];

export const connectionSources = ['scan', 'card_page', 'manual', 'exchange'] as const;

export const connectionSchema = z.object({
	id: z.uuid(),
	card: storedCardSchema,
	/** The event that was current when they met, if any. */
	eventId: z.optional(z.uuid()),
	metAt: isoInstant,
	/** Private: written about the person, never put in a draft, a link or a shared card. */
	note: z.optional(text(2000)),
	/** Written to be shared: the few words a follow-up draft cites ("你在做的長照 App"). */
	talkPhrase: z.optional(text(TALK_PHRASE_MAX)),
	/** The prompt that got the conversation going, as it read then. */
	promptText: z.optional(text(300)),
	tags: z._default(z.array(text(50)), []),
	tier: z._default(z.enum(keepInTouchTiers), 'none'),
	lastContactedAt: z.optional(isoInstant),
	source: z._default(z.enum(connectionSources), 'manual'),
	/** When each personal field was last edited, so two devices' edits merge field by field. */
	fieldUpdatedAt: z.optional(
		z.object({
			note: z.optional(isoInstant),
			talkPhrase: z.optional(isoInstant),
			tags: z.optional(isoInstant),
			tier: z.optional(isoInstant)
		})
	),
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
	/**
	 * 0 for the one post-event follow-up; each keep-in-touch round counts up. A follow-up is
	 * unique per (connection, kind, cycle), so saving a connection twice never schedules two.
	 */
	cycle: z._default(z.number().check(z.int(), z.minimum(0)), 0),
	dueAt: isoInstant,
	status: z.enum(followUpStatuses),
	snoozedUntil: z.optional(isoInstant),
	doneAt: z.optional(isoInstant),
	updatedAt: isoInstant
});
export type FollowUp = z.infer<typeof followUpSchema>;

export const settingsSchema = z.object({
	currentEventId: z.optional(z.uuid()),
	persistenceRequestedAt: z.optional(isoInstant),
	/** Follow-up rule settings; the time zone is the device's unless set. */
	followUpDelayDays: z._default(z.number().check(z.int(), z.minimum(0), z.maximum(30)), 1),
	followUpHour: z._default(z.number().check(z.int(), z.minimum(0), z.maximum(23)), 10),
	followUpSkipWeekends: z._default(z.boolean(), true),
	timeZone: z.optional(z.string().check(z.minLength(1))),
	/** When the liking-gap note was shown: it is said once, ever, on this device. */
	likingGapShownAt: z.optional(isoInstant),
	weeklyGoal: z._default(z.number().check(z.int(), z.minimum(0), z.maximum(20)), 3)
});
export type Settings = z.infer<typeof settingsSchema>;

export const promptStateSchema = z.object({
	favourites: z._default(z.array(z.string()), []),
	/** "This one worked": offered as the note of the next connection saved, then cleared. */
	worked: z.optional(z.object({ id: z.string(), text: text(300), at: isoInstant })),
	/** Per event: the 3–5 prompts chosen in advance, known ids and the person's own. */
	prepared: z._default(
		z.record(z.string(), z.object({ ids: z.array(z.string()), custom: z.array(text(200)) })),
		{}
	)
});
export type PromptState = z.infer<typeof promptStateSchema>;

export { isDue } from './due';
