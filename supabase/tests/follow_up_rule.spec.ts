import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../tests/support/database';
import vectors from './follow_up_vectors.json' with { type: 'json' };

// The SQL twin of the follow-up rule against the same vectors as the TypeScript rule
// (src/lib/domain/followup/rule.spec.ts), on the throwaway cluster of `npm run test:db`.

interface Vector {
	name: string;
	input: {
		metAt: string;
		eventEndsAt?: string | null;
		timeZone: string;
		delayDays?: number;
		hour?: number;
		skipWeekends?: boolean;
	};
	dueAt?: string;
	error?: boolean;
}

const client = useTestDatabase();

function dueAt({ input }: Vector): Promise<string> {
	return client
		.query<{ due: Date }>(
			'select internal.follow_up_due_at($1::timestamptz, $2::timestamptz, $3, $4, $5, $6) as due',
			[
				input.metAt,
				input.eventEndsAt ?? null,
				input.timeZone,
				input.delayDays ?? 1,
				input.hour ?? 10,
				input.skipWeekends ?? true
			]
		)
		.then(({ rows }) => rows[0]!.due.toISOString());
}

const all = vectors as Vector[];

describe('internal.follow_up_due_at', () => {
	it('has the whole table to check', () => {
		expect(all.filter((vector) => !vector.error).length).toBeGreaterThanOrEqual(20);
	});

	it.each(all.filter((vector) => !vector.error).map((vector) => [vector.name, vector] as const))(
		'%s',
		async (_name, vector) => {
			expect(await dueAt(vector)).toBe(new Date(vector.dueAt!).toISOString());
		}
	);

	it.each(all.filter((vector) => vector.error).map((vector) => [vector.name, vector] as const))(
		'refuses %s',
		async (_name, vector) => {
			await expect(dueAt(vector)).rejects.toThrow();
		}
	);
});
