import { backoffDelay } from '$lib/domain/sync/backoff';
import {
	exchangeRefusalOutcome,
	isSignedOut,
	sortPushResults,
	type SortedPush
} from '$lib/domain/sync/outcomes';
import { profileLocales, type ProfileLocale } from '$lib/domain/sync/rows';
import type { ExchangeOutboxEntry, OutboxEntry, RapportDatabase, RecordOutboxEntry } from '../db';
import { expandBatches } from '../outbox';
import { announceStored } from '../notices';
import {
	addDeviceDataTo,
	countDeviceData,
	eraseDeviceData,
	hasDeviceData,
	rekeyRecords,
	startAccount
} from './account';
import type { DeviceData } from '$lib/domain/sync/status';
import {
	applyPage,
	applyRows,
	openApplyTransaction,
	requeueUnseen,
	storedRecords,
	type ApplyMode,
	type ExchangeArrival
} from './apply';

export type { ExchangeArrival };
import { batchesOf, collectChanges, type PendingChange } from './collect';
import { emptySyncState, loadSyncState, patchState, saveSyncState, type SyncState } from './state';
import type { RejectedChange } from '$lib/domain/sync/status';
import { ServerRefusal, TransportFailure, type SyncTransport } from './transport';
import { deviceTimeZone as defaultDeviceTimeZone } from '$lib/domain/timeZone';
import type { SyncStatus } from '$lib/domain/sync/status';
import type { AccountChoice } from '$lib/domain/sync/status';

// The sync engine: pushes the outbox, then pulls what changed elsewhere (docs/sync.md). Local
// writes never wait for it; it runs after them, on triggers, and on its own after a failure.
// What to send is collect.ts, how the server's rows land is apply.ts, what it remembers is
// state.ts, and whose data this device holds is account.ts; this file runs them.

export { SYNC_STATE_KEY } from './state';
export { PUSH_BATCH_SIZE, PUSH_BATCH_BYTES } from './collect';

export interface SyncEngine {
	/**
	 * Pushes everything waiting (batches of ≤ 500 changes and a byte cap, oldest first), then
	 * pulls every page. One run at a time: a call during a run makes one more run afterwards.
	 * Never rejects: failures end up in the status.
	 */
	sync(): Promise<void>;
	/**
	 * A sync soon (default 1.5 s), coalescing calls: used after every local write. A pending sync
	 * that is already due sooner is kept. While backing off after a failure, a delay above zero
	 * waits for the retry; `schedule(0)` (coming back online, becoming visible) does not.
	 */
	schedule(delayMs?: number): void;
	status(): SyncStatus;
	/**
	 * Calls the listener with the current status once the engine has read its own (what is
	 * waiting, when it last synced), then on every change.
	 */
	subscribe(listener: (status: SyncStatus) => void): () => void;
	/** Connections that arrived by exchange (source 'exchange') in the last pull, new here. */
	onExchangeArrivals(listener: (arrivals: ExchangeArrival[]) => void): () => void;
	/** Queues accept_exchange(token, card) in the outbox (works offline), then schedules a sync. */
	queueExchange(token: string, card: Record<string, unknown>): Promise<void>;
	dismissRejected(): Promise<void>;
	/**
	 * After `account-changed`: erases this device's data, or (confirmed by the person) adds it to
	 * the signed-in account without its card; then syncs with that account.
	 */
	resolveAccountChange(choice: AccountChoice): Promise<void>;
	/** No more runs or timers; a run under way finishes. */
	stop(): void;
}

export interface SyncEngineOptions {
	now?: () => Date;
	random?: () => number;
	setTimer?: typeof setTimeout;
	clearTimer?: typeof clearTimeout;
	/** The language sent with the profile (the app's, given by state); the first known one if not. */
	locale?: () => string;
	/** The zone follow-ups use when the person has not picked one; this device's by default. */
	deviceTimeZone?: () => string;
	/** Push batch limits; the documented ones by default. */
	batchSize?: number;
	batchBytes?: number;
}

export const PULL_PAGE_SIZE = 500;
export const SCHEDULE_DELAY_MS = 1_500;
/** Rounds of re-keyed records pushed again in one run; more wait for the next run. */
const REKEY_ROUNDS = 3;

const isOffline = () => typeof navigator !== 'undefined' && navigator.onLine === false;

/** The signed-in account is not the one this device's data belongs to. */
class AccountChanged extends Error {
	constructor(readonly deviceData: DeviceData) {
		super('account_changed');
	}
}

export function createSyncEngine(
	db: RapportDatabase,
	transport: SyncTransport,
	options: SyncEngineOptions = {}
): SyncEngine {
	const now = options.now ?? (() => new Date());
	const random = options.random ?? Math.random;
	const setTimer = options.setTimer ?? setTimeout;
	const clearTimer = options.clearTimer ?? clearTimeout;
	const deviceTimeZone = options.deviceTimeZone ?? defaultDeviceTimeZone;
	const locale = (): ProfileLocale => {
		const current = options.locale?.();
		return profileLocales.find((known) => known === current) ?? profileLocales[0];
	};

	let state: SyncState = emptySyncState();
	let status: SyncStatus = {
		phase: 'idle',
		lastSyncedAt: null,
		waiting: 0,
		rejected: [],
		retryAt: null,
		lastError: null,
		skipped: 0,
		deviceData: null
	};
	const statusListeners = new Set<(status: SyncStatus) => void>();
	const arrivalListeners = new Set<(arrivals: ExchangeArrival[]) => void>();
	let failures = 0;
	let stopped = false;
	let running: Promise<void> | null = null;
	let runAgain = false;
	let timer: ReturnType<typeof setTimeout> | null = null;
	let timerDueAt = 0;

	function publish(patch: Partial<SyncStatus>): void {
		status = { ...status, ...patch };
		for (const listener of statusListeners) listener(status);
	}

	const loaded = (async () => {
		try {
			state = await loadSyncState(db);
			publish({
				lastSyncedAt: state.lastSyncedAt,
				rejected: state.rejected,
				waiting: await db.count('outbox')
			});
		} catch {
			// Unreadable state is the same as none: the first sync rebuilds it.
		}
	})();

	async function refreshWaiting(): Promise<void> {
		try {
			publish({ waiting: await db.count('outbox') });
		} catch {
			// The count is a hint; the next run corrects it.
		}
	}

	async function saveState(patch: Partial<SyncState>): Promise<void> {
		state = await saveSyncState(db, patch);
	}

	/**
	 * The first account on this device takes what it holds (the person turned sync on for it);
	 * any other account gets nothing until the person chooses.
	 */
	async function checkAccount(accountId: string): Promise<void> {
		if (state.accountId === accountId) return;
		if (state.accountId === null) {
			await saveState({ accountId, cursor: null, lastSyncedAt: null });
			return;
		}
		const deviceData = await countDeviceData(db);
		if (hasDeviceData(deviceData)) throw new AccountChanged(deviceData);
		// Nothing here to mix up: the device simply changes hands.
		await startAccount(db, accountId);
		state = await loadSyncState(db);
	}

	// Push -----------------------------------------------------------------------------------------

	function refusalOf(pending: PendingChange, code: string, message?: string): RejectedChange {
		return {
			table: pending.change.table,
			recordId: pending.recordId,
			code,
			...(message ? { message } : {}),
			at: now().toISOString()
		};
	}

	/** Removes settled entries and records refusals, in one transaction. */
	async function settle(remove: number[], refused: RejectedChange[]): Promise<void> {
		if (remove.length === 0 && refused.length === 0) return;
		const tx = db.transaction(['outbox', 'settings'], 'readwrite');
		for (const seq of remove) await tx.objectStore('outbox').delete(seq);
		state = await patchState(tx.objectStore('settings'), ({ rejected }) => ({
			rejected: [...rejected, ...refused]
		}));
		await tx.done;
		if (refused.length > 0) publish({ rejected: state.rejected });
	}

	/**
	 * Settles what the server answered and applies the rows it sent back (docs/sync.md: a stale
	 * change or a changed one carries the server's row), in one transaction. Returns the records
	 * to give new ids.
	 */
	async function settleAnswer(
		batch: PendingChange[],
		sorted: SortedPush,
		returned: { table: string; row: unknown }[]
	): Promise<PendingChange[]> {
		const rekey: PendingChange[] = [];
		const refused: RejectedChange[] = [];
		for (const { index, code, message } of sorted.rejected) {
			if (code === 'owned_elsewhere' && state.addedToAccount) rekey.push(batch[index]!);
			else refused.push(refusalOf(batch[index]!, code, message));
		}
		const remove = [...sorted.done, ...sorted.rejected.map(({ index }) => index)].flatMap(
			(index) => batch[index]!.seqs
		);
		const tx = openApplyTransaction(db);
		for (const seq of remove) await tx.objectStore('outbox').delete(seq);
		const { seen } = await applyRows(tx, returned, applyOptions('returned'));
		state = await patchState(tx.objectStore('settings'), ({ rejected }) => ({
			rejected: [...rejected, ...refused]
		}));
		await tx.done;
		announceStored(storedRecords(seen), 'sync');
		if (refused.length > 0) publish({ rejected: state.rejected });
		return rekey;
	}

	function applyOptions(mode: ApplyMode) {
		return {
			mode,
			deviceTimeZone: deviceTimeZone(),
			now: now().toISOString(),
			editedSince: state.lastSyncedAt
		};
	}

	/**
	 * One sync_push. A batch over the server's byte cap is split in two and each half sent; a
	 * single change over it is refused here, since no batch can carry it.
	 */
	async function pushBatch(
		batch: PendingChange[]
	): Promise<{ deferred: PendingChange[]; progressed: boolean; rekey: PendingChange[] }> {
		let results;
		try {
			results = await transport.push(batch.map((pending) => pending.change));
		} catch (error) {
			if (!(error instanceof ServerRefusal && error.code === 'sync_batch_too_large')) throw error;
			if (batch.length === 1) {
				await settle(batch[0]!.seqs, [refusalOf(batch[0]!, error.code)]);
				return { deferred: [], progressed: true, rekey: [] };
			}
			const middle = Math.ceil(batch.length / 2);
			const first = await pushBatch(batch.slice(0, middle));
			const second = await pushBatch(batch.slice(middle));
			return {
				deferred: [...first.deferred, ...second.deferred],
				progressed: first.progressed || second.progressed,
				rekey: [...first.rekey, ...second.rekey]
			};
		}
		const sorted = sortPushResults(batch.length, results);
		const returned = results.flatMap((result) =>
			result.row !== undefined && result.row !== null && batch[result.index] !== undefined
				? [{ table: result.table, row: result.row }]
				: []
		);
		const rekey = await settleAnswer(batch, sorted, returned);
		return {
			deferred: sorted.deferred.map((index) => batch[index]!),
			progressed: sorted.done.length + sorted.rejected.length > 0,
			rekey
		};
	}

	/** Pushes the record changes; returns how many records were given new ids to push again. */
	async function pushRecords(entries: RecordOutboxEntry[]): Promise<number> {
		const { changes, settled, unreadable } = await collectChanges(db, entries, (settings) => ({
			locale: locale(),
			timeZone: settings.timeZone ?? deviceTimeZone(),
			followUpDelayDays: settings.followUpDelayDays,
			followUpHour: settings.followUpHour,
			followUpSkipWeekends: settings.followUpSkipWeekends
		}));
		await settle(
			[...settled, ...unreadable.flatMap((pending) => pending.seqs)],
			unreadable.map((pending) => refusalOf(pending, 'invalid_row', 'unreadable on this device'))
		);
		// Deferred changes wait for rows further on; each round retries them after the rest, and
		// the rounds stop once one makes no progress (what is left waits for the next run).
		let pending = changes;
		const rekey: PendingChange[] = [];
		while (pending.length > 0) {
			const { batches, oversized } = batchesOf(pending, options.batchSize, options.batchBytes);
			await settle(
				oversized.flatMap((change) => change.seqs),
				oversized.map((change) => refusalOf(change, 'sync_batch_too_large'))
			);
			const deferred: PendingChange[] = [];
			let progressed = false;
			for (const batch of batches) {
				const answer = await pushBatch(batch);
				deferred.push(...answer.deferred);
				rekey.push(...answer.rekey);
				progressed ||= answer.progressed;
			}
			if (!progressed) break;
			pending = deferred;
		}
		if (rekey.length === 0) return 0;
		return rekeyRecords(db, rekey, now().toISOString());
	}

	async function pushExchanges(entries: ExchangeOutboxEntry[]): Promise<void> {
		for (const entry of entries) {
			let refusal: RejectedChange[] = [];
			try {
				await transport.acceptExchange(entry.payload.token, entry.payload.card);
			} catch (error) {
				if (!(error instanceof ServerRefusal) || isSignedOut(error.code)) throw error;
				// Too many at once is not a verdict on this card: it goes again next time.
				if (error.code === 'exchange_rate_limited') continue;
				if (exchangeRefusalOutcome(error.code) === 'rejected') {
					refusal = [
						{
							table: 'exchange',
							recordId: entry.recordId,
							code: error.code,
							at: now().toISOString()
						}
					];
				}
			}
			await settle([entry.seq!], refusal);
		}
	}

	/** The whole outbox, batch entries turned into one per record first (outbox.ts). */
	async function outboxEntries(): Promise<OutboxEntry[]> {
		const tx = db.transaction('outbox', 'readwrite');
		await expandBatches(tx.store);
		const entries = await tx.store.getAll();
		await tx.done;
		return entries;
	}

	async function push(): Promise<void> {
		for (let round = 0; round < REKEY_ROUNDS; round++) {
			const entries = await outboxEntries();
			const rekeyed = await pushRecords(
				entries.filter(
					(entry): entry is RecordOutboxEntry =>
						entry.aggregate !== 'exchange' && entry.aggregate !== 'batch'
				)
			);
			if (round === 0) {
				await pushExchanges(
					entries.filter((entry): entry is ExchangeOutboxEntry => entry.aggregate === 'exchange')
				);
			}
			if (rekeyed === 0) return;
		}
	}

	// Pull -----------------------------------------------------------------------------------------

	/**
	 * Pulls every page from the saved cursor. A cursor the server no longer understands (another
	 * database epoch: a restore) means every row again; then local records the server lacks, or
	 * holds older, are queued again so nothing is lost. Returns whether anything was.
	 */
	async function pull(): Promise<{
		arrivals: ExchangeArrival[];
		skipped: number;
		requeued: number;
	}> {
		let cursor = state.cursor;
		let mode: ApplyMode = 'pull';
		// Until this device has synced once with the account, pulls bring its history, swaps from
		// long ago included: news only from then on.
		const catchingUp = state.lastSyncedAt === null;
		const arrivals: ExchangeArrival[] = [];
		const seen = new Set<string>();
		let skipped = 0;
		for (;;) {
			let page;
			try {
				page = await transport.pull(cursor, PULL_PAGE_SIZE);
			} catch (error) {
				if (!(error instanceof ServerRefusal && error.code === 'sync_cursor_invalid')) throw error;
				if (cursor === null) throw error;
				cursor = null;
				mode = 'resync';
				continue;
			}
			const next = page.cursor ?? cursor;
			const { applied, state: saved } = await applyPage(db, page.changes, next, applyOptions(mode));
			state = saved;
			announceStored(storedRecords(applied.seen), 'sync');
			if (!catchingUp) arrivals.push(...applied.arrivals);
			for (const key of applied.seen) seen.add(key);
			skipped += applied.skipped;
			// A server that says "more" without moving the cursor would keep us here forever.
			if (!page.more || next === cursor) break;
			cursor = next;
		}
		const requeued = mode === 'resync' ? await requeueUnseen(db, seen, now().toISOString()) : 0;
		return { arrivals, skipped, requeued };
	}

	// Runs -----------------------------------------------------------------------------------------

	function clearPendingTimer(): void {
		if (timer !== null) clearTimer(timer);
		timer = null;
	}

	function startTimer(delayMs: number): void {
		clearPendingTimer();
		timerDueAt = now().getTime() + delayMs;
		timer = setTimer(() => {
			timer = null;
			void sync();
		}, delayMs);
	}

	async function runOnce(): Promise<void> {
		await loaded;
		clearPendingTimer();
		publish({ phase: 'syncing', deviceData: null });
		try {
			const account = await transport.account();
			if (!account) throw new ServerRefusal('auth_session_missing');
			await checkAccount(account.userId);
			await push();
			const { arrivals, skipped, requeued } = await pull();
			// What a resync found missing on the server goes back now.
			if (requeued > 0) runAgain = true;
			const lastSyncedAt = now().toISOString();
			await saveState({ lastSyncedAt });
			failures = 0;
			publish({
				phase: 'idle',
				lastSyncedAt,
				retryAt: null,
				lastError: null,
				skipped,
				waiting: await db.count('outbox')
			});
			if (arrivals.length > 0) for (const listener of arrivalListeners) listener(arrivals);
		} catch (error) {
			await failed(error);
		}
	}

	async function failed(error: unknown): Promise<void> {
		await refreshWaiting();
		if (error instanceof AccountChanged) {
			clearPendingTimer();
			publish({ phase: 'account-changed', retryAt: null, deviceData: error.deviceData });
			return;
		}
		if (error instanceof ServerRefusal && isSignedOut(error.code)) {
			clearPendingTimer();
			publish({ phase: 'signed-out', retryAt: null, lastError: error.code });
			return;
		}
		failures++;
		const delay = backoffDelay(failures, { random });
		const code =
			error instanceof TransportFailure
				? 'network'
				: error instanceof ServerRefusal
					? error.code
					: 'unknown';
		publish({
			phase: isOffline() ? 'offline' : 'retrying',
			retryAt: new Date(now().getTime() + delay).toISOString(),
			lastError: code
		});
		if (!stopped) startTimer(delay);
	}

	function schedule(delayMs = SCHEDULE_DELAY_MS): void {
		if (stopped || status.phase === 'account-changed') return;
		void refreshWaiting();
		const at = now().getTime();
		const backingOff = delayMs > 0 && status.retryAt !== null;
		const dueAt = Math.max(at + delayMs, backingOff ? Date.parse(status.retryAt!) : 0);
		if (timer !== null && timerDueAt <= dueAt) return;
		startTimer(Math.max(0, dueAt - at));
	}

	function sync(): Promise<void> {
		if (stopped) return Promise.resolve();
		if (running) {
			runAgain = true;
			return running;
		}
		running = (async () => {
			try {
				do {
					runAgain = false;
					await runOnce();
				} while (runAgain && !stopped);
			} finally {
				running = null;
			}
		})();
		return running;
	}

	async function resolveAccountChange(choice: AccountChoice): Promise<void> {
		await running;
		const account = await transport.account();
		if (!account) throw new ServerRefusal('auth_session_missing');
		if (choice === 'erase') {
			await eraseDeviceData(db);
			await startAccount(db, account.userId);
		} else {
			await addDeviceDataTo(db, account.userId, now().toISOString());
		}
		state = await loadSyncState(db);
		publish({
			phase: 'idle',
			deviceData: null,
			rejected: state.rejected,
			lastSyncedAt: null,
			lastError: null
		});
		await sync();
	}

	return {
		sync,
		schedule,
		status: () => status,
		subscribe(listener) {
			statusListeners.add(listener);
			// Not before the engine has read what is waiting and when it last synced: until then
			// its status would say "nothing waiting, never synced" to someone with cards to send.
			void loaded.then(() => {
				if (statusListeners.has(listener)) listener(status);
			});
			return () => statusListeners.delete(listener);
		},
		onExchangeArrivals(listener) {
			arrivalListeners.add(listener);
			return () => arrivalListeners.delete(listener);
		},
		async queueExchange(token, card) {
			await db.add('outbox', {
				aggregate: 'exchange',
				recordId: crypto.randomUUID(),
				op: 'upsert',
				queuedAt: now().toISOString(),
				payload: { token, card }
			});
			await refreshWaiting();
			schedule();
		},
		async dismissRejected() {
			await loaded;
			await saveState({ rejected: [] });
			publish({ rejected: [] });
		},
		resolveAccountChange,
		stop() {
			stopped = true;
			clearPendingTimer();
		}
	};
}

/**
 * Syncs when the device comes back online and when the app becomes visible again. Returns a
 * function that stops listening.
 */
export function watchTriggers(
	engine: Pick<SyncEngine, 'schedule'>,
	target: Pick<EventTarget, 'addEventListener' | 'removeEventListener'>,
	doc?: Pick<Document, 'addEventListener' | 'removeEventListener' | 'visibilityState'>
): () => void {
	const online = () => engine.schedule(0);
	const visible = () => {
		if (doc?.visibilityState === 'visible') engine.schedule(0);
	};
	target.addEventListener('online', online);
	doc?.addEventListener('visibilitychange', visible);
	return () => {
		target.removeEventListener('online', online);
		doc?.removeEventListener('visibilitychange', visible);
	};
}
