// TEST-ONLY. The keys of the test gateway's pretend Supabase project, in plain JS so that the
// build scripts (.mjs) can bake the same anon key into the app that the gateway will accept.
import { createHmac } from 'node:crypto';

/**
 * Where the browser tests' gateway listens, and what the app built for the tests calls
 * (Supabase's own local port, so nothing else here uses it). RAPPORT_GATEWAY_PORT moves it, so
 * two checkouts can run their browser tests side by side; set it for the build and the tests alike.
 */
export const E2E_SUPABASE_PORT = Number(process.env.RAPPORT_GATEWAY_PORT ?? 54321);
export const E2E_SUPABASE_URL = `http://127.0.0.1:${E2E_SUPABASE_PORT}`;
export const E2E_JWT_SECRET = 'rapport-test-gateway-secret-not-for-production-0001';

/**
 * Signs claims as an HS256 JWT, as Supabase Auth does for access tokens.
 * @param {Record<string, unknown>} claims
 * @param {string} secret
 */
export function signJwt(claims, secret) {
	const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
	const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
	const signature = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
	return `${header}.${payload}.${signature}`;
}

// Fixed, so a key is a function of the secret alone: a build made before the gateway starts
// carries the key that gateway will accept.
const ISSUED_AT = Math.floor(Date.UTC(2026, 0, 1) / 1000);
const EXPIRES_AT = Math.floor(Date.UTC(2099, 0, 1) / 1000);

/**
 * The project's API keys: JWTs with role `anon` (the publishable key) and `service_role`.
 * @param {string} secret
 */
export function projectKeys(secret) {
	const key = (/** @type {string} */ role) =>
		signJwt({ iss: 'supabase-demo', role, iat: ISSUED_AT, exp: EXPIRES_AT }, secret);
	return { anonKey: key('anon'), serviceKey: key('service_role') };
}

/**
 * The public half of a VAPID key pair made for the browser tests, whose private half was thrown
 * away: headless Chromium has no push service, so nothing is ever sent with it. It only has to
 * be a valid P-256 point for `pushManager.subscribe` to get as far as asking for one.
 */
export const E2E_VAPID_PUBLIC_KEY =
	'BF7-WJcvZMUnjLhvgtp03UU58K0pEYbm-DjLEIYD5wXF8RZppThN1DOkMevpkPC-B84ABuNt8kz9HLgxwh4DTzc';

/** What the app built for the browser tests needs in its environment to talk to the gateway. */
export const e2eSupabaseEnv = {
	PUBLIC_SUPABASE_URL: E2E_SUPABASE_URL,
	PUBLIC_SUPABASE_ANON_KEY: projectKeys(E2E_JWT_SECRET).anonKey,
	PUBLIC_VAPID_PUBLIC_KEY: E2E_VAPID_PUBLIC_KEY
};
