import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import vectorsJson from '../../../../supabase/tests/follow_up_vectors.json';
import { followUpDueAt } from '$lib/domain/followUps';

const inputSchema = z.strictObject({
	metAt: z.string(),
	eventEndsAt: z.string().nullable().optional(),
	timeZone: z.string(),
	delayDays: z.number().optional(),
	hour: z.number().optional(),
	skipWeekends: z.boolean().optional()
});
const vectorSchema = z.union([
	z.strictObject({
		name: z.string(),
		note: z.string().optional(),
		input: inputSchema,
		dueAt: z.iso.datetime()
	}),
	z.strictObject({
		name: z.string(),
		note: z.string().optional(),
		input: inputSchema,
		error: z.literal(true),
		field: inputSchema.keyof()
	})
]);
const vectors = z.array(vectorSchema).parse(vectorsJson);
const cases = vectors.flatMap((v) => ('dueAt' in v ? [v] : []));
const failures = vectors.flatMap((v) => ('error' in v ? [v] : []));

describe('follow_up_vectors.json', () => {
	it('is big enough and has unique names', () => {
		expect(cases.length).toBeGreaterThanOrEqual(24);
		expect(new Set(vectors.map((v) => v.name)).size).toBe(vectors.length);
	});

	it.each(cases)('$name', ({ input, dueAt }) => {
		expect(followUpDueAt(input)).toBe(dueAt);
	});

	it.each(failures)('$name throws, naming $field', ({ input, field }) => {
		expect(() => followUpDueAt(input)).toThrow(field);
	});
});

describe('followUpDueAt input checks beyond the SQL twin', () => {
	const base = { metAt: '2026-05-12T11:30:00Z', timeZone: 'Asia/Taipei' };

	it('names the bad value in its message', () => {
		expect(() => followUpDueAt({ ...base, timeZone: 'Mars/Olympus_Mons' })).toThrow(
			'"Mars/Olympus_Mons"'
		);
		expect(() => followUpDueAt({ ...base, metAt: 'soon' })).toThrow('"soon"');
		expect(() => followUpDueAt({ ...base, hour: 24 })).toThrow('got 24');
	});

	it('refuses a date-time without an offset rather than guess the device zone', () => {
		expect(() => followUpDueAt({ ...base, metAt: '2026-05-12T19:30:00' })).toThrow('metAt');
	});

	it('refuses fractional days and hours', () => {
		expect(() => followUpDueAt({ ...base, delayDays: 1.5 })).toThrow('delayDays');
		expect(() => followUpDueAt({ ...base, hour: 9.5 })).toThrow('hour');
		expect(() => followUpDueAt({ ...base, hour: Number.NaN })).toThrow('hour');
	});

	it('keeps to the years it supports', () => {
		expect(() => followUpDueAt({ ...base, metAt: '1899-12-31T00:00:00Z' })).toThrow('1900');
		expect(() => followUpDueAt({ ...base, eventEndsAt: '9000-01-01T00:00:00Z' })).toThrow(
			'eventEndsAt'
		);
	});

	it('accepts tzdb aliases with a slash', () => {
		expect(followUpDueAt({ ...base, timeZone: 'Asia/Calcutta' })).toBe(
			followUpDueAt({ ...base, timeZone: 'Asia/Kolkata' })
		);
	});

	it('moves a whole skipped day forward by its length (Samoa, 30 Dec 2011)', () => {
		// Apia jumped from −10 to +14 at the end of 29 Dec 2011 local: 30 Dec never happened there.
		expect(
			followUpDueAt({
				metAt: '2011-12-29T20:00:00Z',
				timeZone: 'Pacific/Apia',
				skipWeekends: false
			})
		).toBe('2011-12-30T20:00:00.000Z');
	});
});

// Checked with Intl directly, not with the rule's own helpers.
const partsFormat = new Map<string, Intl.DateTimeFormat>();
function wall(ms: number, timeZone: string) {
	let format = partsFormat.get(timeZone);
	if (!format) {
		format = new Intl.DateTimeFormat('en-US', {
			timeZone,
			hourCycle: 'h23',
			weekday: 'short',
			year: 'numeric',
			month: 'numeric',
			day: 'numeric',
			hour: 'numeric',
			minute: 'numeric',
			second: 'numeric'
		});
		partsFormat.set(timeZone, format);
	}
	const parts = Object.fromEntries(format.formatToParts(ms).map((p) => [p.type, p.value]));
	const n = (type: string) => Number(parts[type]);
	return {
		weekday: parts.weekday,
		hour: n('hour'),
		minute: n('minute'),
		second: n('second'),
		ms: Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'))
	};
}

const zones = [
	'Asia/Taipei',
	'America/New_York',
	'America/Los_Angeles',
	'America/St_Johns',
	'America/Santiago',
	'Europe/London',
	'Africa/Casablanca',
	'Australia/Sydney',
	'Australia/Lord_Howe',
	'Pacific/Auckland',
	'Pacific/Chatham',
	'Asia/Kolkata',
	'Asia/Kathmandu',
	'Pacific/Kiritimati',
	'Pacific/Pago_Pago',
	'UTC'
];

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const QUARTER_MS = 15 * 60_000;

interface Sample {
	metAt: number;
	eventShift: number | undefined;
	timeZone: string;
	delayDays: number;
	hour: number;
	skipWeekends: boolean;
}

const anyInput: fc.Arbitrary<Sample> = fc.record({
	metAt: fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) }),
	eventShift: fc.option(fc.integer({ min: -12 * HOUR_MS, max: 12 * HOUR_MS }), { nil: undefined }),
	timeZone: fc.constantFrom(...zones),
	delayDays: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 365 })),
	hour: fc.integer({ min: 0, max: 23 }),
	skipWeekends: fc.boolean()
});

// Random inputs almost never aim at a skipped or repeated hour, so half the runs aim at one:
// a local date and hour next to a 2026 clock change in that zone.
const clockChanges: [zone: string, date: string, hour: number][] = [
	['America/New_York', '2026-03-08', 2],
	['America/New_York', '2026-11-01', 1],
	['America/St_Johns', '2026-03-08', 2],
	['America/St_Johns', '2026-11-01', 1],
	['America/Santiago', '2026-04-04', 23],
	['America/Santiago', '2026-09-06', 0],
	['Europe/London', '2026-03-29', 1],
	['Europe/London', '2026-10-25', 1],
	['Australia/Sydney', '2026-04-05', 2],
	['Australia/Sydney', '2026-10-04', 2],
	['Australia/Lord_Howe', '2026-10-04', 2],
	['Pacific/Auckland', '2026-04-05', 2],
	['Pacific/Auckland', '2026-09-27', 2],
	['Pacific/Chatham', '2026-04-05', 3],
	['Pacific/Chatham', '2026-09-27', 3]
];
const nearClockChange: fc.Arbitrary<Sample> = fc
	.record({
		change: fc.constantFrom(...clockChanges),
		delayDays: fc.integer({ min: 0, max: 2 }),
		shift: fc.integer({ min: -DAY_MS, max: DAY_MS }),
		skipWeekends: fc.boolean()
	})
	.map(({ change: [timeZone, date, hour], delayDays, shift, skipWeekends }) => ({
		metAt: Date.parse(`${date}T12:00:00Z`) - delayDays * DAY_MS + shift,
		eventShift: undefined,
		timeZone,
		delayDays,
		hour,
		skipWeekends
	}));

const ruleInput = fc.oneof(anyInput, nearClockChange);

function run({ metAt, eventShift, ...rest }: Sample) {
	const eventEndsAt = eventShift === undefined ? null : new Date(metAt + eventShift).toISOString();
	const anchor = Math.max(metAt, eventShift === undefined ? metAt : metAt + eventShift);
	const input = { ...rest, metAt: new Date(metAt).toISOString(), eventEndsAt };
	return { input, anchor, due: Date.parse(followUpDueAt(input)) };
}

describe('followUpDueAt properties', () => {
	it('is always after the anchor, and never more than delayDays + 4 days later', () => {
		fc.assert(
			fc.property(ruleInput, (value) => {
				const { anchor, due } = run(value);
				expect(due).toBeGreaterThan(anchor);
				expect(due - anchor).toBeLessThan((value.delayDays + 4) * DAY_MS);
			}),
			{ numRuns: 500 }
		);
	});

	it('never lands on a local Saturday or Sunday when skipping weekends', () => {
		fc.assert(
			fc.property(ruleInput, (value) => {
				const { input, due } = run({ ...value, skipWeekends: true });
				expect(['Sat', 'Sun']).not.toContain(wall(due, input.timeZone).weekday);
			}),
			{ numRuns: 500 }
		);
	});

	it('lands on hour:00 local, or a gap’s length later when hour:00 does not exist', () => {
		const seen = { gap: 0, overlap: 0 };
		fc.assert(
			fc.property(ruleInput, (value) => {
				const { input, due } = run(value);
				const local = wall(due, input.timeZone);
				if (local.hour === value.hour && local.minute === 0 && local.second === 0) {
					// An overlap takes the earlier instant: no earlier moment shows the same wall time.
					for (let back = QUARTER_MS; back <= 3 * HOUR_MS; back += QUARTER_MS) {
						expect(wall(due - back, input.timeZone).ms).not.toBe(local.ms);
					}
					for (let ahead = QUARTER_MS; ahead <= 3 * HOUR_MS; ahead += QUARTER_MS) {
						if (wall(due + ahead, input.timeZone).ms === local.ms) seen.overlap++;
					}
				} else {
					seen.gap++;
					const gap = local.ms - due - (wall(due - DAY_MS, input.timeZone).ms - (due - DAY_MS));
					expect(gap).toBeGreaterThan(0);
					const aimed = local.ms - gap;
					expect(new Date(aimed).getUTCHours()).toBe(value.hour);
					expect(new Date(aimed).getUTCMinutes()).toBe(0);
					for (let t = due - 2 * HOUR_MS; t <= due + 2 * HOUR_MS; t += QUARTER_MS) {
						expect(wall(t, input.timeZone).ms).not.toBe(aimed);
					}
				}
			}),
			{ numRuns: 1000 }
		);
		expect(seen.gap).toBeGreaterThan(10);
		expect(seen.overlap).toBeGreaterThan(10);
	});

	it('is deterministic', () => {
		fc.assert(
			fc.property(ruleInput, (value) => {
				expect(followUpDueAt(run(value).input)).toBe(followUpDueAt(run(value).input));
			})
		);
	});

	it('never comes earlier for a longer delay', () => {
		fc.assert(
			fc.property(ruleInput, fc.integer({ min: 1, max: 30 }), (value, more) => {
				const sooner = run({ ...value, delayDays: Math.min(value.delayDays, 335) });
				const later = run({ ...value, delayDays: Math.min(value.delayDays, 335) + more });
				expect(later.due).toBeGreaterThanOrEqual(sooner.due);
			}),
			{ numRuns: 300 }
		);
	});
});
