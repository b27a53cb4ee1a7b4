import { afterEach, describe, expect, it, vi } from 'vitest';
import { sendBackStore, type PendingSendBack, type Peek } from '$lib/data/sendBack';
import { ServerRefusal, TransportFailure } from '$lib/data/sync/transport';
import { SEND_BACK_RETRY_MS, SendBack } from './sendBack.svelte';

const token = 'q3Jx-_9ZbT0aKc1mN2pL4w';
const form = {
	name: '林志明',
	channels: [{ id: 'a', kind: 'line' as const, value: 'zhiming' }],
	message: ''
};

function setUp(options: { peek?: Peek | Error; online?: boolean; backend?: boolean } = {}) {
	const items = new Map<string, string>();
	const storage = {
		getItem: (key: string) => items.get(key) ?? null,
		setItem: (key: string, value: string) => void items.set(key, value)
	};
	const sent: PendingSendBack[] = [];
	const failures: Error[] = [];
	let online = options.online ?? true;
	const onOnline = new Set<() => void>();
	let ids = 0;
	const client = {
		async peek(): Promise<Peek> {
			const peek = options.peek ?? { status: 'usable', ownerName: '陳怡君' };
			if (peek instanceof Error) throw peek;
			return peek;
		},
		async send(pending: PendingSendBack) {
			const failure = failures.shift();
			if (failure) throw failure;
			sent.push(pending);
		}
	};
	const deps = {
		client: options.backend === false ? null : client,
		store: sendBackStore(storage),
		isOnline: () => online,
		onOnline(listener: () => void) {
			onOnline.add(listener);
			return () => void onOnline.delete(listener);
		},
		newId: () => `00000000-0000-4000-8000-00000000000${++ids}`,
		now: () => '2026-12-02T12:00:00.000Z'
	};
	return {
		page: (forToken = token) => new SendBack(deps, forToken, '陳怡君'),
		sent,
		failures,
		goOnline() {
			online = true;
			for (const listener of onOnline) listener();
		},
		setOnline: (next: boolean) => (online = next)
	};
}

afterEach(() => {
	vi.useRealTimers();
});

describe('sending my contact back from the card page', () => {
	it('names the owner as the server knows them, and sends once', async () => {
		const world = setUp();
		const page = world.page();
		await page.open();
		expect(page.state).toEqual({ phase: 'ready', verified: true });
		expect(page.ownerName).toBe('陳怡君');
		expect(await page.submit(form)).toBeNull();
		expect(page.state).toEqual({ phase: 'sent', later: false });
		expect(await page.submit(form)).toBeNull();
		expect(world.sent).toHaveLength(1);
		expect(world.sent[0]).toMatchObject({
			token,
			ownerName: '陳怡君',
			card: { name: '林志明', channels: [{ kind: 'line', value: 'zhiming' }] },
			message: null
		});

		const reopened = world.page();
		await reopened.open();
		expect(reopened.state).toEqual({ phase: 'sent', later: false });
	});

	it('sends every card from this browser under one guest id, kept across pages', async () => {
		const world = setUp();
		const first = world.page();
		await first.open();
		await first.submit(form);
		const second = world.page('Zz9-_8YbS1aKc1mN2pL4wQ');
		await second.open();
		await second.submit(form);
		expect(world.sent).toHaveLength(2);
		const [one, two] = world.sent;
		expect(one?.guestId).toMatch(/^[0-9a-f-]{36}$/);
		expect(two?.guestId).toBe(one?.guestId);
		expect(two?.deliveryId).not.toBe(one?.deliveryId);
	});

	it('says when this browser has sent as many cards as it may this hour', async () => {
		const world = setUp();
		const page = world.page();
		await page.open();
		world.failures.push(new ServerRefusal('exchange_sender_limited'));
		await page.submit(form);
		expect(page.state).toEqual({ phase: 'refused', code: 'exchange_sender_limited' });
		expect(world.sent).toEqual([]);
	});

	it('refuses a link whose card is not the token owner’s, and sends nothing', async () => {
		const world = setUp({ peek: { status: 'usable', ownerName: 'Chris' } });
		const page = world.page();
		await page.open();
		expect(page.state).toEqual({ phase: 'mismatch', ownerName: 'Chris' });
		await page.submit(form);
		expect(world.sent).toEqual([]);
	});

	it('offers no form without a backend or with a token that can take no card', async () => {
		const none = setUp({ backend: false }).page();
		await none.open();
		expect(none.state).toEqual({ phase: 'unavailable', reason: 'no_backend' });
		for (const status of ['invalid', 'expired', 'revoked', 'full'] as const) {
			const page = setUp({ peek: { status, ownerName: null } }).page();
			await page.open();
			expect(page.state).toEqual({ phase: 'unavailable', reason: status });
		}
	});

	it('shows the problems with the form and sends nothing', async () => {
		const world = setUp();
		const page = world.page();
		await page.open();
		expect(await page.submit({ ...form, name: ' ' })).toMatchObject({
			fields: { name: { code: 'required' } }
		});
		expect(page.state.phase).toBe('ready');
		expect(world.sent).toEqual([]);
	});

	it('keeps the form offline and sends it, once, when back online or reopened', async () => {
		const world = setUp({ online: false, peek: new TransportFailure('offline') });
		const page = world.page();
		await page.open();
		expect(page.state).toEqual({ phase: 'ready', verified: false });
		await page.submit(form);
		expect(page.state).toEqual({ phase: 'queued' });

		// Reopened while still offline: still waiting, the same form.
		const reopened = world.page();
		await reopened.open();
		expect(reopened.state).toEqual({ phase: 'queued' });
		page.close();

		world.goOnline();
		await vi.waitFor(() => expect(reopened.state).toEqual({ phase: 'sent', later: true }));
		expect(world.sent.map((item) => item.deliveryId)).toEqual([
			'00000000-0000-4000-8000-000000000001'
		]);
	});

	it('retries with the same delivery id when the answer is lost', async () => {
		vi.useFakeTimers();
		const world = setUp();
		const page = world.page();
		await page.open();
		world.failures.push(new TransportFailure('timed out'));
		await page.submit(form);
		expect(page.state).toEqual({ phase: 'queued' });
		await vi.advanceTimersByTimeAsync(SEND_BACK_RETRY_MS);
		expect(page.state).toEqual({ phase: 'sent', later: true });
		expect(world.sent.map((item) => item.deliveryId)).toEqual([
			'00000000-0000-4000-8000-000000000001'
		]);
		page.close();
	});

	it('says why the server refused, and forgets a form it will never take', async () => {
		const world = setUp();
		const page = world.page();
		await page.open();
		world.failures.push(new ServerRefusal('exchange_token_revoked'));
		await page.submit(form);
		expect(page.state).toEqual({ phase: 'unavailable', reason: 'revoked' });

		const again = world.page();
		await again.open();
		world.failures.push(new ServerRefusal('exchange_owner_mismatch'));
		await again.submit(form);
		expect(again.state).toEqual({ phase: 'mismatch', ownerName: null });

		const third = world.page();
		await third.open();
		world.failures.push(new ServerRefusal('exchange_rate_limited'));
		await third.submit(form);
		expect(third.state).toEqual({ phase: 'refused', code: 'exchange_rate_limited' });
		expect(world.sent).toEqual([]);
	});
});
