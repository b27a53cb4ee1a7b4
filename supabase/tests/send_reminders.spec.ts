import { createClient } from '@supabase/supabase-js';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../tests/support/database';
import { NO_REALTIME_TRANSPORT, startGateway, type Gateway } from '../../tests/support/gateway';
import { startPushService, type PushService } from '../../tests/support/pushService';
import {
	denoCache,
	denoCheck,
	makeVapidKeys,
	startSendReminders,
	type SendRemindersFunction
} from '../../tests/support/sendRemindersFunction';

// The send-reminders Edge Function under the real Deno runtime, against this database (through
// the test gateway, as supabase-js reaches PostgREST and Auth) and a push-service stand-in that
// decrypts every message with the test device's private key. Each test makes its own users, due
// now in a zone where it is around noon, and deletes them (and by cascade everything) afterwards.

const db = useTestDatabase();
const vapid = makeVapidKeys();
const CRON_SECRET = 'test-cron-secret-' + randomUUID();
const PUSH_TIMEOUT_MS = 1500;
const cache = denoCache();
let gateway: Gateway;
let push: PushService;
let fn: SendRemindersFunction;
const users: string[] = [];

beforeAll(async () => {
	gateway = await startGateway({ databaseUrl: process.env.RAPPORT_TEST_DATABASE_URL! });
	push = await startPushService({ vapidPublicKey: vapid.publicKey, vapidSubject: vapid.subject });
	fn = await startSendReminders({
		supabaseUrl: gateway.url,
		serviceKey: gateway.serviceKey,
		vapid,
		cronSecret: CRON_SECRET,
		caFile: push.caFile,
		denoDir: cache.dir,
		// Small batches, so two runs at once really interleave.
		env: { REMINDERS_PUSH_TIMEOUT_MS: String(PUSH_TIMEOUT_MS), REMINDERS_BATCH_SIZE: '4' }
	});
}, 180_000);

afterAll(async () => {
	await fn?.stop();
	await push?.close();
	await gateway?.close();
	cache.remove();
});

afterEach(async () => {
	await db.query('delete from auth.users where id = any($1)', [users.splice(0)]);
});

/** An Etc/GMT zone where it is now between 12:00 and 13:00. */
function noonZone(): string {
	const offset = 12 - new Date().getUTCHours();
	if (offset === 0) return 'UTC';
	// POSIX sign: Etc/GMT-8 is eight hours ahead of UTC.
	return offset > 0 ? `Etc/GMT-${offset}` : `Etc/GMT+${-offset}`;
}

/**
 * A user with a subscribed device (named after them at the stand-in) and follow-ups that came due
 * an hour ago with these names, first name first.
 */
async function dueUser(device: string, locale: 'zh-TW' | 'en', names: string[]) {
	const id = randomUUID();
	users.push(id);
	await db.query('insert into auth.users (id, email) values ($1, $2)', [
		id,
		`${device}@example.test`
	]);
	await db.query(
		'insert into public.profiles (owner_id, locale, time_zone, follow_up_hour) values ($1, $2, $3, 8)',
		[id, locale, noonZone()]
	);
	for (const [index, name] of names.entries()) {
		const { rows } = await db.query<{ id: string }>(
			`insert into public.connections (owner_id, card, met_at)
				values ($1, jsonb_build_object('name', $2::text), now() - interval '3 days') returning id`,
			[id, name]
		);
		const connection = rows[0]!.id;
		await db.query('delete from public.follow_ups where connection_id = $1', [connection]);
		await db.query(
			`insert into public.follow_ups (owner_id, connection_id, kind, due_at)
				values ($1, $2, 'post_event', now() - interval '1 hour' + $3 * interval '1 second')`,
			[id, connection, index]
		);
	}
	const subscription = push.subscribe(device);
	await db.query(
		`insert into public.push_subscriptions (user_id, endpoint, p256dh, auth, ua_family, locale)
			values ($1, $2, $3, $4, 'chrome', $5)`,
		[id, subscription.endpoint, subscription.p256dh, subscription.auth, locale]
	);
	return { id, subscription };
}

async function queueReminders(client: pg.Client = db): Promise<number> {
	const { rows } = await client.query<{ made: number }>(
		'select internal.queue_reminders(now()) as made'
	);
	return rows[0]!.made;
}

function digestRun(secret = CRON_SECRET) {
	return fetch(fn.url, {
		method: 'POST',
		headers: { 'x-reminders-secret': secret, 'content-type': 'application/json' },
		body: '{}'
	});
}

function receivedBy(device: string) {
	return push.received.filter((message) => message.subscriptionId === device);
}

async function deliveryOf(userId: string) {
	const { rows } = await db.query(
		`select d.status, d.attempts, d.last_error, round(extract(epoch from d.next_attempt_at - d.last_attempt_at) / 60)::integer
				as backoff_minutes
			from internal.reminder_deliveries d join internal.reminder_digests g on g.id = d.digest_id
			where g.user_id = $1`,
		[userId]
	);
	return rows;
}

describe('send-reminders under Deno', () => {
	it('type-checks under Deno, with the npm packages it imports', () => {
		expect(denoCheck(cache.dir)).toBe('');
	}, 120_000);

	it('sends each user one digest in their language, encrypted, with TTL and a valid VAPID JWT', async () => {
		const zh = await dueUser('zh-phone', 'zh-TW', ['林志明', 'Amy Chen', '王小美', 'Zoe']);
		const en = await dueUser('en-phone', 'en', ['Amy Chen', '林志明']);
		const before = Math.floor(Date.now() / 1000);

		// What pg_cron runs: old digests forgotten, the selection, a commit, the doorbell (a no-op
		// without pg_net).
		await db.query('call internal.run_reminders()');
		const { rows: digests } = await db.query(
			'select count(*)::integer as count from internal.reminder_digests where user_id = any($1)',
			[[zh.id, en.id]]
		);
		expect(digests).toEqual([{ count: 2 }]);
		const response = await digestRun();
		expect(response.status).toBe(200);
		expect(await response.json()).toEqual({ sent: 2, gone: 0, failed: 0, stoppedEarly: false });

		expect(push.problems).toEqual([]);
		const [toZh] = receivedBy('zh-phone');
		expect(toZh?.payload).toEqual({
			web_push: 8030,
			notification: {
				title: '今天的聯絡提醒',
				body: '今天有 4 位可以聯絡：林志明、Amy Chen、王小美 等人',
				navigate: '/follow-ups',
				app_badge: '4',
				lang: 'zh-TW',
				tag: 'rapport-reminder'
			}
		});
		expect(receivedBy('en-phone').map((message) => message.payload)).toEqual([
			{
				web_push: 8030,
				notification: {
					title: 'Follow-ups for today',
					body: '2 people to follow up today: Amy Chen, 林志明',
					navigate: '/follow-ups',
					app_badge: '2',
					lang: 'en',
					tag: 'rapport-reminder'
				}
			}
		]);
		expect(toZh?.ttl).toBe(6 * 60 * 60);
		expect(toZh?.topic).toBe('rapport-reminder');
		expect(toZh?.claims.aud).toBe(push.origin);
		expect(toZh?.claims.sub).toBe(vapid.subject);
		expect(toZh!.claims.exp).toBeGreaterThan(before);
		expect(toZh!.claims.exp).toBeLessThanOrEqual(before + 24 * 60 * 60 + 5);

		expect(await deliveryOf(zh.id)).toMatchObject([
			{ status: 'sent', attempts: 1, last_error: null }
		]);
		const { rows } = await db.query(
			'select last_success_at is not null as sent from public.push_subscriptions where user_id = $1',
			[en.id]
		);
		expect(rows).toEqual([{ sent: true }]);

		// Later runs that day: nothing new to send.
		expect(await queueReminders()).toBe(0);
		expect(await (await digestRun()).json()).toMatchObject({ sent: 0 });
		expect(receivedBy('zh-phone')).toHaveLength(1);
	});

	it('deletes subscriptions the push service says are gone, and retries failures with backoff', async () => {
		const notFound = await dueUser('404-phone', 'en', ['A']);
		const gone = await dueUser('410-phone', 'en', ['B']);
		const failing = await dueUser('500-phone', 'en', ['C']);
		const hanging = await dueUser('slow-phone', 'zh-TW', ['D']);
		push.setFault('404-phone', 'not_found');
		push.setFault('410-phone', 'gone');
		push.setFault('500-phone', 'server_error');
		push.setFault('slow-phone', 'hang');

		await queueReminders();
		const response = await digestRun();
		expect(await response.json()).toEqual({ sent: 0, gone: 2, failed: 2, stoppedEarly: false });

		const { rows: left } = await db.query<{ user_id: string }>(
			'select user_id from public.push_subscriptions where user_id = any($1) order by endpoint',
			[[notFound.id, gone.id, failing.id, hanging.id]]
		);
		expect(left.map((row) => row.user_id).sort()).toEqual([failing.id, hanging.id].sort());
		expect(await deliveryOf(failing.id)).toEqual([
			{ status: 'pending', attempts: 1, last_error: 'HTTP 500', backoff_minutes: 5 }
		]);
		expect(await deliveryOf(hanging.id)).toEqual([
			{
				status: 'pending',
				attempts: 1,
				last_error: `timeout after ${PUSH_TIMEOUT_MS} ms`,
				backoff_minutes: 5
			}
		]);
		const { rows: shown } = await db.query(
			'select last_error, last_success_at from public.push_subscriptions where user_id = $1',
			[failing.id]
		);
		expect(shown).toEqual([{ last_error: 'HTTP 500', last_success_at: null }]);

		// Not before the backoff is over.
		expect(await (await digestRun()).json()).toMatchObject({ sent: 0, failed: 0 });

		push.setFault('500-phone', null);
		push.setFault('slow-phone', null);
		await db.query(
			`update internal.reminder_deliveries d set next_attempt_at = now() - interval '1 second'
				from internal.reminder_digests g where g.id = d.digest_id and g.user_id = any($1)`,
			[[failing.id, hanging.id]]
		);
		expect(await (await digestRun()).json()).toEqual({
			sent: 2,
			gone: 0,
			failed: 0,
			stoppedEarly: false
		});
		expect(await deliveryOf(failing.id)).toMatchObject([
			{ status: 'sent', attempts: 2, last_error: null }
		]);
		expect(receivedBy('500-phone')).toHaveLength(1);
		expect(receivedBy('slow-phone')).toHaveLength(1);
		expect(push.problems).toEqual([]);
	});

	it('skips a user whose zone is invalid, records it, and serves everyone else', async () => {
		const lost = await dueUser('lost-phone', 'en', ['A']);
		await dueUser('fine-phone', 'en', ['B']);
		// A tz data update that removed the zone, simulated: the check would refuse it today.
		await db.query('begin');
		await db.query('alter table public.profiles drop constraint profiles_time_zone_check');
		await db.query(
			`update public.profiles set time_zone = 'Mars/Olympus_Mons' where owner_id = $1`,
			[lost.id]
		);
		expect(await queueReminders()).toBe(1);
		await db.query(`update public.profiles set time_zone = 'UTC' where owner_id = $1`, [lost.id]);
		await db.query(
			`alter table public.profiles add constraint profiles_time_zone_check
				check (internal.is_valid_time_zone(time_zone))`
		);
		await db.query('commit');

		expect(await (await digestRun()).json()).toMatchObject({ sent: 1 });
		expect(receivedBy('fine-phone')).toHaveLength(1);
		expect(receivedBy('lost-phone')).toHaveLength(0);
		const { rows } = await db.query(
			'select time_zone, reason from internal.reminder_skips where user_id = $1',
			[lost.id]
		);
		expect(rows).toEqual([{ time_zone: 'Mars/Olympus_Mons', reason: 'invalid_time_zone' }]);
	});

	it('gives nobody two reminders when two selections and two runs overlap', async () => {
		const count = 24;
		for (let i = 0; i < count; i++) await dueUser(`busy-${i}`, i % 2 ? 'en' : 'zh-TW', [`P${i}`]);
		const other = new pg.Client({ connectionString: process.env.RAPPORT_TEST_DATABASE_URL });
		await other.connect();
		try {
			const made = await Promise.all([queueReminders(db), queueReminders(other)]);
			expect(made[0]! + made[1]!).toBe(count);
		} finally {
			await other.end();
		}
		const reports = await Promise.all([digestRun(), digestRun()]);
		const sent = (await Promise.all(reports.map((report) => report.json()))).map((r) => r.sent);
		expect(sent[0] + sent[1]).toBe(count);
		for (let i = 0; i < count; i++) expect(receivedBy(`busy-${i}`)).toHaveLength(1);
		expect(push.problems).toEqual([]);
	});

	it("sends a test reminder to the caller's own device only", async () => {
		const client = createClient(gateway.url, gateway.anonKey, {
			auth: { persistSession: false, autoRefreshToken: false },
			realtime: { transport: NO_REALTIME_TRANSPORT }
		});
		const { data, error } = await client.auth.signInAnonymously();
		if (error || !data.session || !data.user) throw error ?? new Error('no session');
		users.push(data.user.id);
		const device = push.subscribe('test-phone');
		const saved = await client.rpc('save_push_subscription', {
			endpoint: device.endpoint,
			p256dh: device.p256dh,
			auth: device.auth,
			ua_family: 'firefox',
			locale: 'zh-TW'
		});
		expect(saved.error).toBeNull();
		const someoneElse = await dueUser('someone-else', 'en', []);

		const test = (endpoint: string, token = data.session!.access_token) =>
			fetch(fn.url, {
				method: 'POST',
				headers: {
					authorization: `Bearer ${token}`,
					apikey: gateway.anonKey,
					'content-type': 'application/json'
				},
				body: JSON.stringify({ test: true, endpoint })
			});

		const sent = await test(device.endpoint);
		expect(sent.status).toBe(200);
		expect(await sent.json()).toEqual({ sent: 1 });
		expect(receivedBy('test-phone').map((message) => message.payload)).toEqual([
			{
				web_push: 8030,
				notification: {
					title: '測試提醒',
					body: '這台裝置已開啟提醒，之後的聯絡提醒會在早上送到這裡。',
					navigate: '/follow-ups',
					lang: 'zh-TW',
					tag: 'rapport-test'
				}
			}
		]);
		const status = await client.rpc('push_subscription_status', { endpoint: device.endpoint });
		expect(status.data).toMatchObject({ subscribed: true, last_error: null });
		expect(status.data.last_sent_at).not.toBeNull();

		const notMine = await test(someoneElse.subscription.endpoint);
		expect(notMine.status).toBe(404);
		expect(await notMine.json()).toEqual({ error: 'no_subscription' });
		expect(receivedBy('someone-else')).toHaveLength(0);

		push.setFault('test-phone', 'server_error');
		const failed = await test(device.endpoint);
		expect(failed.status).toBe(502);
		expect(await failed.json()).toEqual({ error: 'push_failed' });
		const after = await client.rpc('push_subscription_status', { endpoint: device.endpoint });
		expect(after.data).toMatchObject({ subscribed: true, last_error: 'HTTP 500' });

		expect((await test(device.endpoint, gateway.anonKey)).status).toBe(401);
		expect((await test(device.endpoint, 'not-a-jwt')).status).toBe(401);
	});

	it('refuses a digest run without the secret', async () => {
		expect((await digestRun('wrong-secret')).status).toBe(401);
		const anonymous = await fetch(fn.url, { method: 'POST', body: '{}' });
		expect(anonymous.status).toBe(401);
	});
});
