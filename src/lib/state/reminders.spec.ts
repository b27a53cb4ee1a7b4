import { describe, expect, it, vi } from 'vitest';
import { ServerRefusal, TransportFailure, type SyncTransport } from '$lib/data/sync/transport';
import type { DeviceSubscription } from '$lib/data/reminders';
import type { SavedSubscription } from '$lib/data/reminderDevice';
import { FakeTransport } from '$lib/testing/syncFakes';
import { RemindersState, type ReminderDevice } from './reminders.svelte';

const CHROME =
	'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36';
const IPHONE =
	'Mozilla/5.0 (iPhone; CPU iPhone OS 18_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.4 Mobile/15E148 Safari/604.1';

const pushed: DeviceSubscription = {
	endpoint: 'https://fcm.googleapis.com/fcm/send/device-1',
	p256dh: 'BNcR-public-key',
	auth: 'auth-secret'
};

/** A browser that answers the permission prompt and the push service as told. */
class FakeDevice implements ReminderDevice {
	userAgent = CHROME;
	standalone = false;
	pushSupported = true;
	permission: NotificationPermission = 'default';
	answer: NotificationPermission = 'granted';
	subscription: DeviceSubscription | null = null;
	pushServiceDown = false;
	saved: SavedSubscription | null = null;
	offered = false;
	asked = 0;

	facts() {
		return {
			userAgent: this.userAgent,
			maxTouchPoints: 5,
			standalone: this.standalone,
			pushSupported: this.pushSupported,
			permission: this.permission
		};
	}
	async requestPermission() {
		this.asked++;
		this.permission = this.answer;
		return this.answer;
	}
	async current() {
		return this.subscription;
	}
	async subscribe() {
		if (this.pushServiceDown) throw new Error('push service not available');
		this.subscription ??= pushed;
		return this.subscription;
	}
	async unsubscribe() {
		const endpoint = this.subscription?.endpoint ?? null;
		this.subscription = null;
		return endpoint;
	}
	readSaved() {
		return this.saved;
	}
	writeSaved(saved: SavedSubscription | null) {
		this.saved = saved;
	}
	wasOffered() {
		return this.offered;
	}
	markOffered() {
		this.offered = true;
	}
}

function setUp(options: { syncOn?: boolean; configured?: boolean; locale?: string } = {}) {
	const transport = new FakeTransport();
	transport.answers.set('rpc:save_push_subscription', { id: 'sub-1' });
	transport.answers.set('rpc:delete_push_subscription', null);
	transport.answers.set('rpc:push_subscription_status', {
		subscribed: true,
		last_sent_at: '2026-12-02T00:30:00Z',
		last_error: null
	});
	transport.answers.set('fn:send-reminders', { sent: 1 });
	const device = new FakeDevice();
	let leaving: ((transport: SyncTransport) => Promise<void>) | null = null;
	const world = {
		syncOn: options.syncOn ?? true,
		locale: options.locale ?? 'zh-TW'
	};
	const reminders = new RemindersState(
		{
			configured: options.configured ?? true,
			vapidKey: 'BF7-key',
			syncOn: async () => world.syncOn,
			transport: async () => (world.syncOn ? transport : null),
			beforeLeaving: (listener) => (leaving = listener),
			device,
			locale: () => world.locale
		},
		true
	);
	return {
		reminders,
		transport,
		device,
		world,
		rpcs: () => transport.featureCalls.map(({ name }) => name),
		leave: () => leaving?.(transport)
	};
}

describe('what reminders can do on this device', () => {
	it('cannot arrive without sync, and says so before anything else', async () => {
		const { reminders, device } = setUp({ syncOn: false });
		device.userAgent = IPHONE;
		await reminders.load();
		expect(reminders).toMatchObject({ availability: 'no-sync', on: false, loaded: true });
		expect(device.asked).toBe(0);
	});

	it('needs the Home Screen on an iPhone browser tab', async () => {
		const { reminders, device } = setUp();
		device.userAgent = IPHONE;
		device.pushSupported = false;
		await reminders.load();
		expect(reminders.availability).toBe('home-screen');
	});

	it('reads this device’s status from the server', async () => {
		const { reminders, device, transport } = setUp();
		device.subscription = pushed;
		device.saved = { endpoint: pushed.endpoint, locale: 'zh-TW' };
		await reminders.load();
		expect(reminders).toMatchObject({
			availability: 'ready',
			on: true,
			statusUnknown: false,
			status: { subscribed: true, lastSentAt: '2026-12-02T00:30:00Z', lastError: null }
		});
		expect(transport.featureCalls).toEqual([
			{ name: 'rpc:push_subscription_status', args: { endpoint: pushed.endpoint } }
		]);
	});

	it('tells the server the new language once it was switched', async () => {
		const { reminders, device, transport } = setUp({ locale: 'en' });
		device.subscription = pushed;
		device.saved = { endpoint: pushed.endpoint, locale: 'zh-TW' };
		await reminders.load();
		expect(transport.featureCalls).toEqual([
			{
				name: 'rpc:save_push_subscription',
				args: { ...pushed, ua_family: 'chrome', locale: 'en' }
			},
			{ name: 'rpc:push_subscription_status', args: { endpoint: pushed.endpoint } }
		]);
		expect(device.saved).toEqual({ endpoint: pushed.endpoint, locale: 'en' });
	});

	it('moves the account to the subscription the browser renewed', async () => {
		const { reminders, device, rpcs, transport } = setUp();
		device.subscription = pushed;
		device.saved = { endpoint: 'https://fcm.googleapis.com/fcm/send/old', locale: 'zh-TW' };
		await reminders.load();
		expect(rpcs()).toEqual([
			'rpc:save_push_subscription',
			'rpc:delete_push_subscription',
			'rpc:push_subscription_status'
		]);
		expect(transport.featureCalls[1]?.args).toEqual({
			endpoint: 'https://fcm.googleapis.com/fcm/send/old'
		});
		expect(device.saved).toEqual({ endpoint: pushed.endpoint, locale: 'zh-TW' });
		expect(reminders.on).toBe(true);
	});

	it('keeps what the device knows when the server cannot be asked', async () => {
		const { reminders, device, transport } = setUp();
		device.subscription = pushed;
		transport.failures.set('rpc:push_subscription_status', new TransportFailure('offline'));
		await reminders.load();
		expect(reminders).toMatchObject({ on: true, statusUnknown: true });
	});

	it('stays off when turned off while its status was still being read', async () => {
		const { reminders, device, transport, rpcs } = setUp();
		device.subscription = pushed;
		device.saved = { endpoint: pushed.endpoint, locale: 'zh-TW' };
		let answer: (status: unknown) => void = () => undefined;
		transport.answers.set(
			'rpc:push_subscription_status',
			new Promise((resolve) => (answer = resolve))
		);
		const loading = reminders.load();
		await vi.waitFor(() => expect(rpcs()).toContain('rpc:push_subscription_status'));

		await reminders.turnOff();
		answer({ subscribed: true, last_sent_at: null, last_error: null });
		await loading;

		expect(reminders).toMatchObject({ on: false, status: null, outcome: 'turned_off' });
		expect(device.subscription).toBeNull();
	});

	it('lets go of a subscription left behind with sync off', async () => {
		const { reminders, device } = setUp({ syncOn: false });
		device.subscription = pushed;
		device.saved = { endpoint: pushed.endpoint, locale: 'zh-TW' };
		await reminders.load();
		expect(device.subscription).toBeNull();
		expect(device.saved).toBeNull();
	});
});

describe('turning reminders on', () => {
	it('asks for permission, subscribes and saves it with the browser family and language', async () => {
		const { reminders, device, transport } = setUp();
		await reminders.load();
		await reminders.turnOn();
		expect(device.asked).toBe(1);
		expect(reminders).toMatchObject({ on: true, outcome: 'turned_on', busy: null });
		expect(transport.featureCalls).toEqual([
			{
				name: 'rpc:save_push_subscription',
				args: { ...pushed, ua_family: 'chrome', locale: 'zh-TW' }
			}
		]);
		expect(device.saved).toEqual({ endpoint: pushed.endpoint, locale: 'zh-TW' });
	});

	it('asks for permission before anything is awaited (Safari asks only from the tap)', () => {
		const { reminders, device } = setUp();
		void reminders.turnOn();
		expect(device.asked).toBe(1);
	});

	it('stays off, saying how to allow them again, when notifications are refused', async () => {
		const { reminders, device, rpcs } = setUp();
		device.answer = 'denied';
		await reminders.turnOn();
		expect(reminders).toMatchObject({
			on: false,
			outcome: 'failed_permission',
			availability: 'denied'
		});
		expect(device.subscription).toBeNull();
		expect(rpcs()).toEqual([]);
	});

	it('stays off when the browser cannot subscribe (no push service)', async () => {
		const { reminders, device, rpcs } = setUp();
		device.pushServiceDown = true;
		await reminders.turnOn();
		expect(reminders).toMatchObject({ on: false, outcome: 'failed_subscribe' });
		expect(rpcs()).toEqual([]);
	});

	it('lets the subscription go when the server could not save it', async () => {
		const { reminders, device, transport } = setUp();
		transport.failures.set('rpc:save_push_subscription', new TransportFailure('offline'));
		await reminders.turnOn();
		expect(reminders).toMatchObject({ on: false, outcome: 'failed_network' });
		expect(device.subscription).toBeNull();
		expect(device.saved).toBeNull();

		transport.failures.set('rpc:save_push_subscription', new ServerRefusal('P0001', 'bad'));
		await reminders.turnOn();
		expect(reminders.outcome).toBe('failed');
	});
});

describe('turning reminders off and leaving', () => {
	it('unsubscribes here and removes the subscription from the account', async () => {
		const { reminders, device, transport } = setUp();
		await reminders.turnOn();
		await reminders.turnOff();
		expect(reminders).toMatchObject({ on: false, outcome: 'turned_off', status: null });
		expect(device.subscription).toBeNull();
		expect(device.saved).toBeNull();
		expect(transport.featureCalls.at(-1)).toEqual({
			name: 'rpc:delete_push_subscription',
			args: { endpoint: pushed.endpoint }
		});
	});

	it('unsubscribes here even when the server cannot be told', async () => {
		const { reminders, device, transport } = setUp();
		await reminders.turnOn();
		transport.failures.set('rpc:delete_push_subscription', new TransportFailure('offline'));
		await reminders.turnOff();
		expect(reminders.outcome).toBe('turned_off');
		expect(device.subscription).toBeNull();
	});

	it('does the same when this device signs out or deletes the account', async () => {
		const { reminders, device, rpcs, leave } = setUp();
		await reminders.turnOn();
		await leave();
		expect(device.subscription).toBeNull();
		expect(reminders.on).toBe(false);
		expect(rpcs().at(-1)).toBe('rpc:delete_push_subscription');
	});
});

describe('the test reminder', () => {
	it('asks the Edge Function to push to this device, then reads the status again', async () => {
		const { reminders, transport } = setUp();
		await reminders.turnOn();
		await reminders.sendTest();
		expect(reminders.outcome).toBe('test_sent');
		expect(transport.featureCalls.slice(-2)).toEqual([
			{ name: 'fn:send-reminders', args: { test: true, endpoint: pushed.endpoint } },
			{ name: 'rpc:push_subscription_status', args: { endpoint: pushed.endpoint } }
		]);
	});

	it.each([
		[new ServerRefusal('no_subscription'), 'test_failed_no_subscription'],
		[new ServerRefusal('push_failed'), 'test_failed_push'],
		[new TransportFailure('offline'), 'test_failed']
	])('says what went wrong (%s)', async (failure, outcome) => {
		const { reminders, transport } = setUp();
		await reminders.turnOn();
		transport.failures.set('fn:send-reminders', failure);
		await reminders.sendTest();
		expect(reminders.outcome).toBe(outcome);
	});
});

describe('the offer after the first kept person', () => {
	it('shows once, and never again once made', async () => {
		const { reminders } = setUp();
		await reminders.offerAfterKeep();
		expect(reminders.offering).toBe(true);
		reminders.dismissOffer();
		await reminders.offerAfterKeep();
		expect(reminders.offering).toBe(false);
	});

	it('also speaks to people without sync (they get the calendar instead)', async () => {
		const { reminders } = setUp({ syncOn: false });
		await reminders.offerAfterKeep();
		expect(reminders).toMatchObject({ offering: true, availability: 'no-sync' });
	});

	it('is not made when reminders are on already, or notifications are blocked', async () => {
		const on = setUp();
		on.device.subscription = pushed;
		await on.reminders.offerAfterKeep();
		expect(on.reminders.offering).toBe(false);

		const blocked = setUp();
		blocked.device.permission = 'denied';
		await blocked.reminders.offerAfterKeep();
		expect(blocked.reminders.offering).toBe(false);
	});

	it('stays to say reminders are on once turned on from it, until put away', async () => {
		const { reminders } = setUp();
		await reminders.offerAfterKeep();
		await reminders.turnOn();
		expect(reminders).toMatchObject({ offering: true, on: true, outcome: 'turned_on' });
	});
});
