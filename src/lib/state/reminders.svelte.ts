import * as server from '$lib/data/reminders';
import type { DeviceSubscription } from '$lib/data/reminders';
import type { ReminderStatus } from '$lib/domain/reminders/outcomes';
import * as browserDevice from '$lib/data/reminderDevice';
import type { SavedSubscription } from '$lib/data/reminderDevice';
import { supabaseConfig } from '$lib/data/sync/config';
import type { SyncTransport } from '$lib/data/sync/transport';
import {
	reminderAvailability,
	uaFamily,
	type ReminderAvailability,
	type ReminderDeviceFacts
} from '$lib/domain/reminders/device';
import { getLocale } from '$lib/i18n/locale';
import { failureCode, sync } from './sync.svelte';
import type { RemindersOutcome } from '$lib/domain/reminders/outcomes';

// "Remind me the morning after an event?": whether this device can get reminders, the switch,
// its status on the server and the test reminder. Loaded by Settings, and after the first kept
// person for the one-time offer; no push code reaches the first load.

/** This device's browser side, so the specs can play it. */
export interface ReminderDevice {
	facts(): Omit<ReminderDeviceFacts, 'syncOn'>;
	requestPermission(): Promise<NotificationPermission>;
	current(): Promise<DeviceSubscription | null>;
	subscribe(vapidKey: string): Promise<DeviceSubscription>;
	unsubscribe(): Promise<string | null>;
	readSaved(): SavedSubscription | null;
	writeSaved(saved: SavedSubscription | null): void;
	wasOffered(): boolean;
	markOffered(): void;
}

export interface RemindersDependencies {
	/** Sync is configured in this build and it has a VAPID key: a server could push. */
	configured: boolean;
	vapidKey: string | null;
	/** Whether this person has sync on (starting it if it was). */
	syncOn(): Promise<boolean>;
	/** The running sync transport; null while sync is off or could not start. */
	transport(): Promise<SyncTransport | null>;
	/** Signing out and deleting the account call back first, with the session still valid. */
	beforeLeaving(listener: (transport: SyncTransport) => Promise<void>): void;
	device: ReminderDevice;
	locale(): string;
}

export class RemindersState {
	readonly configured: boolean;
	availability = $state<ReminderAvailability>('no-sync');
	/** Sync could be turned on in this build: "turn on Back up & sync" is worth saying. */
	readonly syncConfigured: boolean;
	/** This device is subscribed and the server holds it. */
	on = $state(false);
	status = $state<ReminderStatus | null>(null);
	/** The server could not be asked just now (offline): `on` is what the device knows. */
	statusUnknown = $state(false);
	loaded = $state(false);
	busy = $state<'on' | 'off' | 'test' | null>(null);
	outcome = $state<RemindersOutcome | null>(null);
	/** The one-time offer after the first kept person is showing. */
	offering = $state(false);

	#deps: RemindersDependencies;

	constructor(deps: RemindersDependencies, syncConfigured: boolean) {
		this.#deps = deps;
		this.configured = deps.configured;
		this.syncConfigured = syncConfigured;
		deps.beforeLeaving((transport) => this.#leave(transport));
	}

	#syncSeen: boolean | null = null;

	/**
	 * Settings hands over sync's switch as it shows it: reminders ride on sync, so they are read
	 * on the first call and again whenever it flips.
	 */
	followSync(enabled: boolean): void {
		if (this.#syncSeen === enabled) return;
		this.#syncSeen = enabled;
		void this.load();
	}

	/** Reads what this device can do and, with sync on, what the server holds for it. */
	async load(): Promise<void> {
		const syncOn = this.configured && (await this.#deps.syncOn());
		const facts = this.#deps.device.facts();
		this.availability = reminderAvailability({ syncOn, ...facts });
		const device = facts.pushSupported ? await this.#deps.device.current() : null;
		if (!syncOn || !device) {
			// Signed out while nothing was listening: a subscription without an account goes.
			if (device) await this.#deps.device.unsubscribe().catch(() => null);
			this.#forget();
			this.loaded = true;
			return;
		}
		this.on = true;
		await this.#readStatus(device);
		this.loaded = true;
	}

	// Counts the person's taps on "on" and "off": a status read that a tap overtook is stale.
	#choices = 0;

	async #readStatus(device: DeviceSubscription): Promise<void> {
		const choices = this.#choices;
		const transport = await this.#deps.transport();
		try {
			if (!transport) throw new Error('sync is not running');
			// Turned on here, but the language was switched since (switching reloads, and Settings
			// loads this), or the browser renewed the subscription: the server hears of it now.
			const saved = this.#deps.device.readSaved();
			if (saved && (saved.locale !== this.#deps.locale() || saved.endpoint !== device.endpoint)) {
				await this.#save(transport, device);
				if (saved.endpoint !== device.endpoint) {
					await server.deletePushSubscription(transport, saved.endpoint);
				}
			}
			const status = await server.pushSubscriptionStatus(transport, device.endpoint);
			if (choices !== this.#choices) return;
			this.status = status;
			this.statusUnknown = false;
			this.on = status.subscribed;
		} catch {
			if (choices === this.#choices) this.statusUnknown = true;
		}
	}

	async #save(transport: SyncTransport, device: DeviceSubscription): Promise<void> {
		const locale = this.#deps.locale();
		await server.savePushSubscription(transport, {
			...device,
			uaFamily: uaFamily(this.#deps.device.facts().userAgent),
			locale
		});
		this.#deps.device.writeSaved({ endpoint: device.endpoint, locale });
	}

	#forget(): void {
		this.#deps.device.writeSaved(null);
		this.on = false;
		this.status = null;
		this.statusUnknown = false;
	}

	/**
	 * "Yes, remind me". Asks for permission first thing: Safari only asks from a tap, so nothing
	 * may be awaited before it.
	 */
	async turnOn(): Promise<void> {
		const asked = this.#deps.device.requestPermission();
		this.#choices++;
		this.busy = 'on';
		this.outcome = null;
		try {
			this.outcome = await this.#subscribe(await asked);
		} finally {
			this.busy = null;
		}
	}

	async #subscribe(permission: NotificationPermission): Promise<RemindersOutcome> {
		if (permission !== 'granted') {
			if (permission === 'denied') this.availability = 'denied';
			return 'failed_permission';
		}
		const vapidKey = this.#deps.vapidKey;
		if (!vapidKey) return 'failed';
		let device: DeviceSubscription;
		try {
			device = await this.#deps.device.subscribe(vapidKey);
		} catch {
			return 'failed_subscribe';
		}
		const transport = await this.#deps.transport();
		try {
			if (!transport) throw new Error('sync is not running');
			await this.#save(transport, device);
		} catch (error) {
			// Not on the server, so nothing would ever be sent to it: the device lets it go too.
			await this.#deps.device.unsubscribe().catch(() => null);
			return !transport || failureCode(error) === 'network' ? 'failed_network' : 'failed';
		}
		this.on = true;
		this.status = { subscribed: true, lastSentAt: null, lastError: null };
		this.statusUnknown = false;
		return 'turned_on';
	}

	/** Unsubscribes here and removes the subscription from the account. */
	async turnOff(): Promise<void> {
		this.#choices++;
		this.busy = 'off';
		this.outcome = null;
		try {
			const transport = await this.#deps.transport();
			if (transport) await this.#leave(transport);
			else await this.#unsubscribe();
			this.outcome = 'turned_off';
		} finally {
			this.busy = null;
		}
	}

	async #unsubscribe(): Promise<string | null> {
		const endpoint = await this.#deps.device.unsubscribe().catch(() => null);
		const known = endpoint ?? this.#deps.device.readSaved()?.endpoint ?? null;
		this.#forget();
		return known;
	}

	/**
	 * This device stops getting reminders for the account: signing out, deleting the account,
	 * turning them off. The server forgets it too; if it cannot be told now, its next push to the
	 * dead subscription is refused and it forgets it then.
	 */
	async #leave(transport: SyncTransport): Promise<void> {
		const endpoint = await this.#unsubscribe();
		if (endpoint) await server.deletePushSubscription(transport, endpoint).catch(() => undefined);
	}

	async sendTest(): Promise<void> {
		this.busy = 'test';
		this.outcome = null;
		try {
			this.outcome = await this.#sendTest();
		} finally {
			this.busy = null;
		}
	}

	async #sendTest(): Promise<RemindersOutcome> {
		const device = await this.#deps.device.current().catch(() => null);
		if (!device) return 'test_failed_no_subscription';
		const transport = await this.#deps.transport();
		if (!transport) return 'test_failed';
		try {
			await server.sendTestReminder(transport, device.endpoint);
		} catch (error) {
			const code = failureCode(error);
			if (code === 'no_subscription') return 'test_failed_no_subscription';
			if (code === 'push_failed') return 'test_failed_push';
			return 'test_failed';
		}
		await this.#readStatus(device);
		return 'test_sent';
	}

	/**
	 * After someone is kept: the first time ever, a gentle offer, unless reminders are already on
	 * or could not work here anyway for reasons the person cannot change from the app.
	 */
	async offerAfterKeep(): Promise<void> {
		if (this.#deps.device.wasOffered()) return;
		this.#deps.device.markOffered();
		await this.load();
		if (this.on || this.availability === 'unsupported' || this.availability === 'denied') return;
		this.offering = true;
	}

	dismissOffer(): void {
		this.offering = false;
	}
}

function browserDependencies(): RemindersDependencies {
	return {
		configured: supabaseConfig !== null && browserDevice.vapidPublicKey !== null,
		vapidKey: browserDevice.vapidPublicKey,
		async syncOn() {
			await sync.start();
			return sync.enabled;
		},
		transport: async () => (await sync.connection())?.transport ?? null,
		beforeLeaving(listener) {
			sync.beforeLeaving(listener);
		},
		device: {
			facts: () => ({
				userAgent: navigator.userAgent,
				maxTouchPoints: navigator.maxTouchPoints ?? 0,
				standalone: browserDevice.runsStandalone(),
				pushSupported: browserDevice.pushSupported(),
				permission: browserDevice.notificationPermission()
			}),
			requestPermission: browserDevice.requestNotificationPermission,
			current: browserDevice.currentSubscription,
			subscribe: browserDevice.subscribe,
			unsubscribe: browserDevice.unsubscribe,
			readSaved: browserDevice.readSaved,
			writeSaved: browserDevice.writeSaved,
			wasOffered: browserDevice.wasOffered,
			markOffered: browserDevice.markOffered
		},
		locale: getLocale
	};
}

export const reminders = new RemindersState(browserDependencies(), supabaseConfig !== null);
