// Test support: fast-check generators of everything a backup holds, each record valid for its
// schema (generated loosely, then passed through the schema, as the app stores it).
import fc from 'fast-check';
import { validCardArbitrary } from '$lib/domain/card/arbitraries';
import {
	connectionSchema,
	eventContexts,
	eventSchema,
	followUpKinds,
	followUpSchema,
	followUpStatuses,
	keepInTouchTiers,
	connectionSources,
	profileSchema,
	promptStateSchema,
	settingsSchema,
	shareableFields
} from '$lib/domain/records';
import { portableSettings, type BackupContent, type OpenerEdits } from '$lib/domain/yourData';

const instant = fc
	.date({
		min: new Date('2020-01-01T00:00:00Z'),
		max: new Date('2030-12-31T00:00:00Z'),
		noInvalidDate: true
	})
	.map((date) => date.toISOString());
const words = fc.string({
	unit: fc.constantFrom(...'陳怡君台北小聚 abcXYZ,;"=+-@\n'),
	maxLength: 40
});
const uuid = fc.uuid({ version: 4 });

const profile = fc
	.record({
		card: validCardArbitrary.filter((card) => card.name.trim() !== ''),
		hidden: fc.subarray([...shareableFields]),
		shared: fc.array(fc.boolean(), { maxLength: 8 }),
		updatedAt: instant
	})
	.map(({ card, hidden, shared, updatedAt }) =>
		profileSchema.parse({
			...card,
			hidden,
			channels: card.channels.map((channel, i) => ({ ...channel, shared: shared[i] ?? true })),
			updatedAt
		})
	);

const event = fc
	.record({
		id: uuid,
		name: words.filter((name) => name.trim() !== ''),
		topic: fc.option(words, { nil: undefined }),
		context: fc.constantFrom(...eventContexts),
		startsAt: instant,
		endsAt: instant,
		timeZone: fc.constantFrom('Asia/Taipei', 'Europe/London'),
		updatedAt: instant
	})
	.map((raw) => eventSchema.parse(JSON.parse(JSON.stringify(raw))));

const connection = (eventIds: string[]) =>
	fc
		.record({
			id: uuid,
			card: validCardArbitrary,
			eventId:
				eventIds.length > 0
					? fc.option(fc.constantFrom(...eventIds), { nil: undefined })
					: fc.constant(undefined),
			metAt: instant,
			note: fc.option(words, { nil: undefined }),
			tags: fc.uniqueArray(words.map((tag) => tag.trim().slice(0, 50)).filter(Boolean), {
				maxLength: 3
			}),
			tier: fc.constantFrom(...keepInTouchTiers),
			lastContactedAt: fc.option(instant, { nil: undefined }),
			source: fc.constantFrom(...connectionSources),
			updatedAt: instant
		})
		.map((raw) => connectionSchema.parse(JSON.parse(JSON.stringify(raw))));

const followUp = (connectionIds: string[]) =>
	fc
		.record({
			id: uuid,
			connectionId: fc.constantFrom(...connectionIds),
			kind: fc.constantFrom(...followUpKinds),
			cycle: fc.nat({ max: 3 }),
			dueAt: instant,
			status: fc.constantFrom(...followUpStatuses),
			snoozedUntil: fc.option(instant, { nil: undefined }),
			doneAt: fc.option(instant, { nil: undefined }),
			updatedAt: instant
		})
		.map((raw) => followUpSchema.parse(JSON.parse(JSON.stringify(raw))));

const byId = <T extends { id: string }>(records: T[]) =>
	[...records].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

/** Everything a device can hold; records sorted by id, as IndexedDB returns them. */
export const backupContentArbitrary: fc.Arbitrary<BackupContent> = fc
	.record({
		profile: fc.option(profile, { nil: null }),
		settings: fc.record({
			followUpDelayDays: fc.nat({ max: 30 }),
			followUpHour: fc.nat({ max: 23 }),
			followUpSkipWeekends: fc.boolean(),
			timeZone: fc.option(fc.constantFrom('Asia/Taipei', 'America/New_York'), { nil: undefined }),
			weeklyGoal: fc.nat({ max: 20 })
		}),
		favourites: fc.uniqueArray(fc.stringMatching(/^[a-z]{2}-[0-9]{1,3}$/), { maxLength: 5 }),
		opener: fc.option(fc.record({ full: words, short: words }), { nil: undefined }),
		events: fc.uniqueArray(event, { selector: (record) => record.id, maxLength: 4 })
	})
	.chain(({ events, ...rest }) =>
		fc
			.uniqueArray(connection(events.map((record) => record.id)), {
				selector: (record) => record.id,
				maxLength: 6
			})
			.chain((connections) =>
				(connections.length === 0
					? fc.constant([])
					: fc.uniqueArray(followUp(connections.map((record) => record.id)), {
							selector: (record) => `${record.connectionId}|${record.kind}|${record.cycle}`,
							maxLength: 8
						})
				)
					.map((followUps) => [...new Map(followUps.map((record) => [record.id, record])).values()])
					.map((followUps) => ({ ...rest, events, connections, followUps }))
			)
	)
	.map(({ profile, settings, favourites, opener, events, connections, followUps }) => ({
		profile,
		settings: portableSettings(settingsSchema.parse(JSON.parse(JSON.stringify(settings)))),
		prompts: {
			state: promptStateSchema.parse({ favourites }),
			openers: opener ? { en: opener } : ({} as Record<string, OpenerEdits>)
		},
		events: byId(events),
		connections: byId(connections),
		followUps: byId(followUps)
	}));
