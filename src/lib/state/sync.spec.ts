import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AccountChoice, SyncEngine, SyncStatus } from '$lib/data/sync/engine';
import {
	ServerRefusal,
	TransportFailure,
	type Account,
	type ExchangeToken,
	type SyncTransport
} from '$lib/data/sync/transport';
import {
	SyncState,
	TOKEN_RENEW_MARGIN_MS,
	TOKEN_RETRY_MS,
	TOKEN_WAIT_MS,
	type SyncDependencies
} from './sync.svelte';

const anonymous: Account = { userId: 'user-1', email: null, isAnonymous: true };
const withEmail: Account = { userId: 'user-1', email: 'yijun@example.tw', isAnonymous: false };
const myCard = { name: '陳怡君', channels: [{ kind: 'line', value: 'yijun_chen' }] };
const eventId = '00000000-0000-4000-8000-000000000001';

const idle = (patch: Partial<SyncStatus> = {}): SyncStatus => ({
	phase: 'idle',
	lastSyncedAt: null,
	waiting: 0,
	rejected: [],
	retryAt: null,
	lastError: null,
	skipped: 0,
	deviceData: null,
	...patch
});

const token = (value: string, minutes: number): ExchangeToken => ({
	token: value,
	expiresAt: new Date(Date.now() + minutes * 60_000).toISOString()
});

/** A transport that answers like the server would, recording what was asked of it. */
class FakeTransport implements SyncTransport {
	session: Account | null = null;
	calls: string[] = [];
	tokens: ExchangeToken[] = [];
	/** Makes the next call of that name fail with this error. */
	failures = new Map<string, Error>();
	/** Calls that never answer until released (a slow network). */
	held = new Map<string, () => void>();
	accepted: { token: string; card: Record<string, unknown> }[] = [];

	async #call(name: string): Promise<void> {
		this.calls.push(name);
		if (this.held.has(name)) {
			await new Promise<void>((resolve) => this.held.set(name, resolve));
		}
		const failure = this.failures.get(name);
		if (failure) {
			this.failures.delete(name);
			throw failure;
		}
	}

	async account() {
		await this.#call('account');
		return this.session;
	}
	async signInAnonymously() {
		await this.#call('signInAnonymously');
		this.session = anonymous;
		return anonymous;
	}
	async linkEmail() {
		await this.#call('linkEmail');
	}
	async confirmLinkEmail(email: string) {
		await this.#call('confirmLinkEmail');
		this.session = { ...anonymous, email, isAnonymous: false };
		return this.session;
	}
	async requestEmailSignIn() {
		await this.#call('requestEmailSignIn');
	}
	async confirmEmailSignIn(email: string) {
		await this.#call('confirmEmailSignIn');
		this.session = { userId: 'user-2', email, isAnonymous: false };
		return this.session;
	}
	async signOut() {
		await this.#call('signOut');
		this.session = null;
	}
	async deleteAccount() {
		await this.#call('deleteAccount');
		this.session = null;
	}
	async push() {
		await this.#call('push');
		return [];
	}
	async pull() {
		await this.#call('pull');
		return { changes: [], cursor: null, more: false };
	}
	async createExchangeToken(forEvent: string | null) {
		await this.#call(`createExchangeToken:${forEvent}`);
		const next = this.tokens.shift();
		if (!next) throw new Error('no token prepared');
		return next;
	}
	async acceptExchange(value: string, card: Record<string, unknown>) {
		await this.#call('acceptExchange');
		this.accepted.push({ token: value, card });
	}
}

/** An engine that records what it was asked and lets the test play the server's part. */
class FakeEngine implements SyncEngine {
	current = idle();
	scheduled: (number | undefined)[] = [];
	syncs = 0;
	queued: { token: string; card: Record<string, unknown> }[] = [];
	stopped = false;
	dismissed = 0;
	#listeners = new Set<(status: SyncStatus) => void>();
	#arrivals = new Set<(names: string[]) => void>();

	async sync() {
		this.syncs++;
	}
	schedule(delayMs?: number) {
		this.scheduled.push(delayMs);
	}
	status() {
		return this.current;
	}
	subscribe(listener: (status: SyncStatus) => void) {
		this.#listeners.add(listener);
		listener(this.current);
		return () => this.#listeners.delete(listener);
	}
	onExchangeArrivals(listener: (names: string[]) => void) {
		this.#arrivals.add(listener);
		return () => this.#arrivals.delete(listener);
	}
	async queueExchange(value: string, card: Record<string, unknown>) {
		this.queued.push({ token: value, card });
	}
	async dismissRejected() {
		this.dismissed++;
		this.publish({ rejected: [] });
	}
	choices: AccountChoice[] = [];
	async resolveAccountChange(choice: AccountChoice) {
		this.choices.push(choice);
	}
	stop() {
		this.stopped = true;
	}
	publish(patch: Partial<SyncStatus>) {
		this.current = { ...this.current, ...patch };
		for (const listener of this.#listeners) listener(this.current);
	}
	arrive(names: string[]) {
		for (const listener of this.#arrivals) listener(names);
	}
	get listening() {
		return this.#listeners.size + this.#arrivals.size;
	}
}

function setUp(options: { configured?: boolean; on?: boolean; online?: boolean } = {}) {
	const transport = new FakeTransport();
	const engines: FakeEngine[] = [];
	const unwatched: FakeEngine[] = [];
	let preference = options.on ?? false;
	let hook: (() => void) | null = null;
	let card: Record<string, unknown> | null = myCard;
	let online = options.online ?? true;
	let refreshes = 0;
	let erased = 0;
	let transportLoads = 0;
	const deps: SyncDependencies = {
		configured: options.configured ?? true,
		loadTransport: async () => {
			transportLoads++;
			return transport;
		},
		startEngine: async () => {
			const engine = new FakeEngine();
			engines.push(engine);
			return { engine, unwatch: () => unwatched.push(engine) };
		},
		myCard: async () => card,
		storedDataChanged: async () => {
			refreshes++;
		},
		eraseDevice: async () => {
			erased++;
		},
		watchLocalWrites: (next) => {
			hook = next;
			return () => (hook = null);
		},
		preference: { read: () => preference, set: (on) => (preference = on) },
		isOnline: () => online
	};
	const sync = new SyncState(deps);
	return {
		sync,
		transport,
		engines,
		unwatched,
		get engine() {
			const engine = engines.at(-1);
			if (!engine) throw new Error('no engine started');
			return engine;
		},
		get preference() {
			return preference;
		},
		get erased() {
			return erased;
		},
		get hook() {
			return hook;
		},
		get refreshes() {
			return refreshes;
		},
		get transportLoads() {
			return transportLoads;
		},
		setCard: (next: Record<string, unknown> | null) => (card = next),
		setOnline: (next: boolean) => (online = next)
	};
}

afterEach(() => {
	vi.useRealTimers();
});

describe('starting sync', () => {
	it('loads nothing when the build has no Supabase project or sync was never turned on', async () => {
		for (const options of [
			{ configured: false, on: true },
			{ configured: true, on: false }
		]) {
			const world = setUp(options);
			await world.sync.start();
			expect(world.sync.enabled).toBe(false);
			expect(world.transportLoads).toBe(0);
			expect(world.engines).toEqual([]);
		}
	});

	it('resumes with the saved session and pushes at once', async () => {
		const world = setUp({ on: true });
		world.transport.session = withEmail;
		await world.sync.start();
		await world.sync.start();
		expect(world.sync.enabled).toBe(true);
		expect(world.sync.account).toEqual(withEmail);
		expect(world.engines).toHaveLength(1);
		expect(world.engine.scheduled).toEqual([0]);
		expect(world.sync.status?.phase).toBe('idle');
	});

	it('keeps running offline when the session cannot be checked', async () => {
		const world = setUp({ on: true });
		world.transport.failures.set('account', new TransportFailure('offline'));
		await world.sync.start();
		expect(world.sync.enabled).toBe(true);
		expect(world.sync.account).toBeNull();
		expect(world.engines).toHaveLength(1);
	});

	it('turns itself off, and says so, when the saved session is gone', async () => {
		const world = setUp({ on: true });
		await world.sync.start();
		expect(world.sync.enabled).toBe(false);
		expect(world.sync.sessionLost).toBe(true);
		expect(world.preference).toBe(false);
		expect(world.engines).toEqual([]);
	});
});

describe('"Back up & sync"', () => {
	it('signs in anonymously, remembers the choice and starts syncing', async () => {
		const world = setUp();
		expect(await world.sync.enable()).toEqual({ ok: true });
		expect(world.transport.calls).toEqual(['account', 'signInAnonymously']);
		expect(world.sync.account).toEqual(anonymous);
		expect(world.sync.enabled).toBe(true);
		expect(world.preference).toBe(true);
		expect(world.engine.scheduled).toEqual([0]);
	});

	it('stays off and says why when the server cannot be reached', async () => {
		const world = setUp();
		world.transport.failures.set('signInAnonymously', new TransportFailure('offline'));
		expect(await world.sync.enable()).toEqual({ ok: false, code: 'network' });
		world.transport.failures.set(
			'signInAnonymously',
			new ServerRefusal('auth_anonymous_provider_disabled')
		);
		expect(await world.sync.enable()).toEqual({
			ok: false,
			code: 'auth_anonymous_provider_disabled'
		});
		expect(world.sync.enabled).toBe(false);
		expect(world.preference).toBe(false);
		expect(world.engines).toEqual([]);
	});

	it('pushes shortly after every local save while it runs, and not after it stops', async () => {
		const world = setUp();
		await world.sync.enable();
		world.hook?.();
		world.hook?.();
		expect(world.engine.scheduled).toEqual([0, undefined, undefined]);
		await world.sync.signOut({ erase: false });
		expect(world.hook).toBeNull();
	});

	it('shows the engine’s status and reads the stored data again after each completed sync', async () => {
		const world = setUp();
		await world.sync.enable();
		world.engine.publish({ phase: 'syncing', waiting: 3 });
		expect(world.sync.status).toMatchObject({ phase: 'syncing', waiting: 3 });
		expect(world.refreshes).toBe(0);
		world.engine.publish({ phase: 'idle', waiting: 0, lastSyncedAt: '2026-11-26T12:00:00Z' });
		expect(world.refreshes).toBe(1);
		world.engine.publish({ phase: 'offline' });
		expect(world.refreshes).toBe(1);
	});

	it('syncs now and clears the refused changes through the engine', async () => {
		const world = setUp();
		await world.sync.enable();
		world.engine.publish({
			rejected: [{ table: 'connections', recordId: 'c1', code: 'invalid_row', at: 'x' }]
		});
		expect(world.sync.status?.rejected).toHaveLength(1);
		await world.sync.syncNow();
		await world.sync.dismissRejected();
		expect(world.engine.syncs).toBe(1);
		expect(world.engine.dismissed).toBe(1);
		expect(world.sync.status?.rejected).toEqual([]);
	});

	it('lists who sent their card by exchange until each notice is dismissed', async () => {
		const world = setUp();
		await world.sync.enable();
		world.engine.arrive(['林志明', '王小美']);
		world.engine.arrive(['Amy Chen']);
		expect(world.sync.arrivals.map((arrival) => arrival.name)).toEqual([
			'林志明',
			'王小美',
			'Amy Chen'
		]);
		world.sync.dismissArrival(world.sync.arrivals[1]!.id);
		expect(world.sync.arrivals.map((arrival) => arrival.name)).toEqual(['林志明', 'Amy Chen']);
	});
});

describe('the account', () => {
	it('links an email with a one-time code, checking both before asking the server', async () => {
		const world = setUp();
		await world.sync.enable();
		expect(await world.sync.linkEmail('not an email')).toEqual({
			ok: false,
			code: 'auth_email_invalid'
		});
		expect(await world.sync.linkEmail(' yijun@example.tw ')).toEqual({ ok: true });
		expect(await world.sync.confirmLinkEmail('yijun@example.tw', 'abc')).toEqual({
			ok: false,
			code: 'auth_otp_format'
		});
		world.transport.failures.set('confirmLinkEmail', new ServerRefusal('auth_otp_expired'));
		expect(await world.sync.confirmLinkEmail('yijun@example.tw', '123456')).toEqual({
			ok: false,
			code: 'auth_otp_expired'
		});
		expect(world.sync.account?.email).toBeNull();
		expect(await world.sync.confirmLinkEmail('yijun@example.tw', '123 456')).toEqual({ ok: true });
		expect(world.sync.account).toMatchObject({ email: 'yijun@example.tw', isAnonymous: false });
		expect(world.transport.calls.filter((call) => call.includes('Email'))).toEqual([
			'linkEmail',
			'confirmLinkEmail',
			'confirmLinkEmail'
		]);
	});

	it('signs in on another device with a code and starts syncing into that account', async () => {
		const world = setUp();
		expect(await world.sync.requestSignIn('yijun@example.tw')).toEqual({ ok: true });
		world.transport.failures.set('confirmEmailSignIn', new ServerRefusal('auth_otp_expired'));
		expect(await world.sync.confirmSignIn('yijun@example.tw', '123456')).toEqual({
			ok: false,
			code: 'auth_otp_expired'
		});
		expect(world.sync.enabled).toBe(false);
		expect(await world.sync.confirmSignIn('yijun@example.tw', '654321')).toEqual({ ok: true });
		expect(world.sync.enabled).toBe(true);
		expect(world.preference).toBe(true);
		expect(world.sync.account).toMatchObject({ userId: 'user-2', email: 'yijun@example.tw' });
		expect(world.engines).toHaveLength(1);
	});

	it('signs out, stops the engine and turns sync off', async () => {
		const world = setUp();
		await world.sync.enable();
		world.engine.arrive(['林志明']);
		expect(await world.sync.signOut({ erase: false })).toEqual({ ok: true });
		expect(world.engine.stopped).toBe(true);
		expect(world.engine.listening).toBe(0);
		expect(world.unwatched).toEqual([world.engine]);
		expect(world.sync).toMatchObject({ enabled: false, account: null, status: null, arrivals: [] });
		expect(world.preference).toBe(false);
		expect(world.erased).toBe(0);
	});

	it('erases the device’s copy when signing out asks for it, and reads the stored data again', async () => {
		const world = setUp();
		await world.sync.enable();
		expect(await world.sync.signOut({ erase: true })).toEqual({ ok: true });
		expect(world.erased).toBe(1);
		expect(world.refreshes).toBe(1);
		expect(world.sync.enabled).toBe(false);
	});

	it('turns sync off, keeping everything here, when the server says the account is gone', async () => {
		const world = setUp();
		await world.sync.enable();
		world.engine.publish({ phase: 'signed-out', lastError: 'not_signed_in' });
		expect(world.sync).toMatchObject({ enabled: false, accountGone: true, status: null });
		expect(world.preference).toBe(false);
		expect(world.erased).toBe(0);
	});

	it('hands the person’s choice about another account’s data to the engine', async () => {
		const world = setUp();
		await world.sync.enable();
		expect(await world.sync.resolveAccountChange('add')).toEqual({ ok: true });
		expect(world.engine.choices).toEqual(['add']);
		expect(world.refreshes).toBe(1);
		expect(await world.sync.keepDeviceOnly()).toEqual({ ok: true });
		expect(world.sync.enabled).toBe(false);
		expect(world.erased).toBe(0);
	});

	it('stays signed in and syncing when signing out fails', async () => {
		const world = setUp();
		await world.sync.enable();
		world.transport.failures.set('signOut', new TransportFailure('offline'));
		expect(await world.sync.signOut({ erase: true })).toEqual({ ok: false, code: 'network' });
		expect(world.erased).toBe(0);
		expect(world.sync.enabled).toBe(true);
		expect(world.engine.stopped).toBe(false);
	});

	it('deletes the account on the server, then turns sync off', async () => {
		const world = setUp();
		await world.sync.enable();
		world.transport.failures.set('deleteAccount', new TransportFailure('offline'));
		expect(await world.sync.deleteAccount()).toEqual({ ok: false, code: 'network' });
		expect(world.sync.enabled).toBe(true);
		expect(await world.sync.deleteAccount()).toEqual({ ok: true });
		expect(world.engine.stopped).toBe(true);
		expect(world.sync.enabled).toBe(false);
		expect(world.preference).toBe(false);
		expect(await world.sync.enable()).toEqual({ ok: true });
		expect(world.engines).toHaveLength(2);
	});
});

describe('the exchange token in my QR', () => {
	it('is none while sync is off, and none offline', async () => {
		const off = setUp();
		expect(await off.sync.exchangeTokenFor(eventId)).toBeNull();
		expect(off.transport.calls).toEqual([]);

		const offline = setUp({ online: false });
		await offline.sync.enable();
		expect(await offline.sync.exchangeTokenFor(eventId)).toBeNull();
		expect(offline.transport.calls.some((call) => call.startsWith('create'))).toBe(false);
	});

	it('is asked for the current event and kept while it has time left', async () => {
		const world = setUp();
		await world.sync.enable();
		world.transport.tokens.push(token('q3Jx-_9ZbT0aKc1mN2pL4w', 120));
		expect(await world.sync.exchangeTokenFor(eventId)).toBe('q3Jx-_9ZbT0aKc1mN2pL4w');
		expect(await world.sync.exchangeTokenFor(eventId)).toBe('q3Jx-_9ZbT0aKc1mN2pL4w');
		expect(world.transport.calls.filter((call) => call.startsWith('create'))).toEqual([
			`createExchangeToken:${eventId}`
		]);
		expect(world.sync.exchangeToken).toMatchObject({ requestedFor: eventId });
		world.sync.stopExchangeToken();
	});

	it('pushes an event the server does not have yet, then falls back to a token without one', async () => {
		const world = setUp();
		await world.sync.enable();
		const notFound = () => new ServerRefusal('exchange_event_not_found');
		world.transport.failures.set(`createExchangeToken:${eventId}`, notFound());
		world.transport.tokens.push(token('AAAAAAAAAAAAAAAAAAAAAA', 60));
		expect(await world.sync.exchangeTokenFor(eventId)).toBe('AAAAAAAAAAAAAAAAAAAAAA');
		expect(world.engine.syncs).toBe(1);

		const later = 'bbbbbbbb-0000-4000-8000-000000000002';
		world.transport.tokens.push(token('BBBBBBBBBBBBBBBBBBBBBB', 30));
		const created: string[] = [];
		const original = world.transport.createExchangeToken.bind(world.transport);
		world.transport.createExchangeToken = async (forEvent) => {
			created.push(String(forEvent));
			if (forEvent !== null) throw notFound();
			return original(forEvent);
		};
		expect(await world.sync.exchangeTokenFor(later)).toBe('BBBBBBBBBBBBBBBBBBBBBB');
		expect(created).toEqual([later, later, 'null']);
		world.sync.stopExchangeToken();
	});

	it('gives up waiting after a moment, and the token that comes later is kept', async () => {
		vi.useFakeTimers();
		const world = setUp();
		await world.sync.enable();
		world.transport.held.set(`createExchangeToken:${eventId}`, () => undefined);
		world.transport.tokens.push(token('q3Jx-_9ZbT0aKc1mN2pL4w', 120));
		const asked = world.sync.exchangeTokenFor(eventId);
		await vi.advanceTimersByTimeAsync(TOKEN_WAIT_MS);
		expect(await asked).toBeNull();
		expect(world.sync.exchangeToken).toBeNull();
		world.transport.held.get(`createExchangeToken:${eventId}`)!();
		await vi.advanceTimersByTimeAsync(0);
		expect(world.sync.exchangeToken?.token).toBe('q3Jx-_9ZbT0aKc1mN2pL4w');
		world.sync.stopExchangeToken();
	});

	it('is renewed before it expires while the QR is open, and dropped once it has expired', async () => {
		vi.useFakeTimers();
		const world = setUp();
		await world.sync.enable();
		world.transport.tokens.push(token('AAAAAAAAAAAAAAAAAAAAAA', 30));
		await world.sync.exchangeTokenFor(null);
		// Made 25 minutes from now, valid for 30 more.
		world.transport.tokens.push(token('BBBBBBBBBBBBBBBBBBBBBB', 55));
		await vi.advanceTimersByTimeAsync(30 * 60_000 - TOKEN_RENEW_MARGIN_MS - 1_000);
		expect(world.sync.exchangeToken?.token).toBe('AAAAAAAAAAAAAAAAAAAAAA');
		await vi.advanceTimersByTimeAsync(1_000);
		expect(world.sync.exchangeToken?.token).toBe('BBBBBBBBBBBBBBBBBBBBBB');

		// Offline when the next one is due: kept until it expires, then gone, and tried again.
		world.setOnline(false);
		await vi.advanceTimersByTimeAsync(30 * 60_000 - TOKEN_RENEW_MARGIN_MS);
		expect(world.sync.exchangeToken?.token).toBe('BBBBBBBBBBBBBBBBBBBBBB');
		await vi.advanceTimersByTimeAsync(TOKEN_RENEW_MARGIN_MS);
		expect(world.sync.exchangeToken).toBeNull();
		world.setOnline(true);
		world.transport.tokens.push(token('CCCCCCCCCCCCCCCCCCCCCC', 30));
		await vi.advanceTimersByTimeAsync(TOKEN_RETRY_MS);
		expect(world.sync.exchangeToken?.token).toBe('CCCCCCCCCCCCCCCCCCCCCC');

		world.sync.stopExchangeToken();
		const asked = world.transport.calls.length;
		await vi.advanceTimersByTimeAsync(60 * 60_000);
		expect(world.transport.calls).toHaveLength(asked);
	});
});

describe('sending my card back after scanning a QR with a token', () => {
	const scanned = 'q3Jx-_9ZbT0aKc1mN2pL4w';

	it('does nothing while sync is off', async () => {
		const world = setUp();
		expect(await world.sync.acceptScannedExchange(scanned)).toBeNull();
		expect(world.transport.accepted).toEqual([]);
	});

	it('sends my shared card at once when online', async () => {
		const world = setUp();
		await world.sync.enable();
		expect(await world.sync.acceptScannedExchange(scanned)).toEqual({ status: 'sent' });
		expect(world.transport.accepted).toEqual([{ token: scanned, card: myCard }]);
		expect(world.engine.queued).toEqual([]);
	});

	it('says plainly when the token is expired, forged or already used', async () => {
		const world = setUp();
		await world.sync.enable();
		for (const code of [
			'exchange_token_expired',
			'exchange_token_invalid',
			'exchange_token_used'
		]) {
			world.transport.failures.set('acceptExchange', new ServerRefusal(code));
			expect(await world.sync.acceptScannedExchange(scanned)).toEqual({
				status: 'refused',
				code
			});
		}
		expect(world.engine.queued).toEqual([]);
	});

	it('queues it in the outbox when offline, or when the network fails', async () => {
		const world = setUp({ online: false });
		await world.sync.enable();
		expect(await world.sync.acceptScannedExchange(scanned)).toEqual({ status: 'queued' });
		world.setOnline(true);
		world.transport.failures.set('acceptExchange', new TransportFailure('timed out'));
		expect(await world.sync.acceptScannedExchange(scanned)).toEqual({ status: 'queued' });
		expect(world.engine.queued).toEqual([
			{ token: scanned, card: myCard },
			{ token: scanned, card: myCard }
		]);
		expect(world.transport.accepted).toEqual([]);
	});

	it('has nothing to send before I saved a card of my own', async () => {
		const world = setUp();
		await world.sync.enable();
		world.setCard(null);
		expect(await world.sync.acceptScannedExchange(scanned)).toEqual({ status: 'no_card' });
		expect(world.transport.calls).not.toContain('acceptExchange');
	});
});
