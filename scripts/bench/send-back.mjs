// sendBackToOwnerMsP95: a guest on the card page taps Send; how long until the QR's owner has the
// card, with the owner's app pulling every ARRIVAL_PULL_MS while the QR is on screen (the gateway
// has no Realtime; docs/sync.md). Measured at the wire through the test gateway: the guest's one
// `send_card_back` POST exactly as the page makes it, the owner's `sync_pull` by cursor through
// supabase-js as the app makes it. 20 sends, each at a random moment of the owner's pull cycle,
// each after a baseline send that the owner pulls at once (the floor an instant push would give).
// Also the loop's cost: pulls a minute, and bytes of one empty pull (headers and bodies).
// Runnable alone: `node scripts/bench/send-back.mjs`.
import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runnerImport } from 'vite';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SENDS = 20;
// Two sends a round (baseline and ours) must stay under the token's cap of 30 cards a minute.
const ROUND_MS = 4_500;

/** @param {number[]} values @param {number} share */
const quantile = (values, share) => {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)];
};

/** @param {string} path */
async function load(path) {
	const { module } = await runnerImport(join(root, path), { configFile: false, logLevel: 'error' });
	return module;
}

/** @type {import('../bench.mjs').Measure} */
export default async function measureSendBack({ progress }) {
	progress(`send back: ${SENDS} guest cards to an owner pulling while the QR is on screen`);
	/** @type {typeof import('../../tests/support/supabaseStack')} */
	const { startSupabaseStack } = await load('tests/support/supabaseStack.ts');
	/** @type {typeof import('../../tests/support/gateway')} */
	const { NO_REALTIME_TRANSPORT } = await load('tests/support/gateway.ts');
	/** @type {typeof import('../../src/lib/domain/card/exchange')} */
	const { ARRIVAL_PULL_MS } = await load('src/lib/domain/card/exchange.ts');
	const { createClient } = await import('@supabase/supabase-js');

	const stack = await startSupabaseStack();
	try {
		const { url, anonKey } = stack.gateway;
		/** Bytes of the last request and answer the owner's client made, headers included. */
		let lastExchangeBytes = 0;
		/** @type {typeof fetch} */
		const countingFetch = async (input, init) => {
			const response = await fetch(input, init);
			const body = await response.clone().arrayBuffer();
			const headers = (/** @type {Headers | Record<string, string>} */ h) =>
				Object.entries(h instanceof Headers ? Object.fromEntries(h) : h).reduce(
					(sum, [name, value]) => sum + name.length + String(value).length + 4,
					0
				);
			lastExchangeBytes =
				headers(/** @type {Record<string, string>} */ (init?.headers ?? {})) +
				String(init?.body ?? '').length +
				headers(response.headers) +
				body.byteLength;
			return response;
		};
		const owner = createClient(url, anonKey, {
			auth: { persistSession: false, autoRefreshToken: false },
			global: { fetch: countingFetch },
			realtime: { transport: NO_REALTIME_TRANSPORT }
		});
		const { data: signedIn, error: signInError } = await owner.auth.signInAnonymously();
		if (signInError || !signedIn.user) throw signInError ?? new Error('no owner');
		await stack.admin.query(
			`insert into public.profiles (owner_id, display_name) values ($1, '陳怡君')`,
			[signedIn.user.id]
		);
		const { data: created, error: tokenError } = await owner.rpc('create_exchange_token', {});
		if (tokenError) throw tokenError;
		const token = /** @type {{ token: string }} */ (created).token;

		/** @type {string | null} */
		let cursor = null;
		/** @type {Map<string, number>} */
		const heardAt = new Map();
		let emptyPullBytes = 0;
		async function pull() {
			const { data, error } = await owner.rpc('sync_pull', { cursor, page_size: 500 });
			if (error) throw error;
			const page = /** @type {{ changes: { table: string, row: any }[], cursor: string }} */ (data);
			if (page.changes.length === 0) emptyPullBytes = lastExchangeBytes;
			for (const { table, row } of page.changes) {
				if (table === 'connections' && row.source === 'exchange' && !heardAt.has(row.card.name)) {
					heardAt.set(row.card.name, performance.now());
				}
			}
			cursor = page.cursor ?? cursor;
		}
		await pull();
		let stopped = false;
		// While the baseline runs, the loop waits, so only the baseline's own pull hears its card.
		let paused = false;
		/** @type {Promise<void>} */
		let inFlight = Promise.resolve();
		const loop = (async () => {
			while (!stopped) {
				if (!paused) {
					inFlight = pull();
					await inFlight;
				}
				await new Promise((resolve) => setTimeout(resolve, ARRIVAL_PULL_MS));
			}
		})();

		/** @param {string} name @param {number} index */
		async function send(name, index) {
			const response = await fetch(`${url}/rest/v1/rpc/send_card_back`, {
				method: 'POST',
				headers: {
					apikey: anonKey,
					authorization: `Bearer ${anonKey}`,
					'content-type': 'application/json'
				},
				body: JSON.stringify({
					token,
					owner_name: '陳怡君',
					card: { name, channels: [{ kind: 'line', value: `guest${index}` }] },
					delivery_id: randomUUID(),
					// Every send is another guest, as at a real venue.
					guest_id: randomUUID(),
					message: null
				})
			});
			if (!response.ok) throw new Error(`send_card_back: ${await response.text()}`);
		}

		/** @type {number[]} */
		const delays = [];
		/** @type {number[]} */
		const baseline = [];
		for (let index = 0; index < SENDS; index++) {
			const roundStart = performance.now();
			// Baseline, alternating with ours: the same send with the owner pulling at once after it,
			// which is what an instant push (Realtime) would cost at best.
			paused = true;
			await inFlight;
			const baselineName = `基準 ${index}`;
			const sentAt = performance.now();
			await send(baselineName, index);
			while (!heardAt.has(baselineName)) await pull();
			baseline.push(Math.round(/** @type {number} */ (heardAt.get(baselineName)) - sentAt));
			paused = false;

			await new Promise((resolve) => setTimeout(resolve, Math.random() * ARRIVAL_PULL_MS));
			const name = `訪客 ${index}`;
			const tapped = performance.now();
			await send(name, index);
			while (!heardAt.has(name)) await new Promise((resolve) => setTimeout(resolve, 10));
			delays.push(Math.round(/** @type {number} */ (heardAt.get(name)) - tapped));
			const left = ROUND_MS - (performance.now() - roundStart);
			if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));
		}
		stopped = true;
		await loop;

		const figures = {
			sendBackToOwnerMsP95: quantile(delays, 0.95),
			sendBackToOwnerMsMedian: quantile(delays, 0.5),
			sendBackBaselineMsP95: quantile(baseline, 0.95),
			sendBackBaselineMsMedian: quantile(baseline, 0.5),
			arrivalPullsPerMinute: Math.round(60_000 / ARRIVAL_PULL_MS),
			arrivalPullBytes: emptyPullBytes
		};
		progress(`send back: ${JSON.stringify(figures)}`);
		return figures;
	} finally {
		await stack.stop();
	}
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
	const figures = await measureSendBack({
		url: '',
		buildDir: '',
		chromiumPath: '',
		progress: (message) => process.stderr.write(`[bench] ${message}\n`)
	});
	console.log(JSON.stringify(figures));
	process.exit(0);
}
