// The two jobs of the function: the digest run (claim due deliveries, send, record, until none is
// left or the time is up) and one test reminder to the caller's own device.
import type { SupabaseClient } from 'npm:@supabase/supabase-js@2.109.0';
import { reminderPayload, testPayload } from './messages.ts';
import { sendPush, type PushOutcome, type Vapid } from './push.ts';

export interface RunSettings {
	vapid: Vapid;
	/** Deliveries claimed per round trip (the RPC takes 1 to 1000). */
	batchSize: number;
	/** Pushes in flight at once. */
	concurrency: number;
	timeoutMs: number;
	/** No new batch is claimed after this long; what is left waits for the next call. */
	budgetMs: number;
}

/** What claim_reminder_deliveries returns for each delivery. */
interface Delivery {
	digest_id: number;
	subscription_id: string;
	endpoint: string;
	p256dh: string;
	auth: string;
	locale: string;
	due_count: number;
	names: string[];
}

interface Recorded {
	digest_id: number | null;
	subscription_id: string;
	outcome: PushOutcome['outcome'];
	error: string | null;
}

export interface RunReport {
	sent: number;
	gone: number;
	failed: number;
	/** Whether it stopped with deliveries possibly left (the budget ran out). */
	stoppedEarly: boolean;
}

// A morning digest is stale by the evening; a test reminder is worth little after ten minutes.
const DIGEST_TTL_SECONDS = 6 * 60 * 60;
const TEST_TTL_SECONDS = 10 * 60;

export async function runDigests(db: SupabaseClient, settings: RunSettings): Promise<RunReport> {
	const started = Date.now();
	const report: RunReport = { sent: 0, gone: 0, failed: 0, stoppedEarly: false };
	for (;;) {
		if (Date.now() - started > settings.budgetMs) {
			report.stoppedEarly = true;
			return report;
		}
		const { data, error } = await db.rpc('claim_reminder_deliveries', {
			max_count: settings.batchSize
		});
		if (error) throw new Error(`claim_reminder_deliveries: ${error.message}`);
		const batch = data as Delivery[];
		if (batch.length === 0) return report;

		const outcomes = await mapLimited(batch, settings.concurrency, async (delivery) => {
			const result = await sendPush(
				delivery,
				reminderPayload(delivery.locale, delivery.due_count, delivery.names),
				{
					vapid: settings.vapid,
					ttl: DIGEST_TTL_SECONDS,
					topic: 'rapport-reminder',
					timeoutMs: settings.timeoutMs
				}
			);
			return recorded(delivery.digest_id, delivery.subscription_id, result);
		});
		await record(db, outcomes);
		for (const outcome of outcomes) report[outcome.outcome] += 1;
	}
}

export type TestResult = 'sent' | 'no_subscription' | 'push_failed';

export async function sendTestReminder(
	db: SupabaseClient,
	userId: string,
	endpoint: string,
	settings: RunSettings
): Promise<TestResult> {
	const { data, error } = await db.rpc('reminder_test_target', { user_id: userId, endpoint });
	if (error) throw new Error(`reminder_test_target: ${error.message}`);
	const target = data as Pick<
		Delivery,
		'subscription_id' | 'endpoint' | 'p256dh' | 'auth' | 'locale'
	> | null;
	if (!target) return 'no_subscription';
	const result = await sendPush(target, testPayload(target.locale), {
		vapid: settings.vapid,
		ttl: TEST_TTL_SECONDS,
		topic: 'rapport-test',
		timeoutMs: settings.timeoutMs
	});
	await record(db, [recorded(null, target.subscription_id, result)]);
	return result.outcome === 'sent' ? 'sent' : 'push_failed';
}

function recorded(digestId: number | null, subscriptionId: string, result: PushOutcome): Recorded {
	return {
		digest_id: digestId,
		subscription_id: subscriptionId,
		outcome: result.outcome,
		error: result.outcome === 'sent' ? null : result.error
	};
}

async function record(db: SupabaseClient, outcomes: Recorded[]): Promise<void> {
	const { error } = await db.rpc('record_reminder_outcomes', { outcomes });
	if (error) throw new Error(`record_reminder_outcomes: ${error.message}`);
}

/** Like Promise.all over items.map(work), with at most `limit` pieces of work running. */
async function mapLimited<T, R>(
	items: T[],
	limit: number,
	work: (item: T) => Promise<R>
): Promise<R[]> {
	const results: R[] = new Array(items.length);
	let next = 0;
	const worker = async () => {
		while (next < items.length) {
			const index = next++;
			results[index] = await work(items[index] as T);
		}
	};
	await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
	return results;
}
