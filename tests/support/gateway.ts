// TEST-ONLY FIXTURE, NEVER DEPLOYED. Production talks to real Supabase (GoTrue behind Kong, and
// PostgREST); this file exists because the real stack needs Docker, which the test machines do not
// have (DESIGN.md, "Testing Supabase without Docker").
//
// A small HTTP server that answers the part of the Supabase API the app's supabase-js client uses,
// against the throwaway PostgreSQL cluster of the tests:
// - Auth (GoTrue): anonymous sign-up, refresh-token grant, get / update user (linking an email with
//   a one-time code), email one-time codes for existing accounts, verify, logout. Users are rows of
//   the real auth.users table; sessions, refresh tokens and codes live in memory. Nothing is
//   mailed: a test reads the code with otpFor(email).
// - PostgREST: `POST /rest/v1/rpc/<fn>` only. The JWT is verified as PostgREST does (HS256, exp
//   with its 30 s leeway, role claim), then the function runs in one transaction as PostgREST runs
//   it: connected as `authenticator`, `role` and `request.jwt.claims` set transaction-locally,
//   arguments by name through json_to_record, errors mapped to PostgREST's statuses and bodies.
// - Kong: every request needs an `apikey` header holding the anon or the service key.
// - Faults, for the sync engine's tests: a seeded share of requests is dropped after running,
//   delayed, failed without running, or run twice.
//
// Deliberately not served: table endpoints, email/password or phone sign-up, creating an account
// from an email code, rate limits, PKCE. Those answer with an error, never a pretend success.
import type { WebSocketLikeConstructor } from '@supabase/supabase-js';
import { projectKeys, signJwt } from './supabase-keys.mjs';
import { createHmac, randomBytes, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';

export type FaultKind = 'drop' | 'delay' | 'fail' | 'duplicate';

export const FAULT_KINDS: readonly FaultKind[] = ['drop', 'delay', 'fail', 'duplicate'];

export interface GatewayFaults {
	/** Probability, from 0 to 1, that a request in scope gets a fault. */
	rate: number;
	/** Seeds the generator that picks the faulted requests, their kinds and delays. Default 1. */
	seed?: number;
	/** The kinds to pick from, evenly. Default: all four. */
	kinds?: FaultKind[];
	/** `rpc` (default): only `POST /rest/v1/rpc/*` gets faults; `all`: auth requests too. */
	scope?: 'rpc' | 'all';
}

export interface GatewayOptions {
	/** A superuser connection (as `npm run test:db` provides). Auth reads and writes auth.users with it. */
	databaseUrl: string;
	/** Where RPCs connect, as PostgREST does. Default: databaseUrl with the user `authenticator`. */
	authenticatorUrl?: string;
	/** Default 0: any free port. */
	port?: number;
	/** Default 127.0.0.1. */
	host?: string;
	/** HS256 secret of every JWT. Default: 32 random bytes, hex. */
	jwtSecret?: string;
	/** Lifetime of issued access tokens. Default 3600, as Supabase. */
	accessTokenTtlSeconds?: number;
	/** Schemas callable through Content-Profile (PostgREST's db-schemas); the first is the default. */
	schemas?: string[];
	faults?: GatewayFaults | null;
}

export interface GatewayStats {
	/** Requests answered or dropped, CORS preflights not counted. */
	requests: number;
	faults: Record<FaultKind, number>;
}

export interface Gateway {
	/** Base URL to give createClient, e.g. `http://127.0.0.1:41234`. */
	url: string;
	/** A JWT with role `anon`: the project's publishable key. */
	anonKey: string;
	/** A JWT with role `service_role`, which bypasses RLS. */
	serviceKey: string;
	jwtSecret: string;
	/** The code last sent to this address (email change or sign-in) and not used yet. */
	otpFor(email: string): string | undefined;
	/** Replaces the fault settings; null turns faults off. The generator restarts from the seed. */
	setFaults(faults: GatewayFaults | null): void;
	/** A snapshot of the counters since start. */
	readonly stats: GatewayStats;
	/** Stops listening, waits for requests in progress, closes the database pools. */
	close(): Promise<void>;
}

/**
 * For supabase-js clients created in Node 20, which has no global WebSocket: createClient insists
 * on a realtime transport even when realtime is never used. This one refuses to open a socket.
 */
export const NO_REALTIME_TRANSPORT = class {
	constructor() {
		throw new Error('Realtime is not served by the test gateway.');
	}
} as unknown as WebSocketLikeConstructor;

type Claims = Record<string, unknown>;

type JwtCheck =
	| { valid: true; claims: Claims }
	| { valid: false; problem: 'malformed' | 'signature' | 'time'; message: string };

/** HS256 only, like a Supabase project with the legacy JWT secret. */
function verifyJwt(token: string, secret: string, leewaySeconds: number): JwtCheck {
	const parts = token.split('.');
	if (parts.length !== 3) {
		return {
			valid: false,
			problem: 'malformed',
			message: `Expected 3 parts in JWT; got ${parts.length}`
		};
	}
	const [header, payload, signature] = parts as [string, string, string];
	const headerJson = parseJsonObject(Buffer.from(header, 'base64url').toString('utf8'));
	const expected = createHmac('sha256', secret).update(`${header}.${payload}`).digest();
	const given = Buffer.from(signature, 'base64url');
	if (
		headerJson?.alg !== 'HS256' ||
		given.length !== expected.length ||
		!timingSafeEqual(given, expected)
	) {
		return { valid: false, problem: 'signature', message: 'JWSError JWSInvalidSignature' };
	}
	const claims = parseJsonObject(Buffer.from(payload, 'base64url').toString('utf8'));
	if (!claims)
		return { valid: false, problem: 'malformed', message: 'JWT claims are not a JSON object' };
	const now = Math.floor(Date.now() / 1000);
	for (const [claim, message] of [
		['exp', 'JWT expired'],
		['nbf', 'JWT not yet valid'],
		['iat', 'JWT issued at future']
	] as const) {
		const value = claims[claim];
		if (value === undefined) continue;
		if (typeof value !== 'number') {
			return {
				valid: false,
				problem: 'time',
				message: `The JWT '${claim}' claim must be a number`
			};
		}
		const late = claim === 'exp' ? now - leewaySeconds >= value : now + leewaySeconds < value;
		if (late) return { valid: false, problem: 'time', message };
	}
	return { valid: true, claims };
}

function asObject(value: unknown): Record<string, unknown> | null {
	return value !== null && typeof value === 'object' && !Array.isArray(value)
		? (value as Record<string, unknown>)
		: null;
}

function parseJsonObject(text: string): Record<string, unknown> | null {
	try {
		return asObject(JSON.parse(text));
	} catch {
		return null;
	}
}

/** mulberry32: small, seedable, and the same sequence on every run. */
export function seededRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

interface PickedFault {
	kind: FaultKind;
	delayMs: number;
}

function faultPicker(faults: GatewayFaults): () => PickedFault | null {
	const kinds = faults.kinds && faults.kinds.length > 0 ? faults.kinds : FAULT_KINDS;
	const random = seededRandom(faults.seed ?? 1);
	return () => {
		if (random() >= faults.rate) return null;
		const kind = kinds[Math.floor(random() * kinds.length)] ?? 'fail';
		return { kind, delayMs: kind === 'delay' ? 200 + Math.floor(random() * 601) : 0 };
	};
}

interface Reply {
	status: number;
	headers?: Record<string, string>;
	/** Sent as JSON; undefined sends no body. */
	body?: unknown;
}

/** Thrown anywhere below a route to answer with this reply. */
class Refusal extends Error {
	constructor(readonly reply: Reply) {
		super(`refused with ${reply.status}`);
	}
}

const CORS_HEADERS: Record<string, string> = {
	'access-control-allow-origin': '*',
	'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
	'access-control-allow-headers': [
		'apikey',
		'authorization',
		'content-type',
		'accept',
		'x-client-info',
		'x-supabase-api-version',
		'x-retry-count',
		'prefer',
		'accept-profile',
		'content-profile',
		'range'
	].join(', '),
	'access-control-expose-headers': 'content-range, x-supabase-api-version',
	'access-control-max-age': '600'
};

// PostgREST accepts tokens up to this many seconds past `exp` (and before `iat`/`nbf`).
const POSTGREST_CLOCK_SKEW_SECONDS = 30;
// GoTrue hands out the current token again when a rotated one comes back within this window
// (GOTRUE_SECURITY_REFRESH_TOKEN_REUSE_INTERVAL), so a refresh whose answer got lost is harmless.
const REFRESH_TOKEN_REUSE_INTERVAL_MS = 10_000;
// GOTRUE_MAILER_OTP_EXP
const OTP_LIFETIME_MS = 3_600_000;
const INSTANCE_ID = '00000000-0000-0000-0000-000000000000';
// A loose check, like GoTrue's: something@something.tld, no spaces.
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

interface UserRow {
	id: string;
	aud: string | null;
	role: string | null;
	email: string | null;
	is_anonymous: boolean;
	raw_app_meta_data: Record<string, unknown> | null;
	raw_user_meta_data: Record<string, unknown> | null;
	created_at: Date;
	updated_at: Date;
}

const USER_COLUMNS =
	'id, aud, role, email, is_anonymous, raw_app_meta_data, raw_user_meta_data, created_at, updated_at';

interface Session {
	id: string;
	userId: string;
	activeRefreshToken: string;
	amr: { method: string; timestamp: number };
}

interface RefreshTokenRecord {
	sessionId: string;
	revokedAt: number | null;
	/** The token that replaced this one. */
	successor: string | null;
}

interface PendingCode {
	code: string;
	type: 'email' | 'email_change';
	userId: string;
	expiresAt: number;
}

interface RoutineArgument {
	name: string;
	type: string;
	hasDefault: boolean;
}

interface Routine {
	returnsSet: boolean;
	returnsVoid: boolean;
	args: RoutineArgument[];
}

export async function startGateway(options: GatewayOptions): Promise<Gateway> {
	const jwtSecret = options.jwtSecret ?? randomBytes(32).toString('hex');
	const accessTokenTtl = options.accessTokenTtlSeconds ?? 3600;
	const schemas = options.schemas ?? ['public'];
	const admin = new pg.Pool({ connectionString: options.databaseUrl, max: 4 });
	const authenticatorUrl = new URL(options.authenticatorUrl ?? options.databaseUrl);
	if (!options.authenticatorUrl) {
		authenticatorUrl.username = 'authenticator';
		authenticatorUrl.password = '';
	}
	const postgrest = new pg.Pool({ connectionString: authenticatorUrl.toString(), max: 8 });
	// An idle client losing its connection must not crash the test process.
	admin.on('error', () => undefined);
	postgrest.on('error', () => undefined);

	const { anonKey, serviceKey } = projectKeys(jwtSecret);

	const sessions = new Map<string, Session>();
	const refreshTokens = new Map<string, RefreshTokenRecord>();
	const pendingCodes = new Map<string, PendingCode>();
	const pendingEmailChanges = new Map<string, { email: string; sentAt: Date }>();
	const routines = new Map<string, Routine[]>();

	let faults: GatewayFaults | null = options.faults ?? null;
	let pickFault = faults ? faultPicker(faults) : null;
	const stats: GatewayStats = {
		requests: 0,
		faults: { drop: 0, delay: 0, fail: 0, duplicate: 0 }
	};
	let baseUrl = '';

	// ---------- Auth (GoTrue) ----------

	/** GoTrue's error body: the 2024-01-01 shape when the client asks for it, as auth-js does. */
	function authError(req: IncomingMessage, status: number, code: string, message: string): Refusal {
		const version = req.headers['x-supabase-api-version'];
		const modern = typeof version === 'string' && version >= '2024-01-01';
		return new Refusal({
			status,
			headers: modern ? { 'x-supabase-api-version': '2024-01-01' } : {},
			body: modern ? { code, message } : { code: status, error_code: code, msg: message }
		});
	}

	function userJson(user: UserRow): Record<string, unknown> {
		const pending = pendingEmailChanges.get(user.id);
		return {
			id: user.id,
			aud: user.aud ?? 'authenticated',
			role: user.role ?? 'authenticated',
			email: user.email ?? '',
			phone: '',
			...(pending
				? { new_email: pending.email, email_change_sent_at: pending.sentAt.toISOString() }
				: {}),
			app_metadata: user.raw_app_meta_data ?? {},
			user_metadata: user.raw_user_meta_data ?? {},
			identities: [],
			created_at: user.created_at.toISOString(),
			updated_at: user.updated_at.toISOString(),
			is_anonymous: user.is_anonymous
		};
	}

	async function findUser(id: string): Promise<UserRow | undefined> {
		const { rows } = await admin.query<UserRow>(
			`select ${USER_COLUMNS} from auth.users where id = $1`,
			[id]
		);
		return rows[0];
	}

	async function findUserByEmail(email: string): Promise<UserRow | undefined> {
		const { rows } = await admin.query<UserRow>(
			`select ${USER_COLUMNS} from auth.users where lower(email) = $1`,
			[email]
		);
		return rows[0];
	}

	function newRefreshToken(sessionId: string): string {
		const token = randomBytes(12).toString('base64url');
		refreshTokens.set(token, { sessionId, revokedAt: null, successor: null });
		return token;
	}

	function dropSession(sessionId: string): void {
		sessions.delete(sessionId);
		for (const [token, record] of refreshTokens) {
			if (record.sessionId === sessionId) refreshTokens.delete(token);
		}
	}

	function sessionJson(user: UserRow, session: Session): Record<string, unknown> {
		const iat = Math.floor(Date.now() / 1000);
		const exp = iat + accessTokenTtl;
		const accessToken = signJwt(
			{
				aud: 'authenticated',
				exp,
				iat,
				iss: `${baseUrl}/auth/v1`,
				sub: user.id,
				email: user.email ?? '',
				phone: '',
				app_metadata: user.raw_app_meta_data ?? {},
				user_metadata: user.raw_user_meta_data ?? {},
				role: 'authenticated',
				aal: 'aal1',
				amr: [session.amr],
				session_id: session.id,
				is_anonymous: user.is_anonymous
			},
			jwtSecret
		);
		return {
			access_token: accessToken,
			token_type: 'bearer',
			expires_in: accessTokenTtl,
			expires_at: exp,
			refresh_token: session.activeRefreshToken,
			user: userJson(user)
		};
	}

	function startSession(user: UserRow, method: string): Record<string, unknown> {
		const id = randomUUID();
		const session: Session = {
			id,
			userId: user.id,
			activeRefreshToken: newRefreshToken(id),
			amr: { method, timestamp: Math.floor(Date.now() / 1000) }
		};
		sessions.set(id, session);
		return sessionJson(user, session);
	}

	/** The caller of an endpoint that needs a signed-in user, checked as GoTrue does. */
	async function authenticatedCaller(
		req: IncomingMessage
	): Promise<{ user: UserRow; session: Session }> {
		const token = bearerToken(req);
		if (!token) {
			throw authError(req, 401, 'no_authorization', 'This endpoint requires a valid Bearer token');
		}
		const check = verifyJwt(token, jwtSecret, 0);
		if (!check.valid) {
			throw authError(
				req,
				403,
				'bad_jwt',
				`invalid JWT: unable to parse or verify signature, ${check.message}`
			);
		}
		const { sub, session_id: sessionId } = check.claims;
		if (typeof sub !== 'string' || sub === '') {
			throw authError(req, 403, 'bad_jwt', 'invalid claim: missing sub claim');
		}
		const user = await findUser(sub);
		if (!user) {
			throw authError(req, 403, 'user_not_found', 'User from sub claim in JWT does not exist');
		}
		const session = typeof sessionId === 'string' ? sessions.get(sessionId) : undefined;
		if (!session || session.userId !== user.id) {
			throw authError(
				req,
				403,
				'session_not_found',
				'Session from session_id claim in JWT does not exist'
			);
		}
		return { user, session };
	}

	function emailFrom(req: IncomingMessage, value: unknown): string {
		const email = typeof value === 'string' ? value.trim().toLowerCase() : '';
		if (!EMAIL_PATTERN.test(email)) {
			throw authError(
				req,
				400,
				'validation_failed',
				'Unable to validate email address: invalid format'
			);
		}
		return email;
	}

	function sendCode(email: string, type: PendingCode['type'], userId: string): void {
		pendingCodes.set(email, {
			code: String(randomInt(0, 1_000_000)).padStart(6, '0'),
			type,
			userId,
			expiresAt: Date.now() + OTP_LIFETIME_MS
		});
	}

	async function signUp(req: IncomingMessage, body: Claims): Promise<Reply> {
		if (body.email !== undefined || body.phone !== undefined || body.password !== undefined) {
			throw authError(req, 422, 'signup_disabled', 'Signups not allowed for this instance');
		}
		const data = asObject(body.data) ?? {};
		const { rows } = await admin.query<UserRow>(
			`insert into auth.users (instance_id, aud, role, raw_app_meta_data, raw_user_meta_data, is_anonymous)
			values ($1, 'authenticated', 'authenticated', '{}', $2, true)
			returning ${USER_COLUMNS}`,
			[INSTANCE_ID, data]
		);
		return { status: 200, body: startSession(rows[0]!, 'anonymous') };
	}

	async function refresh(req: IncomingMessage, url: URL, body: Claims): Promise<Reply> {
		if (url.searchParams.get('grant_type') !== 'refresh_token') {
			throw authError(req, 400, 'invalid_credentials', 'unsupported_grant_type');
		}
		const notFound = () =>
			authError(
				req,
				400,
				'refresh_token_not_found',
				'Invalid Refresh Token: Refresh Token Not Found'
			);
		const token = typeof body.refresh_token === 'string' ? body.refresh_token : '';
		const record = refreshTokens.get(token);
		const session = record ? sessions.get(record.sessionId) : undefined;
		if (!record || !session) throw notFound();
		const user = await findUser(session.userId);
		if (!user) {
			dropSession(session.id);
			throw notFound();
		}
		if (record.revokedAt !== null) {
			const reuse =
				Date.now() - record.revokedAt <= REFRESH_TOKEN_REUSE_INTERVAL_MS &&
				record.successor === session.activeRefreshToken;
			if (!reuse) {
				dropSession(session.id);
				throw authError(
					req,
					400,
					'refresh_token_already_used',
					'Invalid Refresh Token: Already Used'
				);
			}
			return { status: 200, body: sessionJson(user, session) };
		}
		const successor = newRefreshToken(session.id);
		record.revokedAt = Date.now();
		record.successor = successor;
		session.activeRefreshToken = successor;
		return { status: 200, body: sessionJson(user, session) };
	}

	async function updateUser(req: IncomingMessage, body: Claims): Promise<Reply> {
		const { user } = await authenticatedCaller(req);
		let updated = user;
		if (body.data !== undefined) {
			const data = asObject(body.data);
			if (!data) throw authError(req, 400, 'validation_failed', 'data must be an object');
			const { rows } = await admin.query<UserRow>(
				`update auth.users
				set raw_user_meta_data = coalesce(raw_user_meta_data, '{}') || $2, updated_at = now()
				where id = $1
				returning ${USER_COLUMNS}`,
				[user.id, data]
			);
			updated = rows[0]!;
		}
		if (body.password !== undefined || body.phone !== undefined) {
			throw authError(
				req,
				422,
				'validation_failed',
				'The test gateway only updates email and data'
			);
		}
		if (body.email !== undefined) {
			const email = emailFrom(req, body.email);
			if (email !== updated.email?.toLowerCase()) {
				const holder = await findUserByEmail(email);
				if (holder && holder.id !== user.id) {
					throw authError(
						req,
						422,
						'email_exists',
						'A user with this email address has already been registered'
					);
				}
				pendingEmailChanges.set(user.id, { email, sentAt: new Date() });
				sendCode(email, 'email_change', user.id);
			}
		}
		return { status: 200, body: userJson(updated) };
	}

	async function requestCode(req: IncomingMessage, body: Claims): Promise<Reply> {
		if (body.phone !== undefined) {
			throw authError(req, 400, 'phone_provider_disabled', 'Unsupported phone provider');
		}
		const email = emailFrom(req, body.email);
		const user = await findUserByEmail(email);
		if (!user) {
			// GoTrue's answer when create_user is false; the gateway never creates accounts from
			// an email, so it answers the same way when create_user is true.
			throw body.create_user === false
				? authError(req, 422, 'otp_disabled', 'Signups not allowed for otp')
				: authError(req, 422, 'signup_disabled', 'Signups not allowed for this instance');
		}
		sendCode(email, 'email', user.id);
		return { status: 200, body: {} };
	}

	async function verify(req: IncomingMessage, body: Claims): Promise<Reply> {
		const type =
			body.type === 'email' || body.type === 'magiclink'
				? 'email'
				: body.type === 'email_change'
					? 'email_change'
					: null;
		if (!type) {
			throw authError(
				req,
				400,
				'validation_failed',
				'The test gateway verifies only email and email_change codes'
			);
		}
		const email = emailFrom(req, body.email);
		const pending = pendingCodes.get(email);
		const expired = () => authError(req, 403, 'otp_expired', 'Token has expired or is invalid');
		if (
			!pending ||
			pending.type !== type ||
			pending.expiresAt < Date.now() ||
			typeof body.token !== 'string' ||
			body.token.length !== pending.code.length ||
			!timingSafeEqual(Buffer.from(body.token), Buffer.from(pending.code))
		) {
			throw expired();
		}
		pendingCodes.delete(email);
		if (type === 'email_change') {
			const holder = await findUserByEmail(email);
			if (holder && holder.id !== pending.userId) {
				throw authError(
					req,
					422,
					'email_exists',
					'A user with this email address has already been registered'
				);
			}
			pendingEmailChanges.delete(pending.userId);
			const { rows } = await admin.query<UserRow>(
				`update auth.users
				set email = $2, is_anonymous = false, updated_at = now(),
					raw_app_meta_data = coalesce(raw_app_meta_data, '{}')
						|| '{"provider": "email", "providers": ["email"]}'
				where id = $1
				returning ${USER_COLUMNS}`,
				[pending.userId, email]
			);
			if (!rows[0]) throw expired();
			return { status: 200, body: startSession(rows[0], 'otp') };
		}
		const user = await findUser(pending.userId);
		if (!user) throw expired();
		return { status: 200, body: startSession(user, 'otp') };
	}

	async function logout(req: IncomingMessage, url: URL): Promise<Reply> {
		const { user, session } = await authenticatedCaller(req);
		const scope = url.searchParams.get('scope') ?? 'global';
		for (const other of [...sessions.values()]) {
			if (other.userId !== user.id) continue;
			const thisOne = other.id === session.id;
			if (
				scope === 'global' ||
				(scope === 'local' && thisOne) ||
				(scope === 'others' && !thisOne)
			) {
				dropSession(other.id);
			}
		}
		return { status: 204 };
	}

	async function auth(req: IncomingMessage, url: URL, raw: string): Promise<Reply> {
		const route = `${req.method} ${url.pathname.slice('/auth/v1'.length)}`;
		let body: Claims = {};
		if (raw.trim() !== '') {
			const parsed = parseJsonObject(raw);
			if (!parsed) {
				throw authError(req, 400, 'bad_json', 'Could not parse request body as JSON');
			}
			body = parsed;
		}
		switch (route) {
			case 'POST /signup':
				return signUp(req, body);
			case 'POST /token':
				return refresh(req, url, body);
			case 'GET /user':
				return { status: 200, body: userJson((await authenticatedCaller(req)).user) };
			case 'PUT /user':
				return updateUser(req, body);
			case 'POST /otp':
				return requestCode(req, body);
			case 'POST /verify':
				return verify(req, body);
			case 'POST /logout':
				return logout(req, url);
			default:
				throw authError(req, 404, 'not_found', `The test gateway does not serve ${route}`);
		}
	}

	// ---------- PostgREST ----------

	function postgrestError(
		status: number,
		code: string,
		message: string,
		details: string | null = null,
		hint: string | null = null,
		headers: Record<string, string> = {}
	): Refusal {
		return new Refusal({ status, headers, body: { code, details, hint, message } });
	}

	async function lookUpRoutines(schema: string, name: string): Promise<Routine[]> {
		const key = `${schema}.${name}`;
		const cached = routines.get(key);
		if (cached) return cached;
		const client = await admin.connect();
		try {
			await client.query('begin');
			// An empty search_path makes format_type qualify every type outside pg_catalog.
			await client.query("set local search_path = ''");
			const { rows } = await client.query<Routine>(
				`select
					p.proretset as "returnsSet",
					p.prorettype = 'pg_catalog.void'::pg_catalog.regtype as "returnsVoid",
					coalesce((
						select pg_catalog.json_agg(pg_catalog.json_build_object(
							'name', coalesce(a.name, ''),
							'type', pg_catalog.format_type(a.type, null),
							'hasDefault', a.position > p.pronargs - p.pronargdefaults
						) order by a.position)
						from (
							select t.name, t.type, row_number() over (order by t.ord) as position
							from unnest(
								coalesce(p.proallargtypes, p.proargtypes::pg_catalog.oid[]),
								coalesce(p.proargmodes, pg_catalog.array_fill('i'::"char", array[p.pronargs::int])),
								p.proargnames
							) with ordinality as t(type, mode, name, ord)
							where t.mode in ('i', 'b', 'v')
						) a
					), '[]') as args
				from pg_catalog.pg_proc p
				join pg_catalog.pg_namespace n on n.oid = p.pronamespace
				where n.nspname = $1 and p.proname = $2 and p.prokind = 'f'`,
				[schema, name]
			);
			await client.query('commit');
			// Only found functions are cached, so one created after start is still found.
			if (rows.length > 0) routines.set(key, rows);
			return rows;
		} catch (error) {
			await client.query('rollback').catch(() => undefined);
			throw error;
		} finally {
			client.release();
		}
	}

	function requestRole(req: IncomingMessage): { role: string; claims: Claims } {
		const token = bearerToken(req);
		if (!token) return { role: 'anon', claims: { role: 'anon' } };
		const check = verifyJwt(token, jwtSecret, POSTGREST_CLOCK_SKEW_SECONDS);
		if (!check.valid) {
			const code = check.problem === 'time' ? 'PGRST303' : 'PGRST301';
			throw postgrestError(401, code, check.message, null, null, {
				'www-authenticate': `Bearer error="invalid_token", error_description="${check.message}"`
			});
		}
		const role = check.claims.role;
		return { role: typeof role === 'string' && role !== '' ? role : 'anon', claims: check.claims };
	}

	async function rpc(req: IncomingMessage, url: URL, raw: string): Promise<Reply> {
		if (req.method !== 'POST') {
			throw postgrestError(
				405,
				'PGRST117',
				`Unsupported HTTP method: ${req.method}`,
				'The test gateway calls functions with POST only'
			);
		}
		const { role, claims } = requestRole(req);
		const profile = req.headers['content-profile'];
		const schema = typeof profile === 'string' ? profile : schemas[0]!;
		if (!schemas.includes(schema)) {
			throw postgrestError(
				406,
				'PGRST106',
				`The schema must be one of the following: ${schemas.join(', ')}`
			);
		}
		let args: Claims = {};
		if (raw.trim() !== '') {
			const parsed = parseJsonObject(raw);
			if (!parsed) {
				throw postgrestError(
					400,
					'PGRST102',
					'Empty or invalid json',
					'The test gateway takes named arguments as one JSON object'
				);
			}
			args = parsed;
		}
		const name = decodeURIComponent(url.pathname.slice('/rest/v1/rpc/'.length));
		const keys = Object.keys(args);
		const candidates = (await lookUpRoutines(schema, name)).filter(
			(routine) =>
				routine.args.every((arg) => arg.name !== '') &&
				keys.every((key) => routine.args.some((arg) => arg.name === key)) &&
				routine.args.every((arg) => arg.hasDefault || keys.includes(arg.name))
		);
		const routine = candidates[0];
		if (!routine) {
			const listed = [...keys].sort().join(', ');
			throw postgrestError(
				404,
				'PGRST202',
				`Could not find the function ${schema}.${name}(${listed}) in the schema cache`,
				`Searched for the function ${schema}.${name} with parameter${keys.length === 1 ? '' : 's'} ${listed || 'none'}, but no matches were found in the schema cache.`
			);
		}
		if (candidates.length > 1) {
			throw postgrestError(
				300,
				'PGRST203',
				`Could not choose the best candidate function between: ${candidates
					.map(
						(c) => `${schema}.${name}(${c.args.map((a) => `${a.name} => ${a.type}`).join(', ')})`
					)
					.join(', ')}`
			);
		}

		// As PostgREST: the body becomes a typed record, and the function is called by name.
		const given = routine.args.filter((arg) => keys.includes(arg.name));
		const call = `${quoteIdent(schema)}.${quoteIdent(name)}(${given
			.map((arg) => `${quoteIdent(arg.name)} => body.${quoteIdent(arg.name)}`)
			.join(', ')})`;
		const record =
			given.length > 0
				? `pg_catalog.json_to_record($1::pg_catalog.json) as body(${given
						.map((arg) => `${quoteIdent(arg.name)} ${arg.type}`)
						.join(', ')})`
				: null;
		const from = record ? ` from ${record}` : '';
		const sql = routine.returnsSet
			? `select coalesce(pg_catalog.json_agg(r), '[]') as result from ${record ? `${record} cross join lateral ` : ''}${call} as r`
			: routine.returnsVoid
				? `select ${call}${from}`
				: `select pg_catalog.to_json(${call}) as result${from}`;
		const params = record ? [JSON.stringify(args)] : [];

		const headers = Object.fromEntries(
			Object.entries(req.headers).filter(([, value]) => typeof value === 'string')
		);
		const client = await postgrest.connect().catch((error: unknown) => {
			throw postgrestError(503, 'PGRST001', `Database client error: ${String(error)}`);
		});
		try {
			await client.query('begin');
			await client.query(
				`select
					pg_catalog.set_config('search_path', $1, true),
					pg_catalog.set_config('role', $2, true),
					pg_catalog.set_config('request.jwt.claims', $3, true),
					pg_catalog.set_config('request.method', 'POST', true),
					pg_catalog.set_config('request.path', $4, true),
					pg_catalog.set_config('request.headers', $5, true)`,
				[
					`${quoteIdent(schema)}, extensions`,
					role,
					JSON.stringify(claims),
					url.pathname.slice('/rest/v1'.length),
					JSON.stringify(headers)
				]
			);
			const { rows } = await client.query<{ result: unknown }>(sql, params);
			await client.query('commit');
			client.release();
			return routine.returnsVoid ? { status: 204 } : { status: 200, body: rows[0]?.result ?? null };
		} catch (error) {
			const broken = await client.query('rollback').then(
				() => undefined,
				(rollbackError: unknown) => rollbackError as Error
			);
			client.release(broken);
			if (isPgError(error)) {
				if (error.code === '42883') routines.delete(`${schema}.${name}`);
				throw postgrestError(
					postgrestStatus(error.code, role !== 'anon'),
					error.code,
					error.message,
					error.detail ?? null,
					error.hint ?? null
				);
			}
			throw error;
		}
	}

	// ---------- HTTP ----------

	async function route(req: IncomingMessage, url: URL, raw: string): Promise<Reply> {
		try {
			const apikey = req.headers.apikey ?? url.searchParams.get('apikey');
			if (!apikey) {
				return {
					status: 401,
					body: {
						message: 'No API key found in request',
						hint: 'No `apikey` request header or url param was found.'
					}
				};
			}
			if (apikey !== anonKey && apikey !== serviceKey) {
				return {
					status: 401,
					body: {
						message: 'Invalid API key',
						hint: 'Double check your Supabase `anon` or `service_role` API key.'
					}
				};
			}
			if (url.pathname.startsWith('/auth/v1/')) return await auth(req, url, raw);
			if (url.pathname.startsWith('/rest/v1/rpc/')) return await rpc(req, url, raw);
			throw postgrestError(
				404,
				'PGRST125',
				'Invalid path specified in request URL',
				'The test gateway serves /auth/v1 and /rest/v1/rpc/<function> only'
			);
		} catch (error) {
			if (error instanceof Refusal) return error.reply;
			throw error;
		}
	}

	function send(res: ServerResponse, reply: Reply): void {
		const headers: Record<string, string> = { ...CORS_HEADERS, ...reply.headers };
		if (reply.body === undefined) {
			res.writeHead(reply.status, headers).end();
			return;
		}
		headers['content-type'] = 'application/json; charset=utf-8';
		res.writeHead(reply.status, headers).end(JSON.stringify(reply.body));
	}

	async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		if (req.method === 'OPTIONS') {
			send(res, { status: 204 });
			return;
		}
		stats.requests += 1;
		const raw = await readBody(req);
		const url = new URL(req.url ?? '/', baseUrl);
		const inScope = faults?.scope === 'all' || url.pathname.startsWith('/rest/v1/rpc/');
		const fault = inScope && pickFault ? pickFault() : null;
		if (fault) stats.faults[fault.kind] += 1;
		if (fault?.kind === 'fail') {
			send(res, {
				status: 500,
				body: { message: 'Injected fault: the gateway failed this request without running it' }
			});
			return;
		}
		if (fault?.kind === 'delay') await sleep(fault.delayMs);
		let reply = await route(req, url, raw);
		if (fault?.kind === 'duplicate') reply = await route(req, url, raw);
		if (fault?.kind === 'drop') {
			// The work is done and committed; only the answer is lost, as when a phone loses signal.
			req.socket.destroy();
			return;
		}
		send(res, reply);
	}

	const inFlight = new Set<Promise<void>>();
	const server = createServer((req, res) => {
		const work = handle(req, res)
			.catch((error: unknown) => {
				if (!res.headersSent && !res.destroyed) {
					send(res, {
						status: 500,
						body: { message: error instanceof Error ? error.message : String(error) }
					});
				}
			})
			.finally(() => inFlight.delete(work));
		inFlight.add(work);
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
	});
	const address = server.address() as AddressInfo;
	baseUrl = `http://${address.address}:${address.port}`;

	return {
		url: baseUrl,
		anonKey,
		serviceKey,
		jwtSecret,
		otpFor(email) {
			const pending = pendingCodes.get(email.trim().toLowerCase());
			return pending && pending.expiresAt >= Date.now() ? pending.code : undefined;
		},
		setFaults(next) {
			faults = next;
			pickFault = next ? faultPicker(next) : null;
		},
		get stats() {
			return { requests: stats.requests, faults: { ...stats.faults } };
		},
		async close() {
			const closed = new Promise<void>((resolve) => server.close(() => resolve()));
			server.closeAllConnections();
			await Promise.allSettled([...inFlight]);
			await closed;
			await Promise.all([admin.end(), postgrest.end()]);
		}
	};
}

function bearerToken(req: IncomingMessage): string | null {
	const match = /^bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
	return match?.[1] ?? null;
}

function quoteIdent(name: string): string {
	return `"${name.replaceAll('"', '""')}"`;
}

interface PgError {
	code: string;
	message: string;
	detail?: string;
	hint?: string;
}

function isPgError(error: unknown): error is PgError {
	return (
		error instanceof Error &&
		typeof (error as Partial<PgError>).code === 'string' &&
		/^[0-9A-Z]{5}$/.test((error as Partial<PgError>).code ?? '')
	);
}

/** PostgREST's table of SQLSTATE to HTTP status (docs: "Errors", "SQLSTATE codes"). */
function postgrestStatus(code: string, authenticated: boolean): number {
	if (code === '42501') return authenticated ? 403 : 401;
	if (/^PT\d{3}$/.test(code)) return Number(code.slice(2));
	const exact: Record<string, number> = {
		'23503': 409,
		'23505': 409,
		'25006': 405,
		P0001: 400,
		'42883': 404,
		'42P01': 404,
		'42P17': 500
	};
	if (exact[code] !== undefined) return exact[code];
	const byClass: Record<string, number> = {
		'08': 503,
		'09': 500,
		'0L': 403,
		'0P': 403,
		'25': 500,
		'28': 403,
		'2D': 500,
		'38': 500,
		'39': 500,
		'3B': 500,
		'40': 500,
		'53': 503,
		'54': 500,
		'55': 500,
		'57': 500,
		'58': 500,
		F0: 500,
		HV: 500,
		P0: 500,
		XX: 500
	};
	return byClass[code.slice(0, 2)] ?? 400;
}

function readBody(req: IncomingMessage): Promise<string> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		req.on('error', reject);
	});
}

function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}
