import {
	ServerRefusal,
	TransportFailure,
	type PullPage,
	type PushResult,
	type SyncTransport,
	type WireChange,
	type WireRow
} from '$lib/data/sync/transport';
import type { Account } from '$lib/domain/sync/status';
import { parseIncoming, syncTables, type SyncTable } from '$lib/domain/sync/rows';

// An in-memory server that keeps docs/sync.md's contract, for the engine's tests: last writer
// wins on updated_at (clamped to the server's clock), tombstones, deferred references, the
// server's row in a stale or changed answer, per-field merge of a connection's personal fields,
// follow-ups merged on (connection, kind, cycle) with the server's id kept, the trigger that
// schedules a post-event follow-up, pages by cursor within a database epoch, ids owned by one
// account only, quotas, a byte cap on a push, deleted accounts, and the exchange. Rows are validated with the app's own wire parser, plus one rule the
// device does not check (IANA time zones), so tests can provoke a rejection.

type Table = Map<string, WireRow>;

interface OwnerData {
	profile: WireRow | null;
	tables: Record<Exclude<SyncTable, 'profiles'>, Table>;
	/** The change sequence of each row, `table:id` (the profile is `profiles:`). */
	versions: Map<string, number>;
}

interface ExchangeToken {
	owner: string;
	eventId: string | null;
	expiresAt: number;
	usedBy: Set<string>;
}

const MAX_BATCH = 500;
/** An incoming time later than the server's clock plus this is clamped to the clock. */
const CLOCK_SKEW_MS = 5 * 60_000;
const mergedColumns = ['note', 'talk_phrase', 'tags', 'tier'] as const;

type Answer = Pick<PushResult, 'status' | 'code' | 'message' | 'row'>;

function isKnownZone(zone: unknown): boolean {
	if (typeof zone !== 'string') return false;
	try {
		new Intl.DateTimeFormat('en', { timeZone: zone });
		return true;
	} catch {
		return false;
	}
}

const laterThan = (a: unknown, b: unknown) => Date.parse(String(a)) > Date.parse(String(b));

export class FakeSyncServer {
	#owners = new Map<string, OwnerData>();
	#tokens = new Map<string, ExchangeToken>();
	#sequence = 0;
	#ids = 0;
	#epoch = 1;
	/** Accounts deleted while a device still holds their session. */
	#deleted = new Set<string>();
	/** The server's clock, for the rows it writes itself and to bound the clients'. */
	now = () => new Date();
	/** Rows per table and account; a change past it is rejected with `quota_exceeded`. */
	quota = Infinity;
	/** Bytes of a push's JSON body; a bigger one raises `sync_batch_too_large`. */
	maxBatchBytes = Infinity;

	/**
	 * A restore from a dump: a new epoch, so every cursor handed out before is invalid, and the
	 * rows written after the dump are gone.
	 */
	restore(lost: [table: Exclude<SyncTable, 'profiles'>, id: string][] = []): void {
		this.#epoch++;
		for (const owner of this.#owners.values()) {
			for (const [table, id] of lost) {
				owner.tables[table].delete(id);
				owner.versions.delete(`${table}:${id}`);
			}
		}
	}

	/** The account is gone, but a device may still hold a session for it. */
	deleteAccount(ownerId: string): void {
		this.#owners.delete(ownerId);
		this.#deleted.add(ownerId);
	}

	#signedIn(ownerId: string): void {
		if (this.#deleted.has(ownerId)) throw new ServerRefusal('not_signed_in');
	}

	#ownedElsewhere(ownerId: string, table: SyncTable, id: string): boolean {
		if (table === 'profiles') return false;
		for (const [other, data] of this.#owners) {
			if (other !== ownerId && data.tables[table].has(id)) return true;
		}
		return false;
	}

	/** An incoming time ahead of the server's clock by more than the skew becomes the clock. */
	#clamp(at: unknown): { at: unknown; clamped: boolean } {
		const now = this.now().getTime();
		return Date.parse(String(at)) > now + CLOCK_SKEW_MS
			? { at: new Date(now).toISOString(), clamped: true }
			: { at, clamped: false };
	}

	#owner(id: string): OwnerData {
		let data = this.#owners.get(id);
		if (!data) {
			data = {
				profile: null,
				tables: { events: new Map(), connections: new Map(), follow_ups: new Map() },
				versions: new Map()
			};
			this.#owners.set(id, data);
		}
		return data;
	}

	#newId(): string {
		this.#ids++;
		return `5e7e0000-0000-4000-8000-${this.#ids.toString(16).padStart(12, '0')}`;
	}

	#touch(owner: OwnerData, key: string): void {
		owner.versions.set(key, ++this.#sequence);
	}

	/** Every row an owner has, as `sync_pull` would return them with a null cursor. */
	rows(ownerId: string): { table: SyncTable; row: WireRow }[] {
		const owner = this.#owner(ownerId);
		const all: { table: SyncTable; row: WireRow; version: number }[] = [];
		for (const [key, version] of owner.versions) {
			const [table, id] = key.split(':') as [SyncTable, string];
			const row = table === 'profiles' ? owner.profile : owner.tables[table].get(id);
			if (row) all.push({ table, row, version });
		}
		return all.sort((a, b) => a.version - b.version).map(({ table, row }) => ({ table, row }));
	}

	/** Puts a row in as if another client had written it, bypassing validation. */
	plant(ownerId: string, table: SyncTable, row: WireRow): void {
		const owner = this.#owner(ownerId);
		if (table === 'profiles') {
			owner.profile = row;
			this.#touch(owner, 'profiles:');
		} else {
			const id = String(row.id);
			owner.tables[table].set(id, row);
			this.#touch(owner, `${table}:${id}`);
		}
	}

	push(ownerId: string, changes: unknown): PushResult[] {
		this.#signedIn(ownerId);
		if (JSON.stringify({ changes }).length > this.maxBatchBytes) {
			throw new ServerRefusal('sync_batch_too_large');
		}
		if (!Array.isArray(changes) || changes.length === 0 || changes.length > MAX_BATCH) {
			throw new ServerRefusal('sync_batch_invalid');
		}
		const owner = this.#owner(ownerId);
		return (changes as WireChange[]).map((change, index) => ({
			index,
			table: String(change.table),
			id: typeof change.row?.id === 'string' ? change.row.id : null,
			...this.#apply(owner, change)
		}));
	}

	#apply(owner: OwnerData, change: WireChange): Answer {
		if (!(syncTables as readonly string[]).includes(change.table)) {
			return { status: 'rejected', code: 'unknown_table' };
		}
		const ownerId = [...this.#owners].find(([, data]) => data === owner)![0];
		if (
			typeof change.row?.id === 'string' &&
			this.#ownedElsewhere(ownerId, change.table, change.row.id)
		) {
			return { status: 'rejected', code: 'owned_elsewhere' };
		}
		if (change.op === 'delete') return this.#delete(owner, change);
		if (change.op !== 'upsert') return { status: 'rejected', code: 'invalid_op' };
		if (!parseIncoming(change.table, change.row)) {
			return { status: 'rejected', code: 'invalid_row', message: 'row' };
		}
		const clamp = this.#clamp(change.row.updated_at);
		const row: WireRow = { ...change.row, updated_at: clamp.at };
		const changed = (stored: WireRow): Answer =>
			clamp.clamped ? { status: 'applied', row: structuredClone(stored) } : { status: 'applied' };
		if (change.table === 'profiles') {
			if (!isKnownZone(row.time_zone)) {
				return { status: 'rejected', code: 'invalid_row', message: 'time_zone' };
			}
			if (owner.profile && !laterThan(row.updated_at, owner.profile.updated_at)) {
				return { status: 'stale', row: structuredClone(owner.profile) };
			}
			owner.profile = { ...row };
			this.#touch(owner, 'profiles:');
			return changed(owner.profile);
		}
		if (change.table === 'events' && !isKnownZone(row.time_zone)) {
			return { status: 'rejected', code: 'invalid_row', message: 'time_zone' };
		}
		const missing =
			(change.table === 'connections' &&
				row.event_id !== null &&
				!owner.tables.events.has(String(row.event_id))) ||
			(change.table === 'follow_ups' && !owner.tables.connections.has(String(row.connection_id)));
		if (missing) return { status: 'deferred', code: 'missing_reference' };

		const table = owner.tables[change.table];
		let id = String(row.id);
		if (change.table === 'follow_ups' && !table.has(id)) {
			const sameCycle = [...table.values()].find(
				(held) =>
					held.connection_id === row.connection_id &&
					held.kind === row.kind &&
					held.cycle === row.cycle
			);
			if (sameCycle) id = String(sameCycle.id);
		}
		const held = table.get(id);
		if (!held && table.size >= this.quota) {
			return { status: 'rejected', code: 'quota_exceeded', message: change.table };
		}
		if (change.table === 'connections' && held) return this.#mergeConnection(owner, row, held);
		if (held && !laterThan(row.updated_at, held.updated_at)) {
			return { status: 'stale', row: structuredClone(held) };
		}
		const stored = { ...row, id };
		table.set(id, stored);
		this.#touch(owner, `${change.table}:${id}`);
		if (change.table === 'connections' && !held) this.#schedulePostEvent(owner, stored);
		return clamp.clamped || id !== row.id
			? { status: 'applied', row: structuredClone(stored) }
			: changed(stored);
	}

	/**
	 * The personal fields each from whichever side edited it later (a field without a time counts
	 * as its row's), the rest last writer wins; the map and updated_at are the maxima.
	 */
	#mergeConnection(owner: OwnerData, row: WireRow, held: WireRow): Answer {
		const incomingTimes = (row.field_updated_at ?? {}) as Record<string, string>;
		const heldTimes = (held.field_updated_at ?? {}) as Record<string, string>;
		const rowWins = laterThan(row.updated_at, held.updated_at);
		const merged: WireRow = { ...(rowWins ? row : held) };
		const times: Record<string, string> = {};
		for (const column of mergedColumns) {
			const incomingAt = this.#clamp(incomingTimes[column] ?? row.updated_at).at as string;
			const heldAt = heldTimes[column] ?? String(held.updated_at);
			const incomingField = laterThan(incomingAt, heldAt);
			merged[column] = (incomingField ? row : held)[column] ?? null;
			times[column] = incomingField ? incomingAt : heldAt;
		}
		merged.field_updated_at = times;
		merged.updated_at = rowWins ? row.updated_at : held.updated_at;
		const id = String(held.id);
		if (JSON.stringify(merged) === JSON.stringify(held)) {
			return { status: 'stale', row: structuredClone(held) };
		}
		owner.tables.connections.set(id, merged);
		this.#touch(owner, `connections:${id}`);
		const asSent =
			mergedColumns.every(
				(column) => JSON.stringify(merged[column] ?? null) === JSON.stringify(row[column] ?? null)
			) &&
			mergedColumns.every(
				(column) =>
					(incomingTimes[column] ?? null) ===
					(times[column] === row.updated_at && !incomingTimes[column] ? null : times[column])
			) &&
			merged.updated_at === row.updated_at;
		return asSent ? { status: 'applied' } : { status: 'applied', row: structuredClone(merged) };
	}

	#delete(owner: OwnerData, change: WireChange): Answer {
		if (change.table === 'profiles') return { status: 'rejected', code: 'invalid_op' };
		const { id } = change.row;
		const at = this.#clamp(change.row.updated_at).at;
		if (typeof id !== 'string' || typeof at !== 'string' || Number.isNaN(Date.parse(at))) {
			return { status: 'rejected', code: 'invalid_row' };
		}
		const table = owner.tables[change.table];
		const held = table.get(id);
		if (!held) return { status: 'applied' };
		if (!laterThan(at, held.updated_at)) return { status: 'stale', row: structuredClone(held) };
		const stored = { ...held, updated_at: at, deleted_at: at };
		table.set(id, stored);
		this.#touch(owner, `${change.table}:${id}`);
		return at === change.row.updated_at
			? { status: 'applied' }
			: { status: 'applied', row: structuredClone(stored) };
	}

	/** The database trigger: a new live connection gets its post-event follow-up. */
	#schedulePostEvent(owner: OwnerData, connection: WireRow): void {
		if (connection.deleted_at) return;
		const taken = [...owner.tables.follow_ups.values()].some(
			(held) =>
				held.connection_id === connection.id && held.kind === 'post_event' && held.cycle === 0
		);
		if (taken) return;
		const id = this.#newId();
		const dueAt = new Date(Date.parse(String(connection.met_at)) + 86_400_000).toISOString();
		owner.tables.follow_ups.set(id, {
			id,
			connection_id: connection.id,
			kind: 'post_event',
			cycle: 0,
			due_at: dueAt,
			status: 'pending',
			snoozed_until: null,
			done_at: null,
			updated_at: connection.updated_at,
			deleted_at: null
		});
		this.#touch(owner, `follow_ups:${id}`);
	}

	pull(ownerId: string, cursor: string | null, pageSize: number): PullPage {
		this.#signedIn(ownerId);
		const owner = this.#owner(ownerId);
		let after = 0;
		if (cursor !== null) {
			const [epoch, seq] = cursor.split(':');
			if (Number(epoch) !== this.#epoch || !/^\d+$/.test(seq ?? '')) {
				throw new ServerRefusal('sync_cursor_invalid');
			}
			after = Number(seq);
		}
		const changed = [...owner.versions]
			.filter(([, version]) => version > after)
			.sort((a, b) => a[1] - b[1]);
		const page = changed.slice(0, pageSize);
		return {
			changes: page.map(([key]) => {
				const [table, id] = key.split(':') as [SyncTable, string];
				const row = table === 'profiles' ? owner.profile : owner.tables[table].get(id);
				return { table, row: structuredClone(row) };
			}),
			cursor: page.length > 0 ? `${this.#epoch}:${page.at(-1)![1]}` : cursor,
			more: changed.length > page.length
		};
	}

	createExchangeToken(ownerId: string, eventId: string | null): string {
		const token = `token-${this.#newId()}`;
		this.#tokens.set(token, {
			owner: ownerId,
			eventId,
			expiresAt: this.now().getTime() + 30 * 60_000,
			usedBy: new Set()
		});
		return token;
	}

	expireTokens(): void {
		for (const token of this.#tokens.values()) token.expiresAt = 0;
	}

	acceptExchange(callerId: string, token: string, card: Record<string, unknown>): void {
		const held = this.#tokens.get(token);
		if (!held) throw new ServerRefusal('exchange_token_invalid');
		if (held.owner === callerId) throw new ServerRefusal('exchange_own_token');
		if (held.usedBy.has(callerId)) throw new ServerRefusal('exchange_token_used');
		if (held.expiresAt <= this.now().getTime()) throw new ServerRefusal('exchange_token_expired');
		held.usedBy.add(callerId);
		const owner = this.#owner(held.owner);
		const at = this.now().toISOString();
		const connection: WireRow = {
			id: this.#newId(),
			card,
			event_id: held.eventId,
			met_at: at,
			note: null,
			prompt_text: null,
			tags: [],
			tier: 'none',
			last_contacted_at: null,
			source: 'exchange',
			updated_at: at,
			deleted_at: null
		};
		owner.tables.connections.set(String(connection.id), connection);
		this.#touch(owner, `connections:${String(connection.id)}`);
		this.#schedulePostEvent(owner, connection);
	}
}

export type FailureMode =
	/** The request never reaches the server. */
	| 'unreachable'
	/** The server does the work, but the answer is lost on the way back. */
	| 'answer-lost';

/**
 * One device's connection to the fake server. Calls can be made to fail, and every call is
 * recorded so tests can see what the engine sent.
 */
export class FakeTransport implements SyncTransport {
	signedIn = true;
	readonly calls: { method: string; args: unknown[] }[] = [];
	#failures: FailureMode[] = [];

	constructor(
		readonly server: FakeSyncServer,
		public userId = 'user-1'
	) {}

	/** The next `count` calls fail this way (signing in and `account` are never affected). */
	failNext(count = 1, mode: FailureMode = 'unreachable'): void {
		this.#failures.push(...Array.from({ length: count }, () => mode));
	}

	async #call<T>(method: string, args: unknown[], work: () => T): Promise<T> {
		this.calls.push({ method, args: structuredClone(args) });
		await Promise.resolve();
		if (!this.signedIn) throw new ServerRefusal('auth_session_missing');
		const failure = this.#failures.shift();
		if (failure === 'unreachable') throw new TransportFailure('fetch failed');
		const result = work();
		if (failure === 'answer-lost') throw new TransportFailure('connection reset');
		return result;
	}

	callsOf(method: string): unknown[][] {
		return this.calls.filter((call) => call.method === method).map((call) => call.args);
	}

	async account(): Promise<Account | null> {
		return this.signedIn ? { userId: this.userId, email: null, isAnonymous: true } : null;
	}

	async signInAnonymously(): Promise<Account> {
		this.signedIn = true;
		return { userId: this.userId, email: null, isAnonymous: true };
	}

	async linkEmail(): Promise<void> {}

	async confirmLinkEmail(email: string): Promise<Account> {
		return { userId: this.userId, email, isAnonymous: false };
	}

	async requestEmailSignIn(): Promise<void> {}

	async confirmEmailSignIn(email: string): Promise<Account> {
		this.signedIn = true;
		return { userId: this.userId, email, isAnonymous: false };
	}

	async signOut(): Promise<void> {
		this.signedIn = false;
	}

	async deleteAccount(): Promise<void> {
		this.signedIn = false;
	}

	/** The fake server speaks sync only: other functions are missing, as PostgREST says. */
	call(name: string): Promise<unknown> {
		return this.#call(name, [], () => {
			throw new ServerRefusal('PGRST202', `No function ${name} on the fake sync server`);
		});
	}

	invoke(name: string): Promise<unknown> {
		return this.#call(name, [], () => {
			throw new ServerRefusal('http_404', `No Edge Function ${name} on the fake sync server`);
		});
	}

	push(changes: WireChange[]): Promise<PushResult[]> {
		return this.#call('push', [changes], () => this.server.push(this.userId, changes));
	}

	pull(cursor: string | null, pageSize = 500): Promise<PullPage> {
		return this.#call('pull', [cursor, pageSize], () =>
			this.server.pull(this.userId, cursor, pageSize)
		);
	}

	createExchangeToken(eventId: string | null) {
		return this.#call('createExchangeToken', [eventId], () => ({
			token: this.server.createExchangeToken(this.userId, eventId),
			expiresAt: new Date(this.server.now().getTime() + 30 * 60_000).toISOString()
		}));
	}

	acceptExchange(token: string, card: Record<string, unknown>): Promise<void> {
		return this.#call('acceptExchange', [token, card], () =>
			this.server.acceptExchange(this.userId, token, card)
		);
	}
}
