import * as z from 'zod/mini';
import type { AuthError, User, WebSocketLikeConstructor } from '@supabase/supabase-js';
import {
	ServerRefusal,
	TransportFailure,
	type PullPage,
	type PushResult,
	type SyncTransport
} from './transport';
import type { Account } from '$lib/domain/sync/status';

// SyncTransport over supabase-js: Supabase Auth for the account, PostgREST RPCs for the rest
// (docs/sync.md). Imported only once sync is on; supabase-js itself is imported dynamically below,
// so neither ever weighs on the first load.

/** A request that has not answered by then is treated as a network failure and retried later. */
export const REQUEST_TIMEOUT_MS = 15_000;

export interface SupabaseTransportOptions {
	fetch?: typeof fetch;
	/** Where the session is kept (localStorage in the browser, memory elsewhere). */
	storageKey?: string;
}

/** Aborts a request (and the reading of its body) that takes longer than `ms`. */
export function fetchWithTimeout(fetchImpl: typeof fetch, ms: number): typeof fetch {
	return (input, init) => {
		const timeout = AbortSignal.timeout(ms);
		const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
		return fetchImpl(input, { ...init, signal });
	};
}

// This app never opens a realtime channel, but supabase-js builds its realtime client eagerly and,
// on Node before 22 (where the sync tests run it), refuses to without a WebSocket implementation.
// Browsers have WebSocket, so they never see this.
const realtimeUnused = function () {
	throw new Error('Rapport does not use Supabase Realtime');
} as unknown as WebSocketLikeConstructor;

const pushAnswerSchema = z.object({
	results: z.array(
		z.object({
			index: z.number(),
			table: z.string(),
			id: z.nullish(z.string()),
			status: z.enum(['applied', 'stale', 'deferred', 'rejected']),
			code: z.nullish(z.string()),
			message: z.nullish(z.string()),
			row: z.optional(z.unknown())
		})
	)
});

const pullAnswerSchema = z.object({
	changes: z.array(z.object({ table: z.string(), row: z.unknown() })),
	cursor: z.nullish(z.string()),
	more: z.boolean()
});

const tokenAnswerSchema = z.object({ token: z.string(), expires_at: z.string() });

interface RpcError {
	code: string;
	message: string;
}

/** The server answered, or did not: what the engine and the screens should make of it. */
export function rpcFailure(error: RpcError, status: number): Error {
	// No answer (status 0: the fetch failed or timed out), or the server or its database is down.
	if (status === 0 || status === 408 || status >= 500) {
		return new TransportFailure(error.message, { cause: error });
	}
	if (error.code === 'P0001') return new ServerRefusal(error.message);
	// PGRST301–303: the JWT is missing, malformed or expired, which supabase-js would have
	// refreshed if it could: the session is gone.
	if (status === 401 || /^PGRST30\d$/.test(error.code)) {
		return new ServerRefusal('auth_bad_jwt', error.message);
	}
	return new ServerRefusal(error.code || `http_${status}`, error.message);
}

export function authFailure(error: AuthError): Error {
	if (error.name === 'AuthRetryableFetchError' || (error.status ?? 0) >= 500) {
		return new TransportFailure(error.message, { cause: error });
	}
	if (error.name === 'AuthSessionMissingError') {
		return new ServerRefusal('auth_session_missing', error.message);
	}
	return new ServerRefusal(`auth_${error.code ?? 'unknown'}`, error.message);
}

/**
 * An Edge Function's failure: its `{ "error": code }` answer as a refusal, or the network or the
 * server failing. supabase-js hands the HTTP answer over as the error's `context`.
 */
export async function functionFailure(error: {
	name: string;
	message: string;
	context?: unknown;
}): Promise<Error> {
	if (error.name !== 'FunctionsHttpError' || !(error.context instanceof Response)) {
		return new TransportFailure(error.message, { cause: error });
	}
	const status = error.context.status;
	const answer: unknown = await error.context.json().catch(() => null);
	const code =
		answer && typeof answer === 'object' && 'error' in answer && typeof answer.error === 'string'
			? answer.error
			: null;
	if (status === 401) return new ServerRefusal('auth_bad_jwt', error.message);
	if (code) return new ServerRefusal(code, error.message);
	if (status === 408 || status >= 500) return new TransportFailure(error.message, { cause: error });
	return new ServerRefusal(`http_${status}`, error.message);
}

function accountOf(user: User): Account {
	return {
		userId: user.id,
		// While a change is unconfirmed the new address is `new_email`; `email` stays empty.
		email: user.email || null,
		isAnonymous: user.is_anonymous ?? false
	};
}

export async function createSupabaseTransport(
	config: { url: string; anonKey: string },
	options: SupabaseTransportOptions = {}
): Promise<SyncTransport> {
	const { createClient } = await import('@supabase/supabase-js');
	const client = createClient(config.url, config.anonKey, {
		global: { fetch: fetchWithTimeout(options.fetch ?? fetch, REQUEST_TIMEOUT_MS) },
		auth: {
			persistSession: true,
			autoRefreshToken: true,
			// Sign-in is by one-time code, never by a link, and the card links carry a fragment of
			// their own that must not be mistaken for a session.
			detectSessionInUrl: false,
			...(options.storageKey ? { storageKey: options.storageKey } : {})
		},
		...(typeof WebSocket === 'undefined' ? { realtime: { transport: realtimeUnused } } : {})
	});

	function unexpected(what: string): ServerRefusal {
		return new ServerRefusal('unknown', `Unexpected answer from ${what}`);
	}

	/** Fails fast without a session instead of calling as `anon`, which may call nothing. */
	async function requireSession(): Promise<void> {
		const { data, error } = await client.auth.getSession();
		if (error) throw authFailure(error);
		if (!data.session) throw new ServerRefusal('auth_session_missing');
	}

	async function rpc(name: string, args?: Record<string, unknown>): Promise<unknown> {
		await requireSession();
		const { data, error, status } = await client.rpc(name, args);
		if (error) throw rpcFailure(error, status);
		return data as unknown;
	}

	async function signedIn(
		answer: Promise<{ data: { user: User | null }; error: AuthError | null }>,
		what: string
	): Promise<Account> {
		const { data, error } = await answer;
		if (error) throw authFailure(error);
		if (!data.user) throw unexpected(what);
		return accountOf(data.user);
	}

	async function done(answer: Promise<{ error: AuthError | null }>): Promise<void> {
		const { error } = await answer;
		if (error) throw authFailure(error);
	}

	return {
		async account() {
			const { data, error } = await client.auth.getSession();
			if (error) throw authFailure(error);
			return data.session ? accountOf(data.session.user) : null;
		},
		signInAnonymously: (captchaToken) =>
			signedIn(
				client.auth.signInAnonymously(captchaToken ? { options: { captchaToken } } : undefined),
				'signInAnonymously'
			),
		linkEmail: (email) => done(client.auth.updateUser({ email })),
		async confirmLinkEmail(email, code) {
			const { data, error } = await client.auth.verifyOtp({
				email,
				token: code,
				type: 'email_change'
			});
			if (error) throw authFailure(error);
			if (data.user) return accountOf(data.user);
			// With "secure email change" a first confirmation answers without a user: the account
			// is as it was until the second one.
			return signedIn(client.auth.getUser(), 'getUser');
		},
		requestEmailSignIn: (email, captchaToken) =>
			done(
				client.auth.signInWithOtp({
					email,
					options: { shouldCreateUser: false, ...(captchaToken ? { captchaToken } : {}) }
				})
			),
		confirmEmailSignIn: (email, code) =>
			signedIn(client.auth.verifyOtp({ email, token: code, type: 'email' }), 'verifyOtp'),
		// Local scope: other devices signed in to the same account stay signed in.
		signOut: () => done(client.auth.signOut({ scope: 'local' })),
		async deleteAccount() {
			await rpc('delete_my_account');
			await done(client.auth.signOut({ scope: 'local' }));
		},
		async push(changes) {
			const answer = pushAnswerSchema.safeParse(await rpc('sync_push', { changes }));
			if (!answer.success) throw unexpected('sync_push');
			return answer.data.results.map(
				({ index, table, id, status, code, message, row }): PushResult => ({
					index,
					table,
					id: id ?? null,
					status,
					...(code ? { code } : {}),
					...(message ? { message } : {}),
					...(row !== undefined && row !== null ? { row } : {})
				})
			);
		},
		async pull(cursor, pageSize = 500): Promise<PullPage> {
			const answer = pullAnswerSchema.safeParse(
				await rpc('sync_pull', { cursor, page_size: pageSize })
			);
			if (!answer.success) throw unexpected('sync_pull');
			return {
				changes: answer.data.changes,
				cursor: answer.data.cursor ?? null,
				more: answer.data.more
			};
		},
		async createExchangeToken(eventId, options) {
			const answer = tokenAnswerSchema.safeParse(
				await rpc('create_exchange_token', {
					event_id: eventId,
					...(options?.revokeOthers ? { revoke_others: true } : {})
				})
			);
			if (!answer.success) throw unexpected('create_exchange_token');
			return { token: answer.data.token, expiresAt: answer.data.expires_at };
		},
		async acceptExchange(token, card) {
			await rpc('accept_exchange', { token, card });
		},
		call: (name, args) => rpc(name, args),
		async invoke(name, body) {
			await requireSession();
			const { data, error } = await client.functions.invoke(name, { body });
			if (error) throw await functionFailure(error);
			return data as unknown;
		}
	};
}
