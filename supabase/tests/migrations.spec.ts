import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../tests/support/database';

// Runs against the throwaway cluster that `npm run test:db` starts and migrates. Every test works
// inside its own transaction, rolled back at the end, so tests cannot see each other's rows.

const client = useTestDatabase();

async function inRolledBackTransaction(work: () => Promise<void>): Promise<void> {
	await client.query('begin');
	try {
		await work();
	} finally {
		await client.query('rollback');
	}
}

/** Creates an anonymous auth user, as Supabase Auth does on the app's first sign-in. */
async function createUser(): Promise<string> {
	const { rows } = await client.query<{ id: string }>(
		'insert into auth.users (is_anonymous) values (true) returning id'
	);
	const [user] = rows;
	if (!user) throw new Error('insert into auth.users returned no row');
	return user.id;
}

/** From here to the end of the transaction, statements run as PostgREST runs a user's request. */
async function actAs(userId: string): Promise<void> {
	await client.query("select set_config('request.jwt.claims', $1, true)", [
		JSON.stringify({ sub: userId, role: 'authenticated', is_anonymous: true })
	]);
	await client.query('set local role authenticated');
}

describe('public.profiles', () => {
	it('takes owner_id from the JWT and fills in the documented defaults', async () => {
		await inRolledBackTransaction(async () => {
			const userId = await createUser();
			await actAs(userId);
			const { rows } = await client.query(
				`insert into public.profiles default values
				returning owner_id, card, locale, time_zone, follow_up_delay_days, follow_up_hour,
					follow_up_skip_weekends, deleted_at`
			);
			expect(rows).toEqual([
				{
					owner_id: userId,
					card: {},
					locale: 'zh-TW',
					time_zone: 'Asia/Taipei',
					follow_up_delay_days: 1,
					follow_up_hour: 10,
					follow_up_skip_weekends: true,
					deleted_at: null
				}
			]);
		});
	});

	it('accepts Asia/Taipei as time zone', async () => {
		await inRolledBackTransaction(async () => {
			await actAs(await createUser());
			const { rows } = await client.query(
				"insert into public.profiles (time_zone) values ('Asia/Taipei') returning time_zone"
			);
			expect(rows).toEqual([{ time_zone: 'Asia/Taipei' }]);
		});
	});

	it('rejects Mars/Olympus as time zone', async () => {
		await inRolledBackTransaction(async () => {
			await actAs(await createUser());
			await expect(
				client.query("insert into public.profiles (time_zone) values ('Mars/Olympus')")
			).rejects.toMatchObject({ code: '23514', constraint: 'profiles_time_zone_check' });
		});
	});
});

describe('internal.is_valid_time_zone', () => {
	it.each([
		['Asia/Taipei', true],
		['Europe/London', true],
		['America/Argentina/Buenos_Aires', true],
		['Etc/GMT+8', true],
		['UTC', true],
		['Mars/Olympus', false],
		['asia/taipei', false],
		['UTC+8', false],
		['UTC+8/xyz', false],
		['PST', false],
		['../Asia/Taipei', false],
		['Asia/Taipei ', false],
		['', false]
	])('%j → %s', async (zone, valid) => {
		await inRolledBackTransaction(async () => {
			await actAs(await createUser());
			const { rows } = await client.query('select internal.is_valid_time_zone($1) as valid', [
				zone
			]);
			expect(rows).toEqual([{ valid }]);
		});
	});

	it('is not callable without a session', async () => {
		await inRolledBackTransaction(async () => {
			await client.query('set local role anon');
			const call = client.query("select internal.is_valid_time_zone('UTC')");
			await expect(call).rejects.toMatchObject({ code: '42501' });
		});
	});
});

describe('public.events', () => {
	it('keeps the updated_at the client sends, which sync compares for last writer wins', async () => {
		await inRolledBackTransaction(async () => {
			await actAs(await createUser());
			const id = crypto.randomUUID();
			await client.query(
				`insert into public.events (id, name, starts_at, ends_at, time_zone, updated_at)
				values ($1, 'Meetup', now(), now(), 'Asia/Taipei', '2026-01-01T00:00:00Z')`,
				[id]
			);
			await client.query(
				"update public.events set name = 'Meetup #2', updated_at = '2026-01-02T00:00:00Z' where id = $1",
				[id]
			);
			await client.query("update public.events set venue = 'Taipei' where id = $1", [id]);
			const { rows } = await client.query<{ updated_at: Date }>(
				'select updated_at from public.events where id = $1',
				[id]
			);
			expect(rows.map((row) => row.updated_at.toISOString())).toEqual(['2026-01-02T00:00:00.000Z']);
		});
	});
});
