// Edge Function `send-reminders` (docs/reminders.md):
// - POST with `x-reminders-secret: <REMINDERS_CRON_SECRET>`: the digest run. pg_net calls it
//   after each pass of the reminder job; anything else that knows the secret may too.
// - POST with a user's access token and `{ "test": true, "endpoint": "…" }`: one test reminder
//   to that device, if it is the caller's. 200 { sent: 1 } | 404 { error: "no_subscription" } |
//   502 { error: "push_failed" }.
// Deployed with verify_jwt off (supabase/config.toml): the digest run carries no user JWT, and
// the test path checks its JWT with Auth itself.
import { createClient } from 'npm:@supabase/supabase-js@2.109.0';
import { runDigests, sendTestReminder, type RunSettings } from './run.ts';

function required(name: string): string {
	const value = Deno.env.get(name);
	if (!value) throw new Error(`${name} is not set`);
	return value;
}

function numberSetting(name: string, fallback: number): number {
	const value = Number(Deno.env.get(name) ?? fallback);
	if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
	return value;
}

const settings: RunSettings = {
	vapid: {
		publicKey: required('VAPID_PUBLIC_KEY'),
		privateKey: required('VAPID_PRIVATE_KEY'),
		subject: required('VAPID_SUBJECT')
	},
	batchSize: numberSetting('REMINDERS_BATCH_SIZE', 500),
	concurrency: numberSetting('REMINDERS_CONCURRENCY', 50),
	timeoutMs: numberSetting('REMINDERS_PUSH_TIMEOUT_MS', 10_000),
	budgetMs: numberSetting('REMINDERS_TIME_BUDGET_MS', 100_000)
};
const cronSecret = required('REMINDERS_CRON_SECRET');
const db = createClient(required('SUPABASE_URL'), required('SUPABASE_SERVICE_ROLE_KEY'), {
	auth: { persistSession: false, autoRefreshToken: false }
});

const CORS = {
	'access-control-allow-origin': '*',
	'access-control-allow-headers': 'authorization, x-client-info, apikey, content-type',
	'access-control-allow-methods': 'POST, OPTIONS'
};

function reply(status: number, body: unknown): Response {
	return new Response(JSON.stringify(body), {
		status,
		headers: { ...CORS, 'content-type': 'application/json' }
	});
}

/** Compares without leaking, through timing, how much of the secret a guess got right. */
async function sameSecret(given: string, expected: string): Promise<boolean> {
	const hash = async (text: string) =>
		new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
	const [a, b] = await Promise.all([hash(given), hash(expected)]);
	let difference = 0;
	for (let i = 0; i < a.length; i++) difference |= (a[i] as number) ^ (b[i] as number);
	return difference === 0;
}

async function handle(request: Request): Promise<Response> {
	if (request.method === 'OPTIONS') return new Response(null, { status: 204, headers: CORS });
	if (request.method !== 'POST') return reply(405, { error: 'method_not_allowed' });

	const secret = request.headers.get('x-reminders-secret');
	if (secret !== null) {
		if (!(await sameSecret(secret, cronSecret))) return reply(401, { error: 'unauthorized' });
		return reply(200, await runDigests(db, settings));
	}

	const token = /^Bearer (.+)$/.exec(request.headers.get('authorization') ?? '')?.[1];
	if (!token) return reply(401, { error: 'unauthorized' });
	const { data, error } = await db.auth.getUser(token);
	if (error || !data.user) return reply(401, { error: 'unauthorized' });

	const body: unknown = await request.json().catch(() => null);
	const endpoint =
		typeof body === 'object' && body !== null && 'test' in body && body.test === true
			? 'endpoint' in body && typeof body.endpoint === 'string' && body.endpoint
			: null;
	if (!endpoint) return reply(400, { error: 'invalid_request' });

	const result = await sendTestReminder(db, data.user.id, endpoint, settings);
	if (result === 'sent') return reply(200, { sent: 1 });
	if (result === 'no_subscription') return reply(404, { error: 'no_subscription' });
	return reply(502, { error: 'push_failed' });
}

Deno.serve(async (request) => {
	try {
		return await handle(request);
	} catch (error) {
		console.error(error);
		return reply(500, { error: 'internal' });
	}
});
