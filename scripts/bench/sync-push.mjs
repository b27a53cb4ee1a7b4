// syncPush1000Ms vs syncPushRowByRow1000Ms: 1,000 changes (500 people met, each a connection and
// its follow-up) pushed by supabase-js, as the app pushes them, through the test gateway (a
// Supabase-shaped HTTP API in front of the throwaway PostgreSQL): in batches of 500, against the
// same changes sent one request each. Batching saves the round trip, the JWT check and the
// transaction per change; the bar is a ratio of at least 20. The account already holds 500 people
// and the tables are analyzed, as on a database in use. Medians of 3 runs, each on fresh rows.
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { randomUUID } from 'node:crypto';
import { runnerImport } from 'vite';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CHANGES = 1000;
const BATCH = 500;
const RUNS = 3;
const WARM_UP = 1000;

/** @param {number[]} values */
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * What the app pushes for `count` people met at an event: each new connection and the post-event
 * follow-up it scheduled offline (docs/sync.md), in outbox order.
 * @param {number} count changes, two per person
 */
function peopleMet(count) {
	return Array.from({ length: count / 2 }, (_, index) => {
		const at = new Date(Date.UTC(2026, 10, 25, 12, 0, index % 60)).toISOString();
		const id = randomUUID();
		return [
			{
				table: 'connections',
				op: 'upsert',
				row: {
					id,
					card: { name: `聯絡人 ${index}`, channels: [{ kind: 'line', value: `person${index}` }] },
					event_id: null,
					met_at: at,
					note: '聊到開源社群怎麼招募新手',
					prompt_text: null,
					tags: ['開源'],
					tier: 'none',
					last_contacted_at: null,
					source: 'scan',
					updated_at: at,
					deleted_at: null
				}
			},
			{
				table: 'follow_ups',
				op: 'upsert',
				row: {
					id: randomUUID(),
					connection_id: id,
					kind: 'post_event',
					cycle: 0,
					due_at: '2026-11-26T02:00:00.000Z',
					status: 'pending',
					snoozed_until: null,
					done_at: null,
					updated_at: at,
					deleted_at: null
				}
			}
		];
	}).flat();
}

/** @type {import('../bench.mjs').Measure} */
export default async function measureSyncPush({ progress }) {
	progress('sync push: 1,000 changes in batches vs one request each, through the gateway');
	/** @type {{ module: typeof import('../../tests/support/supabaseStack') }} */
	const { module: stackModule } = await runnerImport(join(root, 'tests/support/supabaseStack.ts'), {
		configFile: false,
		logLevel: 'error'
	});
	const { module: gatewayModule } = await runnerImport(join(root, 'tests/support/gateway.ts'), {
		configFile: false,
		logLevel: 'error'
	});
	const { createClient } = await import('@supabase/supabase-js');
	const stack = await stackModule.startSupabaseStack();
	try {
		const supabase = createClient(stack.gateway.url, stack.gateway.anonKey, {
			auth: { persistSession: false, autoRefreshToken: false },
			realtime: { transport: gatewayModule.NO_REALTIME_TRANSPORT }
		});
		const { error: signInError } = await supabase.auth.signInAnonymously();
		if (signInError) throw signInError;

		/** @param {object[]} changes */
		async function push(changes) {
			const { data, error } = await supabase.rpc('sync_push', { changes });
			if (error) throw new Error(`sync_push failed: ${error.message}`);
			// The follow-up merges into the one the database scheduled for the new connection.
			const refused = data.results.filter(
				(result) => result.status !== 'applied' && result.status !== 'stale'
			);
			if (refused.length > 0) throw new Error(`not applied: ${JSON.stringify(refused[0])}`);
		}

		// One round first, so connection pools and plan caches are warm for both ways, then
		// statistics, as autovacuum keeps them on a database in use: planned on empty tables,
		// every foreign-key check would walk all of the owner's rows.
		const warmUp = peopleMet(WARM_UP);
		for (let i = 0; i < WARM_UP; i += BATCH) await push(warmUp.slice(i, i + BATCH));
		await stack.admin.query('analyze');

		const batched = [];
		const rowByRow = [];
		for (let run = 0; run < RUNS; run++) {
			const changes = peopleMet(CHANGES);
			let started = performance.now();
			for (let i = 0; i < CHANGES; i += BATCH) await push(changes.slice(i, i + BATCH));
			batched.push(performance.now() - started);

			const single = peopleMet(CHANGES);
			started = performance.now();
			for (const change of single) await push([change]);
			rowByRow.push(performance.now() - started);
		}
		const { rows } = await stack.admin.query('select count(*)::int as n from public.connections');
		const expected = (WARM_UP + RUNS * CHANGES * 2) / 2;
		if (rows[0].n !== expected)
			throw new Error(`expected ${expected} connections, found ${rows[0].n}`);

		const syncPush1000Ms = Math.round(median(batched));
		const syncPushRowByRow1000Ms = Math.round(median(rowByRow));
		return {
			syncPush1000Ms,
			syncPushRowByRow1000Ms,
			syncPushBatchSpeedup: Math.round((syncPushRowByRow1000Ms / syncPush1000Ms) * 10) / 10
		};
	} finally {
		await stack.stop();
	}
}

// `node scripts/bench/sync-push.mjs` runs this figure alone (the whole `npm run bench` builds the
// app and runs Lighthouse first), printing the same JSON.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
	const figures = await measureSyncPush({
		progress: (message) => console.error(message),
		url: '',
		buildDir: '',
		chromiumPath: ''
	});
	console.log(JSON.stringify(figures));
	process.exit(0);
}
