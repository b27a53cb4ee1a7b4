import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../tests/support/database';
import { NO_REALTIME_TRANSPORT, startGateway, type Gateway } from '../../tests/support/gateway';
import { signJwt } from '../../tests/support/supabase-keys.mjs';

// The test gateway (tests/support/gateway.ts) driven by the real supabase-js, as the app will drive
// it, on the throwaway cluster of `npm run test:db`. The functions it calls live in a schema of
// their own, created here and dropped afterwards, so the checks on `public` never see them.

const db = useTestDatabase();
let gateway: Gateway;

const TEST_SCHEMA = `
create schema gateway_test;
grant usage on schema gateway_test to anon, authenticated, service_role;

create table gateway_test.calls (
	id uuid primary key default gen_random_uuid(),
	caller uuid,
	note text not null
);
grant select, insert on table gateway_test.calls to authenticated;

create function gateway_test.whoami()
returns jsonb
language sql
stable
as $$
	select jsonb_build_object('uid', auth.uid(), 'role', current_user, 'claims', auth.jwt())
$$;

create function gateway_test.record_call(note text)
returns jsonb
language sql
as $$
	insert into gateway_test.calls (caller, note) values (auth.uid(), note)
	returning jsonb_build_object('id', id, 'note', note)
$$;

create function gateway_test.refuse(code text)
returns void
language plpgsql
as $$
begin
	raise exception '%', code using errcode = 'P0001', detail = 'refused on purpose';
end
$$;

create function gateway_test.echo(doc jsonb, label text default 'none', n int default 0)
returns jsonb
language sql
immutable
as $$
	select jsonb_build_object('doc', doc, 'label', label, 'n', n)
$$;

create function gateway_test.count_up(upto int)
returns setof int
language sql
immutable
as $$
	select generate_series(1, upto)
$$;

create function gateway_test.do_nothing()
returns void
language sql
as $$
	select
$$;

do $$
declare
	fn regprocedure;
begin
	for fn in
		select p.oid::regprocedure from pg_proc p where p.pronamespace = 'gateway_test'::regnamespace
	loop
		execute format('revoke execute on function %s from public, anon', fn);
		execute format('grant execute on function %s to authenticated', fn);
	end loop;
end
$$;
`;

beforeAll(async () => {
	await db.query(TEST_SCHEMA);
	gateway = await startGateway({
		databaseUrl: process.env.RAPPORT_TEST_DATABASE_URL!,
		schemas: ['public', 'gateway_test']
	});
});

afterAll(async () => {
	await gateway?.close();
	await db.query('drop schema if exists gateway_test cascade');
});

function newClient(target: Gateway = gateway): SupabaseClient {
	return createClient(target.url, target.anonKey, {
		auth: { persistSession: false, autoRefreshToken: false },
		realtime: { transport: NO_REALTIME_TRANSPORT }
	});
}

async function signedIn(target: Gateway = gateway) {
	const client = newClient(target);
	const { data, error } = await client.auth.signInAnonymously();
	if (error || !data.session || !data.user) throw error ?? new Error('no session');
	return { client, session: data.session, userId: data.user.id };
}

async function callsNoted(note: string): Promise<number> {
	const { rows } = await db.query<{ count: string }>(
		'select count(*) from gateway_test.calls where note = $1',
		[note]
	);
	return Number(rows[0]!.count);
}

function claimsOf(jwt: string): Record<string, unknown> {
	return JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Record<
		string,
		unknown
	>;
}

/** A raw RPC call, for the statuses and bodies supabase-js does not expose whole. */
async function rawRpc(
	name: string,
	{ token, apikey = gateway.anonKey }: { token?: string; apikey?: string | null } = {}
) {
	const response = await fetch(`${gateway.url}/rest/v1/rpc/${name}`, {
		method: 'POST',
		headers: {
			'content-type': 'application/json',
			'content-profile': 'gateway_test',
			...(apikey ? { apikey } : {}),
			...(token ? { authorization: `Bearer ${token}` } : {})
		},
		body: '{}'
	});
	return {
		status: response.status,
		authenticate: response.headers.get('www-authenticate'),
		body: (await response.json()) as Record<string, unknown>
	};
}

describe('auth', () => {
	it('signs in anonymously: a session auth-js accepts and an anonymous auth.users row', async () => {
		const { session, userId } = await signedIn();
		expect(session).toMatchObject({ token_type: 'bearer', expires_in: 3600 });
		expect(session.expires_at! - Math.floor(Date.now() / 1000)).toBeGreaterThan(3590);
		expect(session.user).toMatchObject({ id: userId, aud: 'authenticated', is_anonymous: true });
		expect(claimsOf(session.access_token)).toMatchObject({
			sub: userId,
			role: 'authenticated',
			aud: 'authenticated',
			is_anonymous: true,
			exp: session.expires_at
		});
		const { rows } = await db.query('select is_anonymous, email from auth.users where id = $1', [
			userId
		]);
		expect(rows).toEqual([{ is_anonymous: true, email: null }]);
	});

	it('returns the signed-in user from getUser', async () => {
		const { client, userId } = await signedIn();
		const { data, error } = await client.auth.getUser();
		expect(error).toBeNull();
		expect(data.user).toMatchObject({ id: userId, is_anonymous: true, email: '' });
	});

	it('refreshes a session into new tokens that work, for the same user', async () => {
		const { client, session, userId } = await signedIn();
		// Tokens issued within the same second would be identical; the exp must move on.
		await new Promise((resolve) => setTimeout(resolve, 1100));
		const { data, error } = await client.auth.refreshSession();
		expect(error).toBeNull();
		expect(data.session!.refresh_token).not.toBe(session.refresh_token);
		expect(data.session!.access_token).not.toBe(session.access_token);
		expect(data.user!.id).toBe(userId);
		const whoami = await client.schema('gateway_test').rpc('whoami');
		expect(whoami.error).toBeNull();
		expect(whoami.data).toMatchObject({ uid: userId });
		expect((whoami.data as { claims: { exp: number } }).claims.exp).toBe(data.session!.expires_at);
	});

	it('refuses a refresh token it never issued', async () => {
		const client = newClient();
		const { error } = await client.auth.refreshSession({ refresh_token: 'never-issued' });
		expect(error).toMatchObject({ status: 400, code: 'refresh_token_not_found' });
	});

	it('hands out the current refresh token again when a rotated one returns within 10 s', async () => {
		const { client, session } = await signedIn();
		const first = await client.auth.refreshSession({
			refresh_token: session.refresh_token
		});
		expect(first.error).toBeNull();
		// GoTrue's reuse window: a refresh whose answer was lost can be repeated.
		const replay = await client.auth.refreshSession({
			refresh_token: session.refresh_token
		});
		expect(replay.error).toBeNull();
		expect(replay.data.session!.refresh_token).toBe(first.data.session!.refresh_token);
	});

	it('issues access tokens with the lifetime it was started with', async () => {
		const shortLived = await startGateway({
			databaseUrl: process.env.RAPPORT_TEST_DATABASE_URL!,
			accessTokenTtlSeconds: 5
		});
		try {
			const { session } = await signedIn(shortLived);
			expect(session.expires_in).toBe(5);
			const claims = claimsOf(session.access_token);
			expect((claims.exp as number) - (claims.iat as number)).toBe(5);
		} finally {
			await shortLived.close();
		}
	});

	it('signs out: the refresh token and the session of the access token are gone', async () => {
		const { client, session } = await signedIn();
		expect((await client.auth.signOut()).error).toBeNull();
		const other = newClient();
		const refreshed = await other.auth.refreshSession({
			refresh_token: session.refresh_token
		});
		expect(refreshed.error).toMatchObject({ status: 400, code: 'refresh_token_not_found' });
		const user = await other.auth.getUser(session.access_token);
		expect(user.error?.name).toBe('AuthSessionMissingError');
	});

	it('rejects getUser with a token signed by another secret', async () => {
		const { userId } = await signedIn();
		const forged = signJwt(
			{ sub: userId, role: 'authenticated', exp: Math.floor(Date.now() / 1000) + 600 },
			'not-the-secret'
		);
		const { error } = await newClient().auth.getUser(forged);
		expect(error).toMatchObject({ status: 403, code: 'bad_jwt' });
	});
});

describe('email', () => {
	it('links an email to an anonymous account with a one-time code, then signs in elsewhere', async () => {
		const email = `link-${crypto.randomUUID()}@example.com`;
		const { client, userId } = await signedIn();

		const update = await client.auth.updateUser({ email });
		expect(update.error).toBeNull();
		expect(update.data.user).toMatchObject({ id: userId, new_email: email, is_anonymous: true });
		const code = gateway.otpFor(email);
		expect(code).toMatch(/^\d{6}$/);

		const wrong = await client.auth.verifyOtp({
			email,
			token: code === '000000' ? '111111' : '000000',
			type: 'email_change'
		});
		expect(wrong.error).toMatchObject({ status: 403, code: 'otp_expired' });

		const linked = await client.auth.verifyOtp({ email, token: code!, type: 'email_change' });
		expect(linked.error).toBeNull();
		expect(linked.data.user).toMatchObject({ id: userId, email, is_anonymous: false });
		expect(claimsOf(linked.data.session!.access_token)).toMatchObject({
			sub: userId,
			email,
			is_anonymous: false
		});
		expect(gateway.otpFor(email)).toBeUndefined();
		const { rows } = await db.query('select email, is_anonymous from auth.users where id = $1', [
			userId
		]);
		expect(rows).toEqual([{ email, is_anonymous: false }]);
		const whoami = await client.schema('gateway_test').rpc('whoami');
		expect(whoami.data).toMatchObject({ uid: userId, claims: { is_anonymous: false, email } });

		const device = newClient();
		const request = await device.auth.signInWithOtp({
			email,
			options: { shouldCreateUser: false }
		});
		expect(request.error).toBeNull();
		const signIn = await device.auth.verifyOtp({
			email,
			token: gateway.otpFor(email)!,
			type: 'email'
		});
		expect(signIn.error).toBeNull();
		expect(signIn.data.user!.id).toBe(userId);
		const fromDevice = await device.schema('gateway_test').rpc('whoami');
		expect(fromDevice.data).toMatchObject({ uid: userId });
	});

	it('refuses an email code sign-in for an address no account has', async () => {
		const { error } = await newClient().auth.signInWithOtp({
			email: `nobody-${crypto.randomUUID()}@example.com`,
			options: { shouldCreateUser: false }
		});
		expect(error).toMatchObject({ status: 422, code: 'otp_disabled' });
	});

	it('refuses to link an email another account already has', async () => {
		const email = `taken-${crypto.randomUUID()}@example.com`;
		const first = await signedIn();
		await first.client.auth.updateUser({ email });
		await first.client.auth.verifyOtp({
			email,
			token: gateway.otpFor(email)!,
			type: 'email_change'
		});

		const second = await signedIn();
		const { error } = await second.client.auth.updateUser({ email });
		expect(error).toMatchObject({ status: 422, code: 'email_exists' });
	});
});

describe('rpc', () => {
	it('runs the function as the signed-in user: role, auth.uid() and the JWT claims', async () => {
		const { client, session, userId } = await signedIn();
		const { data, error, status } = await client.schema('gateway_test').rpc('whoami');
		expect(error).toBeNull();
		expect(status).toBe(200);
		expect(data).toEqual({
			uid: userId,
			role: 'authenticated',
			claims: claimsOf(session.access_token)
		});
	});

	it('calls by name, leaves out what the body leaves out, and converts JSON to the argument types', async () => {
		const { client } = await signedIn();
		const { data, error } = await client
			.schema('gateway_test')
			.rpc('echo', { doc: { tags: ['a', 'b'], nested: { x: 1 } }, n: 3 });
		expect(error).toBeNull();
		expect(data).toEqual({ doc: { tags: ['a', 'b'], nested: { x: 1 } }, label: 'none', n: 3 });
	});

	it('returns a set as an array and a void function as no content', async () => {
		const { client } = await signedIn();
		const set = await client.schema('gateway_test').rpc('count_up', { upto: 3 });
		expect(set).toMatchObject({ data: [1, 2, 3], error: null, status: 200 });
		const nothing = await client.schema('gateway_test').rpc('do_nothing');
		expect(nothing).toMatchObject({ data: null, error: null, status: 204 });
	});

	it('calls a function of public by default', async () => {
		const { client } = await signedIn();
		const { data, error } = await client.rpc('push_subscription_status', {
			endpoint: 'https://push.example.test/none'
		});
		expect(error).toBeNull();
		expect(data).toEqual({ subscribed: false, last_sent_at: null, last_error: null });
	});

	it('serves nothing of internal, where the follow-up rule and its helpers live', async () => {
		const { client } = await signedIn();
		const inPublic = await client.rpc('is_valid_time_zone', { tz: 'Asia/Taipei' });
		expect(inPublic).toMatchObject({ data: null, status: 404, error: { code: 'PGRST202' } });
		const inInternal = await client.schema('internal').rpc('follow_up_due_at', {
			met_at: '2026-01-01T10:00:00Z',
			event_ends_at: null,
			time_zone: 'Asia/Taipei'
		});
		expect(inInternal).toMatchObject({ data: null, status: 406, error: { code: 'PGRST106' } });
	});

	it('answers 404 PGRST202 for arguments no function takes', async () => {
		const { client } = await signedIn();
		const { error, status } = await client.schema('gateway_test').rpc('echo', { nope: 1 });
		expect(status).toBe(404);
		expect(error).toMatchObject({ code: 'PGRST202' });
	});

	it('surfaces a P0001 refusal as HTTP 400 with the code as message', async () => {
		const { client } = await signedIn();
		const { error, status } = await client
			.schema('gateway_test')
			.rpc('refuse', { code: 'exchange_token_invalid' });
		expect(status).toBe(400);
		expect(error).toEqual({
			code: 'P0001',
			message: 'exchange_token_invalid',
			details: 'refused on purpose',
			hint: null
		});
	});

	it('refuses the anon key a function granted to authenticated only: 401, 42501', async () => {
		const anonymous = newClient();
		const { error, status } = await anonymous.rpc('push_subscription_status', {
			endpoint: 'https://push.example.test/none'
		});
		expect(status).toBe(401);
		expect(error).toMatchObject({ code: '42501' });
		expect((await rawRpc('whoami')).body).toMatchObject({ code: '42501' });
	});

	it('refuses a token signed with another secret: 401 PGRST301', async () => {
		const { userId } = await signedIn();
		const forged = signJwt(
			{ sub: userId, role: 'authenticated', exp: Math.floor(Date.now() / 1000) + 600 },
			'not-the-secret'
		);
		const { status, body, authenticate } = await rawRpc('whoami', { token: forged });
		expect(status).toBe(401);
		expect(body).toMatchObject({ code: 'PGRST301' });
		expect(authenticate).toMatch(/^Bearer error="invalid_token"/);
	});

	it('refuses an expired token (beyond PostgREST’s 30 s leeway): 401 PGRST303', async () => {
		const { userId } = await signedIn();
		const now = Math.floor(Date.now() / 1000);
		const expired = signJwt(
			{ sub: userId, role: 'authenticated', iat: now - 3700, exp: now - 100 },
			gateway.jwtSecret
		);
		const { status, body } = await rawRpc('whoami', { token: expired });
		expect(status).toBe(401);
		expect(body).toMatchObject({ code: 'PGRST303', message: 'JWT expired' });
	});

	it('takes a token it did not issue when the secret signs it, as PostgREST does', async () => {
		const subject = crypto.randomUUID();
		const token = signJwt(
			{ sub: subject, role: 'authenticated', exp: Math.floor(Date.now() / 1000) + 60 },
			gateway.jwtSecret
		);
		const { status, body } = await rawRpc('whoami', { token });
		expect(status).toBe(200);
		expect(body).toMatchObject({ uid: subject, role: 'authenticated' });
	});

	it('refuses a request without the apikey header, as the Supabase API gateway does', async () => {
		const { status, body } = await rawRpc('whoami', { apikey: null });
		expect(status).toBe(401);
		expect(body).toMatchObject({ message: 'No API key found in request' });
	});

	it('answers a CORS preflight for the headers supabase-js sends', async () => {
		const response = await fetch(`${gateway.url}/rest/v1/rpc/whoami`, {
			method: 'OPTIONS',
			headers: {
				origin: 'http://localhost:4173',
				'access-control-request-method': 'POST',
				'access-control-request-headers':
					'apikey, authorization, content-type, content-profile, x-client-info'
			}
		});
		expect(response.status).toBe(204);
		expect(response.headers.get('access-control-allow-origin')).toBe('*');
		const allowed = response.headers.get('access-control-allow-headers')!.split(', ');
		expect(allowed).toEqual(
			expect.arrayContaining([
				'apikey',
				'authorization',
				'content-type',
				'content-profile',
				'accept-profile',
				'prefer',
				'x-client-info',
				'x-supabase-api-version'
			])
		);
	});
});

describe('faults', () => {
	function recordCall(client: SupabaseClient, note: string) {
		return client.schema('gateway_test').rpc('record_call', { note });
	}

	it('drop: the call commits, then the answer is lost', async () => {
		const { client } = await signedIn();
		const note = `drop-${crypto.randomUUID()}`;
		gateway.setFaults({ rate: 1, kinds: ['drop'] });
		try {
			const { data, error, status } = await recordCall(client, note);
			expect(status).toBe(0);
			expect(data).toBeNull();
			expect(error?.message).toMatch(/fetch failed/);
		} finally {
			gateway.setFaults(null);
		}
		expect(await callsNoted(note)).toBe(1);
	});

	it('fail: HTTP 500 and nothing runs', async () => {
		const { client } = await signedIn();
		const note = `fail-${crypto.randomUUID()}`;
		gateway.setFaults({ rate: 1, kinds: ['fail'] });
		try {
			const { error, status } = await recordCall(client, note);
			expect(status).toBe(500);
			expect(error).not.toBeNull();
		} finally {
			gateway.setFaults(null);
		}
		expect(await callsNoted(note)).toBe(0);
	});

	it('duplicate: the call runs twice and the second answer comes back', async () => {
		const { client } = await signedIn();
		const note = `duplicate-${crypto.randomUUID()}`;
		gateway.setFaults({ rate: 1, kinds: ['duplicate'] });
		let answeredId: string;
		try {
			const { data, error } = await recordCall(client, note);
			expect(error).toBeNull();
			answeredId = (data as { id: string }).id;
		} finally {
			gateway.setFaults(null);
		}
		const { rows } = await db.query<{ id: string }>(
			'select id from gateway_test.calls where note = $1',
			[note]
		);
		expect(rows).toHaveLength(2);
		expect(rows.map((row) => row.id)).toContain(answeredId);
	});

	it('delay: the answer comes 200–800 ms late, and right', async () => {
		const { client } = await signedIn();
		const note = `delay-${crypto.randomUUID()}`;
		gateway.setFaults({ rate: 1, kinds: ['delay'] });
		try {
			const started = performance.now();
			const { data, error } = await recordCall(client, note);
			const elapsed = performance.now() - started;
			expect(error).toBeNull();
			expect(data).toMatchObject({ note });
			expect(elapsed).toBeGreaterThanOrEqual(200);
		} finally {
			gateway.setFaults(null);
		}
		expect(await callsNoted(note)).toBe(1);
	});

	it('leaves auth alone unless the scope is all', async () => {
		gateway.setFaults({ rate: 1, kinds: ['fail'] });
		try {
			const spared = await newClient().auth.signInAnonymously();
			expect(spared.error).toBeNull();
			gateway.setFaults({ rate: 1, kinds: ['fail'], scope: 'all' });
			const failed = await newClient().auth.signInAnonymously();
			expect(failed.error).toMatchObject({ status: 500 });
		} finally {
			gateway.setFaults(null);
		}
	});

	it('counts requests and faults by kind', async () => {
		const { client } = await signedIn();
		const before = gateway.stats;
		gateway.setFaults({ rate: 1, kinds: ['fail'] });
		try {
			await recordCall(client, `count-${crypto.randomUUID()}`);
			await recordCall(client, `count-${crypto.randomUUID()}`);
		} finally {
			gateway.setFaults(null);
		}
		const after = gateway.stats;
		expect(after.requests - before.requests).toBe(2);
		expect(after.faults.fail - before.faults.fail).toBe(2);
		expect(after.faults.drop).toBe(before.faults.drop);
	});

	it('faults a share of requests near the rate, the same ones for the same seed', async () => {
		const { client } = await signedIn();
		async function outcomes(seed: number): Promise<number[]> {
			gateway.setFaults({ rate: 0.3, seed, kinds: ['fail'] });
			try {
				const statuses: number[] = [];
				for (let i = 0; i < 40; i += 1) {
					statuses.push((await client.schema('gateway_test').rpc('whoami')).status);
				}
				return statuses;
			} finally {
				gateway.setFaults(null);
			}
		}
		const first = await outcomes(7);
		expect(await outcomes(7)).toEqual(first);
		expect(await outcomes(8)).not.toEqual(first);
		const failed = first.filter((status) => status === 500).length;
		expect(failed).toBeGreaterThanOrEqual(4);
		expect(failed).toBeLessThanOrEqual(20);
		expect(first.filter((status) => status !== 500).every((status) => status === 200)).toBe(true);
	});
});
