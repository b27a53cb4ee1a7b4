import * as z from 'zod/mini';
import {
	connectionSchema,
	eventSchema,
	followUpSchema,
	profileSchema,
	settingsSchema,
	type FollowUp,
	type Settings
} from '$lib/domain/records';
import { backoffDelay } from '$lib/domain/sync/backoff';
import {
	exchangeRefusalOutcome,
	isSignedOut,
	sortPushResults,
	type SortedPush
} from '$lib/domain/sync/outcomes';
import {
	connectionToRow,
	cycleKey,
	deletionRow,
	eventToRow,
	followUpToRow,
	isNewer,
	mergeProfileSettings,
	parseIncoming,
	profileLocales,
	profileToRow,
	type IncomingRow,
	type ProfileLocale,
	type ProfileSettings,
	type SyncTable
} from '$lib/domain/sync/rows';
import { getLocale } from '$lib/paraglide/runtime';
import type { IDBPTransaction } from 'idb';
import type {
	ExchangeOutboxEntry,
	OutboxEntry,
	RapportDatabase,
	RapportSchema,
	RecordAggregate,
	RecordOutboxEntry
} from '../db';
import {
	ServerRefusal,
	TransportFailure,
	type PullPage,
	type SyncTransport,
	type WireChange
} from './transport';

// The sync engine: pushes the outbox, then pulls what changed elsewhere (docs/sync.md). Local
// writes never wait for it; it runs after them, on triggers, and on its own after a failure.

export interface RejectedChange {
	table: string;
	recordId: string;
	code: string;
	message?: string;
	at: string;
}

export interface SyncStatus {
	phase: 'idle' | 'syncing' | 'offline' | 'retrying' | 'signed-out';
	lastSyncedAt: string | null;
	/** Outbox entries not yet on the server (changes and queued card exchanges). */
	waiting: number;
	/** Changes the server refused for good, until dismissed; the records stay on the device. */
	rejected: RejectedChange[];
	/** When the next automatic attempt is due after a failure. */
	retryAt: string | null;
	/** The code of the last failure (a server code, `network` or `unknown`), null after a success. */
	lastError: string | null;
	/** Rows of the last sync that did not validate and were left out. */
	skipped: number;
}

/** Someone whose card came in through my QR: the connection it made, and their name. */
export interface ExchangeArrival {
	connectionId: string;
	name: string;
}

export interface SyncEngine {
	/**
	 * Pushes everything waiting (batches of ≤ 500, oldest first), then pulls every page. One run
	 * at a time: a call during a run makes one more run afterwards. Never rejects: failures end
	 * up in the status.
	 */
	sync(): Promise<void>;
	/**
	 * A sync soon (default 1.5 s), coalescing calls: used after every local write. A pending sync
	 * that is already due sooner is kept. While backing off after a failure, a delay above zero
	 * waits for the retry; `schedule(0)` (coming back online, becoming visible) does not.
	 */
	schedule(delayMs?: number): void;
	status(): SyncStatus;
	/** Calls the listener with the current status at once, then on every change. */
	subscribe(listener: (status: SyncStatus) => void): () => void;
	/** Connections that arrived by exchange (source 'exchange') in the last pull, new here. */
	onExchangeArrivals(listener: (arrivals: ExchangeArrival[]) => void): () => void;
	/** Queues accept_exchange(token, card) in the outbox (works offline), then schedules a sync. */
	queueExchange(token: string, card: Record<string, unknown>): Promise<void>;
	dismissRejected(): Promise<void>;
	/** No more runs or timers; a run under way finishes. */
	stop(): void;
}

export interface SyncEngineOptions {
	now?: () => Date;
	random?: () => number;
	setTimer?: typeof setTimeout;
	clearTimer?: typeof clearTimeout;
	/** The language sent with the profile; the app's current one by default. */
	locale?: () => string;
	/** The zone follow-ups use when the person has not picked one; this device's by default. */
	deviceTimeZone?: () => string;
}

export const PUSH_BATCH_SIZE = 500;
export const PULL_PAGE_SIZE = 500;
export const SCHEDULE_DELAY_MS = 1_500;

const PROFILE_KEY = 'me';
const SETTINGS_KEY = 'settings';
/** The engine's own state lives beside the settings, under a key of its own. */
export const SYNC_STATE_KEY = 'sync';

const tableOf: Record<RecordAggregate, SyncTable> = {
	profile: 'profiles',
	events: 'events',
	connections: 'connections',
	followUps: 'follow_ups'
};

const rejectedSchema = z.object({
	table: z.string(),
	recordId: z.string(),
	code: z.string(),
	message: z.optional(z.string()),
	at: z.string()
});

const syncStateSchema = z.object({
	/** The account the cursor belongs to: another account starts from scratch. */
	accountId: z._default(z.nullable(z.string()), null),
	cursor: z._default(z.nullable(z.string()), null),
	lastSyncedAt: z._default(z.nullable(z.string()), null),
	rejected: z._default(z.array(rejectedSchema), [])
});
type SyncState = z.infer<typeof syncStateSchema>;

function readSyncState(raw: unknown): SyncState {
	const parsed = syncStateSchema.safeParse(raw ?? {});
	return parsed.success ? parsed.data : syncStateSchema.parse({});
}

/** The settings store, inside whichever transaction is writing the sync state. */
interface StateStore {
	get(key: string): Promise<unknown>;
	put(value: unknown, key: string): Promise<unknown>;
}

/** Reads, changes and writes the sync state inside the caller's transaction. */
async function patchState(
	store: StateStore,
	patch: Partial<SyncState> | ((current: SyncState) => Partial<SyncState>)
): Promise<SyncState> {
	const current = readSyncState(await store.get(SYNC_STATE_KEY));
	const next = { ...current, ...(typeof patch === 'function' ? patch(current) : patch) };
	await store.put(next, SYNC_STATE_KEY);
	return next;
}

function readSettings(raw: unknown): Settings {
	const parsed = settingsSchema.safeParse(raw ?? {});
	return parsed.success ? parsed.data : settingsSchema.parse({});
}

const isOffline = () => typeof navigator !== 'undefined' && navigator.onLine === false;

const defaultTimeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

function defaultLocale(): string {
	try {
		return getLocale();
	} catch {
		return profileLocales[0];
	}
}

type PullStore = 'profile' | 'events' | 'connections' | 'followUps' | 'outbox' | 'settings';
type PullTransaction = IDBPTransaction<RapportSchema, PullStore[], 'readwrite'>;

/** One change for the server and the outbox entries it settles. */
interface PendingChange {
	change: WireChange;
	aggregate: RecordAggregate;
	recordId: string;
	seqs: number[];
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
	const deviceTimeZone = options.deviceTimeZone ?? defaultTimeZone;
	const locale = (): ProfileLocale => {
		const current = (options.locale ?? defaultLocale)();
		return profileLocales.find((known) => known === current) ?? profileLocales[0];
	};

	let state: SyncState = syncStateSchema.parse({});
	let status: SyncStatus = {
		phase: 'idle',
		lastSyncedAt: null,
		waiting: 0,
		rejected: [],
		retryAt: null,
		lastError: null,
		skipped: 0
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
			state = readSyncState(await db.get('settings', SYNC_STATE_KEY));
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

	// State ----------------------------------------------------------------------------------------

	async function saveState(patch: Partial<SyncState>): Promise<void> {
		const tx = db.transaction('settings', 'readwrite');
		const next = await patchState(tx.store, patch);
		await tx.done;
		state = next;
	}

	/**
	 * A different account on this device: its cursor means nothing here, and none of the records
	 * on this device are on its server yet, so every one is queued again.
	 */
	async function adoptAccount(accountId: string): Promise<void> {
		if (state.accountId === accountId) return;
		const previous = state.accountId;
		const stores = ['profile', 'events', 'connections', 'followUps'] as const;
		const tx = db.transaction([...stores, 'outbox', 'settings'], 'readwrite');
		const outbox = tx.objectStore('outbox');
		const queuedAt = now().toISOString();
		if (previous !== null) {
			for (const store of stores) {
				const keys = await tx.objectStore(store).getAllKeys();
				for (const key of keys) {
					await outbox.add({ aggregate: store, recordId: String(key), op: 'upsert', queuedAt });
				}
			}
		}
		const next = await patchState(tx.objectStore('settings'), {
			accountId,
			cursor: null,
			lastSyncedAt: null
		});
		await tx.done;
		state = next;
	}

	// Push -----------------------------------------------------------------------------------------

	/**
	 * Turns the outbox into changes: several entries for one record become one change carrying
	 * the record as it is now, placed where its oldest entry was (a connection stays ahead of its
	 * follow-up). Entries whose record is gone without a delete have nothing left to send.
	 */
	async function collectChanges(entries: RecordOutboxEntry[]): Promise<{
		changes: PendingChange[];
		settled: number[];
		unreadable: PendingChange[];
	}> {
		const groups = new Map<string, RecordOutboxEntry[]>();
		for (const entry of entries) {
			const key = `${entry.aggregate}\u0000${entry.recordId}`;
			const group = groups.get(key);
			if (group) group.push(entry);
			else groups.set(key, [entry]);
		}
		const tx = db.transaction(['profile', 'events', 'connections', 'followUps', 'settings']);
		const settings = readSettings(await tx.objectStore('settings').get(SETTINGS_KEY));
		const profileSettings: ProfileSettings = {
			locale: locale(),
			timeZone: settings.timeZone ?? deviceTimeZone(),
			followUpDelayDays: settings.followUpDelayDays,
			followUpHour: settings.followUpHour,
			followUpSkipWeekends: settings.followUpSkipWeekends
		};
		const changes: PendingChange[] = [];
		const unreadable: PendingChange[] = [];
		const settled: number[] = [];
		for (const group of groups.values()) {
			const { aggregate, recordId } = group[0]!;
			const seqs = group.map((entry) => entry.seq!);
			const raw = await tx.objectStore(aggregate).get(recordId);
			const table = tableOf[aggregate];
			if (raw === undefined) {
				const deletion = group.findLast((entry) => entry.op === 'delete');
				// The profile is one row per account and is never deleted from the device.
				if (deletion && aggregate !== 'profile') {
					const row = deletionRow(recordId, deletion.queuedAt);
					changes.push({ change: { table, op: 'delete', row }, aggregate, recordId, seqs });
				} else {
					settled.push(...seqs);
				}
				continue;
			}
			const row = toRow(aggregate, raw, profileSettings);
			if (row) changes.push({ change: { table, op: 'upsert', row }, aggregate, recordId, seqs });
			else unreadable.push({ change: { table, op: 'upsert', row: {} }, aggregate, recordId, seqs });
		}
		await tx.done;
		return { changes, settled, unreadable };
	}

	function toRow(aggregate: RecordAggregate, raw: unknown, settings: ProfileSettings) {
		switch (aggregate) {
			case 'profile': {
				const parsed = profileSchema.safeParse(raw);
				return parsed.success ? profileToRow(parsed.data, settings) : null;
			}
			case 'events': {
				const parsed = eventSchema.safeParse(raw);
				return parsed.success ? eventToRow(parsed.data) : null;
			}
			case 'connections': {
				const parsed = connectionSchema.safeParse(raw);
				return parsed.success ? connectionToRow(parsed.data) : null;
			}
			case 'followUps': {
				const parsed = followUpSchema.safeParse(raw);
				return parsed.success ? followUpToRow(parsed.data) : null;
			}
		}
	}

	/** Removes settled entries and records refusals in one transaction. */
	async function settle(remove: number[], refused: RejectedChange[]): Promise<void> {
		if (remove.length === 0 && refused.length === 0) return;
		const tx = db.transaction(['outbox', 'settings'], 'readwrite');
		for (const seq of remove) await tx.objectStore('outbox').delete(seq);
		if (refused.length > 0) {
			const next = await patchState(tx.objectStore('settings'), ({ rejected }) => ({
				rejected: [...rejected, ...refused]
			}));
			await tx.done;
			state = next;
			publish({ rejected: next.rejected });
		} else {
			await tx.done;
		}
	}

	function refusalOf(pending: PendingChange, code: string, message?: string): RejectedChange {
		return {
			table: pending.change.table,
			recordId: pending.recordId,
			code,
			...(message ? { message } : {}),
			at: now().toISOString()
		};
	}

	async function pushBatch(batch: PendingChange[]): Promise<SortedPush> {
		const results = await transport.push(batch.map((pending) => pending.change));
		const sorted = sortPushResults(batch.length, results);
		await settle(
			[...sorted.done, ...sorted.rejected.map(({ index }) => index)].flatMap(
				(index) => batch[index]!.seqs
			),
			sorted.rejected.map(({ index, code, message }) => refusalOf(batch[index]!, code, message))
		);
		return sorted;
	}

	async function pushRecords(entries: RecordOutboxEntry[]): Promise<void> {
		const { changes, settled, unreadable } = await collectChanges(entries);
		await settle(
			[...settled, ...unreadable.flatMap((pending) => pending.seqs)],
			unreadable.map((pending) => refusalOf(pending, 'invalid_row', 'unreadable on this device'))
		);
		// Deferred changes wait for rows further on; each round retries them after the rest, and
		// the rounds stop once one makes no progress (what is left waits for the next run).
		let pending = changes;
		while (pending.length > 0) {
			const deferred: PendingChange[] = [];
			let progressed = false;
			for (let start = 0; start < pending.length; start += PUSH_BATCH_SIZE) {
				const batch = pending.slice(start, start + PUSH_BATCH_SIZE);
				const sorted = await pushBatch(batch);
				deferred.push(...sorted.deferred.map((index) => batch[index]!));
				progressed ||= sorted.done.length + sorted.rejected.length > 0;
			}
			if (!progressed) break;
			pending = deferred;
		}
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

	async function push(): Promise<void> {
		const entries: OutboxEntry[] = await db.getAll('outbox');
		await pushRecords(entries.filter((entry) => entry.aggregate !== 'exchange'));
		await pushExchanges(entries.filter((entry) => entry.aggregate === 'exchange'));
	}

	// Pull -----------------------------------------------------------------------------------------

	const pullStores: PullStore[] = [
		'profile',
		'events',
		'connections',
		'followUps',
		'outbox',
		'settings'
	];

	/** Applies one page in one transaction, with the cursor that follows it. */
	async function applyPage(
		page: PullPage,
		cursor: string | null
	): Promise<{ arrivals: ExchangeArrival[]; skipped: number }> {
		const tx = db.transaction(pullStores, 'readwrite');
		const arrivals: ExchangeArrival[] = [];
		let skipped = 0;
		for (const { table, row } of page.changes) {
			const incoming = parseIncoming(table, row);
			if (!incoming) {
				skipped++;
				continue;
			}
			const arrived = await applyRow(tx, incoming);
			if (arrived) arrivals.push(arrived);
		}
		const next = await patchState(tx.objectStore('settings'), { cursor });
		await tx.done;
		state = next;
		return { arrivals, skipped };
	}

	/** Applies one row, last writer wins; returns someone who arrived by exchange. */
	async function applyRow(
		tx: PullTransaction,
		incoming: IncomingRow
	): Promise<ExchangeArrival | null> {
		switch (incoming.table) {
			case 'events': {
				const store = tx.objectStore('events');
				const local = eventSchema.safeParse(await store.get(incoming.record.id));
				if (!local.success || isNewer(incoming.record.updatedAt, local.data.updatedAt)) {
					await store.put(incoming.record);
				}
				return null;
			}
			case 'connections': {
				const store = tx.objectStore('connections');
				const raw = await store.get(incoming.record.id);
				const local = connectionSchema.safeParse(raw);
				if (!local.success || isNewer(incoming.record.updatedAt, local.data.updatedAt)) {
					await store.put(incoming.record);
				}
				const { record } = incoming;
				return raw === undefined && record.source === 'exchange' && !record.deletedAt
					? { connectionId: record.id, name: record.card.name }
					: null;
			}
			case 'follow_ups':
				await applyFollowUp(tx, incoming.record, incoming.deleted);
				return null;
			case 'profiles': {
				// A deleted profiles row has nothing for this device: its own card stays.
				if (incoming.deleted) return null;
				const store = tx.objectStore('profile');
				const local = profileSchema.safeParse(await store.get(PROFILE_KEY));
				if (local.success && !isNewer(incoming.profile.updatedAt, local.data.updatedAt)) {
					return null;
				}
				await store.put(incoming.profile, PROFILE_KEY);
				const settingsStore = tx.objectStore('settings');
				const settings = readSettings(await settingsStore.get(SETTINGS_KEY));
				const merged = mergeProfileSettings(settings, incoming.settings, deviceTimeZone());
				await settingsStore.put(settingsSchema.parse(merged), SETTINGS_KEY);
				return null;
			}
		}
	}

	/**
	 * Follow-ups are one per (connection, kind, cycle) on both sides, and the server keeps its own
	 * id when it merges one pushed from here. So the local one for the same cycle, under whatever
	 * id, is the same follow-up: it takes the server's id, and the newer fields win.
	 */
	async function applyFollowUp(
		tx: PullTransaction,
		record: FollowUp,
		deleted: boolean
	): Promise<void> {
		const store = tx.objectStore('followUps');
		const sameIdRaw = await store.get(record.id);
		const holderKey = await store.index('byCycle').getKey(cycleKey(record));
		const holderRaw =
			holderKey !== undefined && holderKey !== record.id ? await store.get(holderKey) : undefined;
		const sameId = followUpSchema.safeParse(sameIdRaw);
		const holder = followUpSchema.safeParse(holderRaw);
		// A damaged local record loses to the server's.
		const locals = [sameId, holder].flatMap((parsed) => (parsed.success ? [parsed.data] : []));
		const newestLocal = locals.reduce<(typeof locals)[number] | null>(
			(newest, local) => (!newest || isNewer(local.updatedAt, newest.updatedAt) ? local : newest),
			null
		);
		const localWins = newestLocal !== null && isNewer(newestLocal.updatedAt, record.updatedAt);

		if (deleted) {
			if (localWins) return;
			if (sameIdRaw !== undefined) await store.delete(record.id);
			if (holderRaw !== undefined) await store.delete(holderKey!);
			return;
		}
		if (sameIdRaw === undefined && holderRaw === undefined) {
			// Deleted here and not pushed yet: that delete is the newer word unless this row is later.
			const entries = await tx
				.objectStore('outbox')
				.index('byRecord')
				.getAll(['followUps', record.id]);
			const deletedAt = entries.findLast((entry) => entry.op === 'delete')?.queuedAt;
			if (deletedAt !== undefined && !isNewer(record.updatedAt, deletedAt)) return;
			await store.put(record);
			return;
		}
		if (holderRaw !== undefined) {
			await store.delete(holderKey!);
			await moveOutboxEntries(tx, holderKey!, record.id);
		}
		await store.put(localWins ? { ...newestLocal, id: record.id } : record);
	}

	/** A follow-up took the server's id: its waiting changes now push under that id. */
	async function moveOutboxEntries(tx: PullTransaction, from: string, to: string): Promise<void> {
		const outbox = tx.objectStore('outbox');
		const entries = await outbox.index('byRecord').getAll(['followUps', from]);
		for (const entry of entries) await outbox.put({ ...entry, recordId: to });
	}

	async function pull(): Promise<{ arrivals: ExchangeArrival[]; skipped: number }> {
		let cursor = state.cursor;
		// Until this device has synced once with the account, pulls bring its history, swaps from
		// long ago included: news only from then on.
		const catchingUp = state.lastSyncedAt === null;
		const arrivals: ExchangeArrival[] = [];
		let skipped = 0;
		for (;;) {
			let page: PullPage;
			try {
				page = await transport.pull(cursor, PULL_PAGE_SIZE);
			} catch (error) {
				// A cursor the server no longer understands: every row again, and LWW keeps what is
				// newer here.
				if (!(error instanceof ServerRefusal && error.code === 'sync_cursor_invalid')) throw error;
				if (cursor === null) throw error;
				cursor = null;
				continue;
			}
			const next = page.cursor ?? cursor;
			const applied = await applyPage(page, next);
			if (!catchingUp) arrivals.push(...applied.arrivals);
			skipped += applied.skipped;
			// A server that says "more" without moving the cursor would keep us here forever.
			if (!page.more || next === cursor) break;
			cursor = next;
		}
		return { arrivals, skipped };
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
		publish({ phase: 'syncing' });
		try {
			const account = await transport.account();
			if (!account) throw new ServerRefusal('auth_session_missing');
			await adoptAccount(account.userId);
			await push();
			const { arrivals, skipped } = await pull();
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
		if (stopped) return;
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

	return {
		sync,
		schedule,
		status: () => status,
		subscribe(listener) {
			statusListeners.add(listener);
			listener(status);
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
