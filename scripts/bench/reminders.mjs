// reminderRun10kUsersMs: one pass of the reminder job for 10,000 users due at the same minute —
// the selection in the database (internal.queue_reminders, also reported alone as
// reminderSelect10kUsersMs), then the send-reminders Edge Function under Deno claiming, encrypting
// and sending all 10,000 digests to the push-service stand-in and recording the outcomes through
// the test gateway. Bars (issue 14): the pass ≤ 60 s, the selection ≤ 1 s; the selection's CPU
// time in the server process is reported too (reminderSelect10kUsersCpuMs), as its wall time
// swings with the load of a shared machine. The stand-in checks every request's VAPID JWT and
// headers and decrypts one in a hundred, so its own work weighs little in the figure. Each user
// has two follow-ups due and one device.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runnerImport } from 'vite';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const USERS = 10_000;

/** @param {string} file */
async function load(file) {
	const { module } = await runnerImport(join(root, file), { configFile: false, logLevel: 'error' });
	return module;
}

/** An Etc/GMT zone where it is now `hour`:xx, for users who are all due this minute. */
function zoneAt(hour) {
	const offset = hour - new Date().getUTCHours();
	if (offset === 0) return 'UTC';
	return offset > 0 ? `Etc/GMT-${offset}` : `Etc/GMT+${-offset}`;
}

/**
 * The CPU time (user + system, ms) the connection's server process has used so far, read from
 * /proc: on a shared machine the wall time of the selection swings with the load, this does not.
 * @param {import('pg').Client} client
 */
async function backendCpu(client) {
	const { rows } = await client.query('select pg_backend_pid() as pid');
	// Linux counts them in ticks of 1/100 s (USER_HZ).
	const ticksMs = 1000 / 100;
	return () => {
		const fields = readFileSync(`/proc/${rows[0].pid}/stat`, 'utf8').split(') ')[1].split(' ');
		return (Number(fields[11]) + Number(fields[12])) * ticksMs;
	};
}

/** @type {import('../bench.mjs').Measure} */
export default async function measureReminders({ progress }) {
	progress('reminders: one cron pass for 10,000 due users, through Deno and the push stand-in');
	/** @type {typeof import('../../tests/support/supabaseStack')} */
	const { startSupabaseStack } = await load('tests/support/supabaseStack.ts');
	/** @type {typeof import('../../tests/support/pushService')} */
	const { startPushService } = await load('tests/support/pushService.ts');
	/** @type {typeof import('../../tests/support/sendRemindersFunction')} */
	const { denoCache, makeVapidKeys, startSendReminders } = await load(
		'tests/support/sendRemindersFunction.ts'
	);

	const vapid = makeVapidKeys();
	const cache = denoCache();
	const stack = await startSupabaseStack();
	const push = await startPushService({
		vapidPublicKey: vapid.publicKey,
		vapidSubject: vapid.subject,
		checkEvery: 100
	});
	const cronSecret = 'bench-cron-secret';
	/** @type {Awaited<ReturnType<typeof startSendReminders>> | undefined} */
	let fn;
	try {
		fn = await startSendReminders({
			supabaseUrl: stack.gateway.url,
			serviceKey: stack.gateway.serviceKey,
			vapid,
			cronSecret,
			caFile: push.caFile,
			denoDir: cache.dir
		});

		progress('reminders: 10,000 users, 20,000 follow-ups due, 10,000 devices');
		const devices = Array.from({ length: USERS }, (_, index) => push.subscribe(`user-${index}`));
		const { admin } = stack;
		// Three zones around noon, so the selection really works per zone.
		const zones = [zoneAt(11), zoneAt(12), zoneAt(13)];
		await admin.query(
			`insert into auth.users (id, email)
				select ('00000000-0000-4000-8000-' || lpad(to_hex(n), 12, '0'))::uuid, 'u' || n || '@bench.test'
				from generate_series(0, $1 - 1) n`,
			[USERS]
		);
		await admin.query(
			`insert into public.profiles (owner_id, locale, time_zone, follow_up_hour)
				select ('00000000-0000-4000-8000-' || lpad(to_hex(n), 12, '0'))::uuid,
					case when n % 3 = 0 then 'en' else 'zh-TW' end, ($2::text[])[n % 3 + 1], 9
				from generate_series(0, $1 - 1) n`,
			[USERS, zones]
		);
		await admin.query(
			`insert into public.connections (owner_id, card, met_at)
				select ('00000000-0000-4000-8000-' || lpad(to_hex(n), 12, '0'))::uuid,
					jsonb_build_object('name', case when k = 0 then '林志明 ' || n else 'Amy Chen ' || n end),
					now() - interval '3 days'
				from generate_series(0, $1 - 1) n, generate_series(0, 1) k`,
			[USERS]
		);
		await admin.query(`update public.follow_ups set due_at = now() - interval '1 hour'`);
		await admin.query(
			`insert into public.push_subscriptions (user_id, endpoint, p256dh, auth, ua_family, locale)
				select ('00000000-0000-4000-8000-' || lpad(to_hex(n - 1), 12, '0'))::uuid, d.endpoint,
					d.p256dh, d.auth, 'chrome', case when (n - 1) % 3 = 0 then 'en' else 'zh-TW' end
				from unnest($1::text[], $2::text[], $3::text[]) with ordinality d(endpoint, p256dh, auth, n)`,
			[
				devices.map((device) => device.endpoint),
				devices.map((device) => device.p256dh),
				devices.map((device) => device.auth)
			]
		);
		await admin.query('analyze');

		progress('reminders: the pass');
		const backend = await backendCpu(admin);
		const started = performance.now();
		const cpuBefore = backend();
		const { rows } = await admin.query('select internal.queue_reminders(now()) as made');
		const reminderSelect10kUsersMs = Math.round(performance.now() - started);
		const reminderSelect10kUsersCpuMs = backend() - cpuBefore;
		if (rows[0].made !== USERS) throw new Error(`selected ${rows[0].made} users, not ${USERS}`);
		let sent = 0;
		for (;;) {
			const response = await fetch(fn.url, {
				method: 'POST',
				headers: { 'x-reminders-secret': cronSecret, 'content-type': 'application/json' },
				body: '{}'
			});
			if (!response.ok)
				throw new Error(`send-reminders answered ${response.status}:\n${fn.output}`);
			const report = await response.json();
			sent += report.sent;
			if (report.failed > 0 || report.gone > 0) {
				throw new Error(`send-reminders: ${JSON.stringify(report)}`);
			}
			if (!report.stoppedEarly) break;
		}
		const reminderRun10kUsersMs = Math.round(performance.now() - started);
		if (sent !== USERS || push.received.length !== USERS) {
			throw new Error(`sent ${sent}, the stand-in accepted ${push.received.length}`);
		}
		if (push.problems.length > 0) throw new Error(`stand-in refused: ${push.problems[0]}`);
		progress(
			`reminders: ${reminderRun10kUsersMs} ms for the pass, ${reminderSelect10kUsersMs} ms of it ` +
				`selecting (${reminderSelect10kUsersCpuMs} ms of the server process's CPU)`
		);
		return { reminderRun10kUsersMs, reminderSelect10kUsersMs, reminderSelect10kUsersCpuMs };
	} finally {
		await fn?.stop();
		await push.close();
		await stack.stop();
		cache.remove();
	}
}

// `node scripts/bench/reminders.mjs` runs this figure alone (the whole `npm run bench` builds the
// app and runs Lighthouse first), printing the same JSON.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
	const figures = await measureReminders({
		progress: (message) => console.error(message),
		url: '',
		buildDir: '',
		chromiumPath: ''
	});
	console.log(JSON.stringify(figures));
	process.exit(0);
}
