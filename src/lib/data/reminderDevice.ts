import { vapidKeyBytes } from '$lib/domain/reminders/device';
import type { DeviceSubscription } from './reminders';

// This device's side of reminders: the browser's notification permission and push subscription,
// and the little remembered about them (which language the server was last told, whether the
// offer after the first kept person was made). Browser APIs only; no server.

/** The VAPID public key this build pushes with (PUBLIC_VAPID_PUBLIC_KEY); null: no reminders. */
export const vapidPublicKey: string | null =
	(import.meta.env.PUBLIC_VAPID_PUBLIC_KEY as string | undefined)?.trim() || null;

/** The browser refused to subscribe (no push service, a key it rejects, a blocked origin). */
export class SubscribeFailed extends Error {
	constructor(options?: { cause?: unknown }) {
		super('The browser could not subscribe to push', options);
		this.name = 'SubscribeFailed';
	}
}

export function pushSupported(): boolean {
	return 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
}

export function notificationPermission(): NotificationPermission {
	return 'Notification' in window ? Notification.permission : 'default';
}

/** Must be called straight from the person's tap: Safari asks only on a user gesture. */
export function requestNotificationPermission(): Promise<NotificationPermission> {
	if (!('Notification' in window)) return Promise.resolve('denied');
	return Notification.requestPermission();
}

/** Opened from the Home Screen (or installed): iOS only pushes to such apps. */
export function runsStandalone(): boolean {
	const iosStandalone = (navigator as Navigator & { standalone?: boolean }).standalone === true;
	return iosStandalone || matchMedia('(display-mode: standalone)').matches;
}

/** The service worker's registration, once it is active; null when there is none in time. */
async function registration(timeoutMs = 10_000): Promise<ServiceWorkerRegistration | null> {
	if (!('serviceWorker' in navigator)) return null;
	const late = new Promise<null>((resolve) => setTimeout(() => resolve(null), timeoutMs));
	return Promise.race([navigator.serviceWorker.ready, late]);
}

function keysOf(subscription: PushSubscription): DeviceSubscription {
	const { endpoint, keys } = subscription.toJSON();
	if (!endpoint || !keys?.p256dh || !keys.auth) throw new SubscribeFailed();
	return { endpoint, p256dh: keys.p256dh, auth: keys.auth };
}

/** This device's push subscription, if it has one. */
export async function currentSubscription(): Promise<DeviceSubscription | null> {
	const found = await (await registration(3_000))?.pushManager.getSubscription();
	return found ? keysOf(found) : null;
}

/** Subscribes this device (or returns the subscription it already has). */
export async function subscribe(vapidKey: string): Promise<DeviceSubscription> {
	const ready = await registration();
	if (!ready) throw new SubscribeFailed();
	try {
		const subscription = await ready.pushManager.subscribe({
			userVisibleOnly: true,
			applicationServerKey: vapidKeyBytes(vapidKey)
		});
		return keysOf(subscription);
	} catch (error) {
		throw new SubscribeFailed({ cause: error });
	}
}

/** Ends this device's subscription with the push service; its endpoint, or null if none. */
export async function unsubscribe(): Promise<string | null> {
	const found = await (await registration(3_000))?.pushManager.getSubscription();
	if (!found) return null;
	await found.unsubscribe();
	return found.endpoint;
}

const SAVED_KEY = 'rapport.reminders';
const OFFERED_KEY = 'rapport.reminders.offered';

/** The endpoint and language last saved to the server from this device. */
export interface SavedSubscription {
	endpoint: string;
	locale: string;
}

export function readSaved(): SavedSubscription | null {
	try {
		const value: unknown = JSON.parse(localStorage.getItem(SAVED_KEY) ?? 'null');
		if (value && typeof value === 'object' && 'endpoint' in value && 'locale' in value) {
			const { endpoint, locale } = value;
			if (typeof endpoint === 'string' && typeof locale === 'string') return { endpoint, locale };
		}
	} catch {
		// Unreadable or denied: the next save writes it again.
	}
	return null;
}

export function writeSaved(saved: SavedSubscription | null): void {
	try {
		if (saved) localStorage.setItem(SAVED_KEY, JSON.stringify(saved));
		else localStorage.removeItem(SAVED_KEY);
	} catch {
		// Storage denied: the language is then re-sent on every visit to Settings, which is harmless.
	}
}

export function wasOffered(): boolean {
	try {
		return localStorage.getItem(OFFERED_KEY) !== null;
	} catch {
		// Without storage the offer would come back after every keep: count it as made.
		return true;
	}
}

export function markOffered(): void {
	try {
		localStorage.setItem(OFFERED_KEY, new Date().toISOString());
	} catch {
		// See wasOffered.
	}
}
