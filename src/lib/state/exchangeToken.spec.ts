import { afterEach, describe, expect, it, vi } from 'vitest';
import { ServerRefusal, TransportFailure } from '$lib/data/sync/transport';
import { FakeEngine, FakeTransport, token } from '$lib/testing/syncFakes';
import { ARRIVAL_PULL_MS } from '$lib/domain/card/exchange';
import {
	ExchangeTokenState,
	TOKEN_RENEW_MARGIN_MS,
	TOKEN_RETRY_MS,
	TOKEN_WAIT_MS
} from './exchangeToken.svelte';
import { SyncState } from './sync.svelte';

const myCard = { name: '陳怡君', channels: [{ kind: 'line', value: 'yijun_chen' }] };
const eventId = '00000000-0000-4000-8000-000000000001';

/** The token keeper on a real SyncState over fakes, as the browser wires them. */
function setUp(options: { online?: boolean } = {}) {
	let visible = true;
	const transport = new FakeTransport();
	const engines: FakeEngine[] = [];
	let preference = false;
	let card: Record<string, unknown> | null = myCard;
	let online = options.online ?? true;
	const sync = new SyncState({
		configured: true,
		loadTransport: async () => transport,
		startEngine: async () => {
			const engine = new FakeEngine();
			engines.push(engine);
			return { engine, unwatch: () => undefined };
		},
		eraseDevice: async () => undefined,
		watchLocalWrites: () => () => undefined,
		preference: { read: () => preference, set: (on) => (preference = on) },
		captcha: null
	});
	const exchange = new ExchangeTokenState({
		connection: () => sync.connection(),
		onSyncStopped: (listener) => sync.onStopped(listener),
		myCard: async () => card,
		isOnline: () => online,
		isVisible: () => visible
	});
	return {
		sync,
		exchange,
		transport,
		get engine() {
			const engine = engines.at(-1);
			if (!engine) throw new Error('no engine started');
			return engine;
		},
		setCard: (next: Record<string, unknown> | null) => (card = next),
		setOnline: (next: boolean) => (online = next),
		setVisible: (next: boolean) => (visible = next)
	};
}

afterEach(() => {
	vi.useRealTimers();
});

describe('the exchange token in my QR', () => {
	it('is none while sync is off, and none offline', async () => {
		const off = setUp();
		expect(await off.exchange.exchangeTokenFor(eventId)).toBeNull();
		expect(off.transport.calls).toEqual([]);

		const offline = setUp({ online: false });
		await offline.sync.enable();
		expect(await offline.exchange.exchangeTokenFor(eventId)).toBeNull();
		expect(offline.transport.calls.some((call) => call.startsWith('create'))).toBe(false);
	});

	it('is asked for the current event and kept while it has time left', async () => {
		const world = setUp();
		await world.sync.enable();
		world.transport.tokens.push(token('q3Jx-_9ZbT0aKc1mN2pL4w', 120));
		expect(await world.exchange.exchangeTokenFor(eventId)).toBe('q3Jx-_9ZbT0aKc1mN2pL4w');
		expect(await world.exchange.exchangeTokenFor(eventId)).toBe('q3Jx-_9ZbT0aKc1mN2pL4w');
		expect(world.transport.calls.filter((call) => call.startsWith('create'))).toEqual([
			`createExchangeToken:${eventId}`
		]);
		expect(world.exchange.current).toMatchObject({ requestedFor: eventId });
		world.exchange.stopExchangeToken();
	});

	it('pushes an event the server does not have yet, then falls back to a token without one', async () => {
		const world = setUp();
		await world.sync.enable();
		const notFound = () => new ServerRefusal('exchange_event_not_found');
		world.transport.failures.set(`createExchangeToken:${eventId}`, notFound());
		world.transport.tokens.push(token('AAAAAAAAAAAAAAAAAAAAAA', 60));
		expect(await world.exchange.exchangeTokenFor(eventId)).toBe('AAAAAAAAAAAAAAAAAAAAAA');
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
		expect(await world.exchange.exchangeTokenFor(later)).toBe('BBBBBBBBBBBBBBBBBBBBBB');
		expect(created).toEqual([later, later, 'null']);
		world.exchange.stopExchangeToken();
	});

	it('gives up waiting after a moment, and the token that comes later is kept', async () => {
		vi.useFakeTimers();
		const world = setUp();
		await world.sync.enable();
		world.transport.held.set(`createExchangeToken:${eventId}`, () => undefined);
		world.transport.tokens.push(token('q3Jx-_9ZbT0aKc1mN2pL4w', 120));
		const asked = world.exchange.exchangeTokenFor(eventId);
		await vi.advanceTimersByTimeAsync(TOKEN_WAIT_MS);
		expect(await asked).toBeNull();
		expect(world.exchange.current).toBeNull();
		world.transport.held.get(`createExchangeToken:${eventId}`)!();
		await vi.advanceTimersByTimeAsync(0);
		expect(world.exchange.current?.token).toBe('q3Jx-_9ZbT0aKc1mN2pL4w');
		world.exchange.stopExchangeToken();
	});

	it('is renewed before it expires while the QR is open, and dropped once it has expired', async () => {
		vi.useFakeTimers();
		const world = setUp();
		await world.sync.enable();
		// A locked phone: the token is still renewed, with no arrival pulls in between.
		world.setVisible(false);
		world.transport.tokens.push(token('AAAAAAAAAAAAAAAAAAAAAA', 30));
		await world.exchange.exchangeTokenFor(null);
		// Made 25 minutes from now, valid for 30 more.
		world.transport.tokens.push(token('BBBBBBBBBBBBBBBBBBBBBB', 55));
		await vi.advanceTimersByTimeAsync(30 * 60_000 - TOKEN_RENEW_MARGIN_MS - 1_000);
		expect(world.exchange.current?.token).toBe('AAAAAAAAAAAAAAAAAAAAAA');
		await vi.advanceTimersByTimeAsync(1_000);
		expect(world.exchange.current?.token).toBe('BBBBBBBBBBBBBBBBBBBBBB');

		// Offline when the next one is due: kept until it expires, then gone, and tried again.
		world.setOnline(false);
		await vi.advanceTimersByTimeAsync(30 * 60_000 - TOKEN_RENEW_MARGIN_MS);
		expect(world.exchange.current?.token).toBe('BBBBBBBBBBBBBBBBBBBBBB');
		await vi.advanceTimersByTimeAsync(TOKEN_RENEW_MARGIN_MS);
		expect(world.exchange.current).toBeNull();
		world.setOnline(true);
		world.transport.tokens.push(token('CCCCCCCCCCCCCCCCCCCCCC', 30));
		await vi.advanceTimersByTimeAsync(TOKEN_RETRY_MS);
		expect(world.exchange.current?.token).toBe('CCCCCCCCCCCCCCCCCCCCCC');

		world.exchange.stopExchangeToken();
		const asked = world.transport.calls.length;
		await vi.advanceTimersByTimeAsync(60 * 60_000);
		expect(world.transport.calls).toHaveLength(asked);
	});

	it('is forgotten when sync stops, so the next account never shows it', async () => {
		const world = setUp();
		await world.sync.enable();
		world.transport.tokens.push(token('q3Jx-_9ZbT0aKc1mN2pL4w', 120));
		await world.exchange.exchangeTokenFor(null);
		await world.sync.signOut({ erase: false });
		expect(world.exchange.current).toBeNull();
		expect(await world.exchange.exchangeTokenFor(null)).toBeNull();
	});
});

describe('while my QR is on screen', () => {
	it('pulls every couple of seconds, only while it is visible and online, and stops when it closes', async () => {
		vi.useFakeTimers();
		const world = setUp();
		await world.sync.enable();
		world.transport.tokens.push(token('q3Jx-_9ZbT0aKc1mN2pL4w', 120));
		await world.exchange.exchangeTokenFor(null);
		await vi.advanceTimersByTimeAsync(ARRIVAL_PULL_MS * 3);
		expect(world.engine.syncs).toBe(3);

		world.setVisible(false);
		await vi.advanceTimersByTimeAsync(ARRIVAL_PULL_MS * 3);
		world.setVisible(true);
		world.setOnline(false);
		await vi.advanceTimersByTimeAsync(ARRIVAL_PULL_MS * 3);
		expect(world.engine.syncs).toBe(3);

		world.setOnline(true);
		world.exchange.stopExchangeToken();
		await vi.advanceTimersByTimeAsync(ARRIVAL_PULL_MS * 3);
		expect(world.engine.syncs).toBe(3);
	});

	it('shows a new QR on request, which stops the earlier ones on the server', async () => {
		const world = setUp();
		await world.sync.enable();
		world.transport.tokens.push(token('AAAAAAAAAAAAAAAAAAAAAA', 60));
		await world.exchange.exchangeTokenFor(eventId);
		world.transport.tokens.push(token('BBBBBBBBBBBBBBBBBBBBBB', 60));
		expect(await world.exchange.showNewQr()).toBe(true);
		expect(world.exchange.current).toMatchObject({
			token: 'BBBBBBBBBBBBBBBBBBBBBB',
			requestedFor: eventId
		});
		expect(world.transport.calls.filter((call) => call.startsWith('create'))).toEqual([
			`createExchangeToken:${eventId}`,
			`createExchangeToken:${eventId}:new`
		]);

		world.setOnline(false);
		expect(await world.exchange.showNewQr()).toBe(false);
		expect(world.exchange.current?.token).toBe('BBBBBBBBBBBBBBBBBBBBBB');
		world.exchange.stopExchangeToken();
	});
});

describe('sending my card back after scanning a QR with a token', () => {
	const scanned = 'q3Jx-_9ZbT0aKc1mN2pL4w';

	it('does nothing while sync is off', async () => {
		const world = setUp();
		expect(await world.exchange.acceptScannedExchange(scanned)).toBeNull();
		expect(world.transport.accepted).toEqual([]);
	});

	it('sends my shared card at once when online', async () => {
		const world = setUp();
		await world.sync.enable();
		expect(await world.exchange.acceptScannedExchange(scanned)).toEqual({ status: 'sent' });
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
			expect(await world.exchange.acceptScannedExchange(scanned)).toEqual({
				status: 'refused',
				code
			});
		}
		expect(world.engine.queued).toEqual([]);
	});

	it('queues it in the outbox when offline, or when the network fails', async () => {
		const world = setUp({ online: false });
		await world.sync.enable();
		expect(await world.exchange.acceptScannedExchange(scanned)).toEqual({ status: 'queued' });
		world.setOnline(true);
		world.transport.failures.set('acceptExchange', new TransportFailure('timed out'));
		expect(await world.exchange.acceptScannedExchange(scanned)).toEqual({ status: 'queued' });
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
		expect(await world.exchange.acceptScannedExchange(scanned)).toEqual({ status: 'no_card' });
		expect(world.transport.calls).not.toContain('acceptExchange');
	});
});
