import { describe, expect, it, vi } from 'vitest';
import {
	authFailure,
	createSupabaseTransport,
	fetchWithTimeout,
	functionFailure,
	rpcFailure
} from './supabaseTransport';
import { ServerRefusal, TransportFailure, type WireChange } from './transport';

// supabase-js against a scripted Supabase: the Auth and PostgREST answers are the documented
// ones, so these tests pin down which requests the transport makes and how it reads the answers.

const URL_BASE = 'https://rapport-test.supabase.co';
const ANON_KEY = 'anon-key';

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

function session(user: Record<string, unknown>) {
	const exp = Math.floor(Date.now() / 1000) + 3_600;
	const jwt = [
		base64url({ alg: 'HS256', typ: 'JWT' }),
		base64url({ sub: user.id, exp, role: 'authenticated', aud: 'authenticated' }),
		'signature'
	].join('.');
	return {
		access_token: jwt,
		refresh_token: 'refresh',
		token_type: 'bearer',
		expires_in: 3_600,
		expires_at: exp,
		user
	};
}

const anonymousUser = {
	id: '00000000-0000-4000-8000-0000000000a1',
	aud: 'authenticated',
	role: 'authenticated',
	email: '',
	is_anonymous: true,
	app_metadata: {},
	user_metadata: {},
	created_at: '2026-11-20T00:00:00Z'
};

interface Request {
	method: string;
	path: string;
	headers: Headers;
	body: unknown;
}

type Answer = { status?: number; body?: unknown } | 'network-down';

/** A Supabase that answers each path from a script and records every request. */
function scriptedSupabase(script: Record<string, Answer | ((request: Request) => Answer)>) {
	const requests: Request[] = [];
	const fetch: typeof globalThis.fetch = async (input, init) => {
		const url = new URL(String(input));
		const body = typeof init?.body === 'string' && init.body ? JSON.parse(init.body) : undefined;
		const request = {
			method: init?.method ?? 'GET',
			path: url.pathname + url.search,
			headers: new Headers(init?.headers),
			body
		};
		requests.push(request);
		const entry = script[`${request.method} ${url.pathname}`];
		const answer = typeof entry === 'function' ? entry(request) : entry;
		if (answer === 'network-down') throw new TypeError('fetch failed');
		if (!answer) return new Response(JSON.stringify({ message: 'not scripted' }), { status: 404 });
		return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), {
			status: answer.status ?? 200,
			headers: { 'content-type': 'application/json' }
		});
	};
	return {
		fetch,
		requests,
		rpcs: () => requests.filter((r) => r.path.startsWith('/rest/v1/rpc/'))
	};
}

const signUp = { 'POST /auth/v1/signup': { body: session(anonymousUser) } } as const;

async function signedInTransport(script: Parameters<typeof scriptedSupabase>[0]) {
	const supabase = scriptedSupabase({ ...signUp, ...script });
	const transport = await createSupabaseTransport(
		{ url: URL_BASE, anonKey: ANON_KEY },
		{ fetch: supabase.fetch }
	);
	await transport.signInAnonymously();
	return { transport, supabase };
}

describe('the account', () => {
	it('is none until signed in, then anonymous and kept', async () => {
		const supabase = scriptedSupabase(signUp);
		const transport = await createSupabaseTransport(
			{ url: URL_BASE, anonKey: ANON_KEY },
			{ fetch: supabase.fetch }
		);
		expect(await transport.account()).toBeNull();
		const account = await transport.signInAnonymously();
		expect(account).toEqual({ userId: anonymousUser.id, email: null, isAnonymous: true });
		expect(await transport.account()).toEqual(account);
		expect(supabase.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /auth/v1/signup']);
	});

	it('links an email by one-time code', async () => {
		const linked = { ...anonymousUser, email: 'yijun@example.com', is_anonymous: false };
		const { transport, supabase } = await signedInTransport({
			'PUT /auth/v1/user': { body: { ...anonymousUser, new_email: 'yijun@example.com' } },
			'POST /auth/v1/verify': { body: session(linked) }
		});
		await transport.linkEmail('yijun@example.com');
		const account = await transport.confirmLinkEmail('yijun@example.com', '123456');
		expect(account).toEqual({
			userId: anonymousUser.id,
			email: 'yijun@example.com',
			isAnonymous: false
		});
		expect(supabase.requests.find((r) => r.method === 'PUT')?.body).toMatchObject({
			email: 'yijun@example.com'
		});
		expect(supabase.requests.at(-1)?.body).toMatchObject({
			email: 'yijun@example.com',
			token: '123456',
			type: 'email_change'
		});
	});

	it('signs in on another device only to an account that exists', async () => {
		const user = { ...anonymousUser, email: 'yijun@example.com', is_anonymous: false };
		const supabase = scriptedSupabase({
			'POST /auth/v1/otp': { body: {} },
			'POST /auth/v1/verify': { body: session(user) }
		});
		const transport = await createSupabaseTransport(
			{ url: URL_BASE, anonKey: ANON_KEY },
			{ fetch: supabase.fetch }
		);
		await transport.requestEmailSignIn('yijun@example.com');
		expect(supabase.requests[0]?.body).toMatchObject({
			email: 'yijun@example.com',
			create_user: false
		});
		expect(await transport.confirmEmailSignIn('yijun@example.com', '654321')).toMatchObject({
			email: 'yijun@example.com'
		});
		expect(supabase.requests[1]?.body).toMatchObject({ token: '654321', type: 'email' });
	});

	it('passes a CAPTCHA token to Auth with both sign-ins when it has one, and none otherwise', async () => {
		const supabase = scriptedSupabase({ ...signUp, 'POST /auth/v1/otp': { body: {} } });
		const transport = await createSupabaseTransport(
			{ url: URL_BASE, anonKey: ANON_KEY },
			{ fetch: supabase.fetch }
		);
		await transport.signInAnonymously('turnstile-token-1');
		await transport.requestEmailSignIn('yijun@example.com', 'turnstile-token-2');
		await transport.requestEmailSignIn('yijun@example.com');
		await transport.signInAnonymously();
		const captcha = supabase.requests.map(
			(request) => (request.body as { gotrue_meta_security?: unknown }).gotrue_meta_security
		);
		expect(captcha).toEqual([
			{ captcha_token: 'turnstile-token-1' },
			{ captcha_token: 'turnstile-token-2' },
			{},
			{}
		]);
	});

	it('reports a wrong or expired code as a refusal with its Auth code', async () => {
		const supabase = scriptedSupabase({
			'POST /auth/v1/verify': {
				status: 403,
				body: { code: 403, error_code: 'otp_expired', msg: 'Token has expired or is invalid' }
			}
		});
		const transport = await createSupabaseTransport(
			{ url: URL_BASE, anonKey: ANON_KEY },
			{ fetch: supabase.fetch }
		);
		await expect(transport.confirmEmailSignIn('a@example.com', '000000')).rejects.toMatchObject({
			name: 'ServerRefusal',
			code: 'auth_otp_expired'
		});
	});

	it('signs out of this device only', async () => {
		const { transport, supabase } = await signedInTransport({
			'POST /auth/v1/logout': { status: 204 }
		});
		await transport.signOut();
		expect(supabase.requests.at(-1)?.path).toBe('/auth/v1/logout?scope=local');
		expect(await transport.account()).toBeNull();
	});

	it('deletes the account on the server, then forgets the session', async () => {
		const { transport, supabase } = await signedInTransport({
			'POST /rest/v1/rpc/delete_my_account': { status: 204 },
			'POST /auth/v1/logout': { status: 404, body: { error_code: 'user_not_found', msg: 'gone' } }
		});
		await transport.deleteAccount();
		expect(supabase.rpcs().map((r) => r.path)).toEqual(['/rest/v1/rpc/delete_my_account']);
		expect(await transport.account()).toBeNull();
	});

	it('counts an Auth server that cannot be reached as a network failure', async () => {
		// supabase-js logs the failed fetch itself.
		const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
		const supabase = scriptedSupabase({ 'POST /auth/v1/signup': 'network-down' });
		const transport = await createSupabaseTransport(
			{ url: URL_BASE, anonKey: ANON_KEY },
			{ fetch: supabase.fetch }
		);
		await expect(transport.signInAnonymously()).rejects.toBeInstanceOf(TransportFailure);
		expect(logged).toHaveBeenCalled();
		logged.mockRestore();
	});
});

describe('the RPCs', () => {
	const change: WireChange = { table: 'events', op: 'delete', row: { id: 'e1', updated_at: 'x' } };

	it('push as the signed-in user and read the results', async () => {
		const { transport, supabase } = await signedInTransport({
			'POST /rest/v1/rpc/sync_push': {
				body: {
					results: [
						{ index: 0, table: 'events', id: 'e1', status: 'applied' },
						{
							index: 1,
							table: 'events',
							id: 'e2',
							status: 'rejected',
							code: 'invalid_row',
							message: 'name'
						}
					]
				}
			}
		});
		const results = await transport.push([change, change]);
		expect(results).toEqual([
			{ index: 0, table: 'events', id: 'e1', status: 'applied' },
			{
				index: 1,
				table: 'events',
				id: 'e2',
				status: 'rejected',
				code: 'invalid_row',
				message: 'name'
			}
		]);
		const [request] = supabase.rpcs();
		expect(request?.body).toEqual({ changes: [change, change] });
		expect(request?.headers.get('apikey')).toBe(ANON_KEY);
		expect(request?.headers.get('authorization')).toBe(
			`Bearer ${signUp['POST /auth/v1/signup'].body.access_token}`
		);
		expect(request?.headers.get('authorization')).not.toContain(ANON_KEY);
	});

	it('pull a page by cursor', async () => {
		const row = { id: 'e1' };
		const { transport, supabase } = await signedInTransport({
			'POST /rest/v1/rpc/sync_pull': {
				body: { changes: [{ table: 'events', row }], cursor: '812:4', more: true }
			}
		});
		expect(await transport.pull('811:9', 200)).toEqual({
			changes: [{ table: 'events', row }],
			cursor: '812:4',
			more: true
		});
		expect(supabase.rpcs()[0]?.body).toEqual({ cursor: '811:9', page_size: 200 });
	});

	it('create and accept exchange tokens', async () => {
		const { transport, supabase } = await signedInTransport({
			'POST /rest/v1/rpc/create_exchange_token': {
				body: { token: 'AAAAAAAAAAAAAAAAAAAAAA', expires_at: '2026-11-21T04:30:00+00:00' }
			},
			'POST /rest/v1/rpc/accept_exchange': { body: { status: 'accepted' } }
		});
		expect(await transport.createExchangeToken('e1')).toEqual({
			token: 'AAAAAAAAAAAAAAAAAAAAAA',
			expiresAt: '2026-11-21T04:30:00+00:00'
		});
		await transport.acceptExchange('BBBBBBBBBBBBBBBBBBBBBB', { name: '林志明' });
		expect(supabase.rpcs().map((r) => r.body)).toEqual([
			{ event_id: 'e1' },
			{ token: 'BBBBBBBBBBBBBBBBBBBBBB', card: { name: '林志明' } }
		]);
	});

	it('turn an error raised on purpose into a refusal carrying its code', async () => {
		const { transport } = await signedInTransport({
			'POST /rest/v1/rpc/accept_exchange': {
				status: 400,
				body: { code: 'P0001', message: 'exchange_token_expired', details: null, hint: null }
			}
		});
		const refused = transport.acceptExchange('token', { name: 'x' });
		await expect(refused).rejects.toBeInstanceOf(ServerRefusal);
		await expect(refused).rejects.toMatchObject({ code: 'exchange_token_expired' });
	});

	it('treat an unreachable or failing server as a network failure', async () => {
		const down = await signedInTransport({ 'POST /rest/v1/rpc/sync_pull': 'network-down' });
		await expect(down.transport.pull(null)).rejects.toBeInstanceOf(TransportFailure);
		const failing = await signedInTransport({
			'POST /rest/v1/rpc/sync_pull': { status: 503, body: { code: 'PGRST002', message: 'busy' } }
		});
		await expect(failing.transport.pull(null)).rejects.toBeInstanceOf(TransportFailure);
	});

	it('refuse an answer of the wrong shape', async () => {
		const { transport } = await signedInTransport({
			'POST /rest/v1/rpc/sync_push': { body: { results: 'all good' } }
		});
		await expect(transport.push([change])).rejects.toMatchObject({ code: 'unknown' });
	});

	it('are not called at all without a session', async () => {
		const supabase = scriptedSupabase({});
		const transport = await createSupabaseTransport(
			{ url: URL_BASE, anonKey: ANON_KEY },
			{ fetch: supabase.fetch }
		);
		await expect(transport.push([change])).rejects.toMatchObject({ code: 'auth_session_missing' });
		expect(supabase.requests).toEqual([]);
	});
});

describe('the calls of features riding on the account', () => {
	it('call a database function by name, as the signed-in user', async () => {
		const { transport, supabase } = await signedInTransport({
			'POST /rest/v1/rpc/push_subscription_status': {
				body: { subscribed: true, last_sent_at: null, last_error: null }
			}
		});
		expect(
			await transport.call('push_subscription_status', { endpoint: 'https://push.example/1' })
		).toEqual({ subscribed: true, last_sent_at: null, last_error: null });
		const [request] = supabase.rpcs();
		expect(request?.body).toEqual({ endpoint: 'https://push.example/1' });
		expect(request?.headers.get('authorization')).toBe(
			`Bearer ${signUp['POST /auth/v1/signup'].body.access_token}`
		);
	});

	it('invoke an Edge Function with the JWT and the apikey, and read its JSON', async () => {
		const { transport, supabase } = await signedInTransport({
			'POST /functions/v1/send-reminders': { body: { sent: 1 } }
		});
		const body = { test: true, endpoint: 'https://push.example/1' };
		expect(await transport.invoke('send-reminders', body)).toEqual({ sent: 1 });
		const request = supabase.requests.find((r) => r.path === '/functions/v1/send-reminders');
		expect(request?.body).toEqual(body);
		expect(request?.headers.get('apikey')).toBe(ANON_KEY);
		expect(request?.headers.get('authorization')).toBe(
			`Bearer ${signUp['POST /auth/v1/signup'].body.access_token}`
		);
	});

	it("read an Edge Function's error code as a refusal, and a dead network as a failure", async () => {
		const { transport } = await signedInTransport({
			'POST /functions/v1/send-reminders': { status: 404, body: { error: 'no_subscription' } },
			'POST /functions/v1/other': 'network-down'
		});
		await expect(transport.invoke('send-reminders', {})).rejects.toMatchObject({
			code: 'no_subscription'
		});
		await expect(transport.invoke('other', {})).rejects.toBeInstanceOf(TransportFailure);
	});

	it('never call without a session', async () => {
		const supabase = scriptedSupabase({});
		const transport = await createSupabaseTransport(
			{ url: URL_BASE, anonKey: ANON_KEY },
			{ fetch: supabase.fetch }
		);
		await expect(transport.invoke('send-reminders', {})).rejects.toMatchObject({
			code: 'auth_session_missing'
		});
		await expect(transport.call('push_subscription_status', {})).rejects.toMatchObject({
			code: 'auth_session_missing'
		});
		expect(supabase.requests).toEqual([]);
	});
});

describe('error mapping', () => {
	it("reads an Edge Function's answer", async () => {
		const httpError = (status: number, body: unknown) => ({
			name: 'FunctionsHttpError',
			message: 'Edge Function returned a non-2xx status code',
			context: new Response(JSON.stringify(body), { status })
		});
		expect(await functionFailure(httpError(502, { error: 'push_failed' }))).toMatchObject({
			code: 'push_failed'
		});
		expect(await functionFailure(httpError(401, { msg: 'bad jwt' }))).toMatchObject({
			code: 'auth_bad_jwt'
		});
		expect(await functionFailure(httpError(500, 'oops'))).toBeInstanceOf(TransportFailure);
		expect(await functionFailure(httpError(400, null))).toMatchObject({ code: 'http_400' });
		expect(
			await functionFailure({ name: 'FunctionsFetchError', message: 'Failed to send' })
		).toBeInstanceOf(TransportFailure);
		expect(
			await functionFailure({ name: 'FunctionsRelayError', message: 'Relay Error' })
		).toBeInstanceOf(TransportFailure);
	});

	it('tells retryable failures from refusals', () => {
		const error = (code: string, message = '') => ({ code, message });
		expect(rpcFailure(error(''), 0)).toBeInstanceOf(TransportFailure);
		expect(rpcFailure(error('PGRST000'), 503)).toBeInstanceOf(TransportFailure);
		expect(rpcFailure(error('57014'), 500)).toBeInstanceOf(TransportFailure);
		expect(rpcFailure(error('P0001', 'sync_batch_invalid'), 400)).toMatchObject({
			code: 'sync_batch_invalid'
		});
		expect(rpcFailure(error('PGRST303', 'JWT expired'), 401)).toMatchObject({
			code: 'auth_bad_jwt'
		});
		expect(rpcFailure(error('PGRST202', 'no such function'), 404)).toMatchObject({
			code: 'PGRST202'
		});
		expect(rpcFailure(error(''), 418)).toMatchObject({ code: 'http_418' });
	});

	it('names Auth refusals after their Auth code', () => {
		const authError = (name: string, status: number, code?: string) =>
			Object.assign(new Error('auth'), { name, status, code }) as Parameters<typeof authFailure>[0];
		expect(authFailure(authError('AuthRetryableFetchError', 0))).toBeInstanceOf(TransportFailure);
		expect(authFailure(authError('AuthApiError', 500, 'unexpected_failure'))).toBeInstanceOf(
			TransportFailure
		);
		expect(authFailure(authError('AuthSessionMissingError', 400))).toMatchObject({
			code: 'auth_session_missing'
		});
		expect(authFailure(authError('AuthApiError', 429, 'over_email_send_rate_limit'))).toMatchObject(
			{
				code: 'auth_over_email_send_rate_limit'
			}
		);
	});
});

describe('the request timeout', () => {
	it('aborts a request that does not answer in time', async () => {
		const hanging: typeof fetch = (_input, init) =>
			new Promise((_resolve, reject) => {
				init?.signal?.addEventListener('abort', () => reject(init.signal?.reason));
			});
		const started = Date.now();
		await expect(fetchWithTimeout(hanging, 30)('https://example.com')).rejects.toMatchObject({
			name: 'TimeoutError'
		});
		expect(Date.now() - started).toBeLessThan(2_000);
	});

	it('still honours the caller’s own abort', async () => {
		const hanging: typeof fetch = (_input, init) =>
			new Promise((_resolve, reject) => {
				init?.signal?.addEventListener('abort', () => reject(new Error('aborted by caller')));
			});
		const controller = new AbortController();
		const request = fetchWithTimeout(hanging, 60_000)('https://example.com', {
			signal: controller.signal
		});
		controller.abort();
		await expect(request).rejects.toThrow('aborted by caller');
	});
});
