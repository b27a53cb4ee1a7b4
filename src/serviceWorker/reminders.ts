import en from '../../messages/reminders/en.json' with { type: 'json' };
import zhTW from '../../messages/reminders/zh-TW.json' with { type: 'json' };
import { appPath, readReminderPush, windowFor } from '../lib/domain/reminders/push';
import { languageFromBrowser } from '../lib/i18n/browserLanguage';

// The reminders part of the service worker: the generated worker (pwa.config.ts) loads this with
// importScripts, so the precaching stays exactly what vite-pwa generates. Bundled into one classic
// script by reminders-worker.config.ts. The worker has no DOM, hence the few types of its own.

interface Waitable extends Event {
	waitUntil(promise: Promise<unknown>): void;
}

interface PushEventLike extends Waitable {
	data: { text(): string } | null;
}

interface NotificationEventLike extends Waitable {
	notification: Notification;
}

interface WindowClientLike {
	url: string;
	focus(): Promise<WindowClientLike>;
	navigate(url: string): Promise<WindowClientLike | null>;
}

interface WorkerScope {
	location: Location;
	navigator: Navigator;
	registration: ServiceWorkerRegistration;
	clients: {
		matchAll(options: {
			type: 'window';
			includeUncontrolled: boolean;
		}): Promise<WindowClientLike[]>;
		openWindow(url: string): Promise<WindowClientLike | null>;
	};
	addEventListener(type: 'push' | 'notificationclick', listener: (event: Event) => void): void;
}

const scope = globalThis as unknown as WorkerScope;
const messages = { 'zh-TW': zhTW, en };

/** The generic line speaks the device's language: an unreadable push names none. */
function fallbackText() {
	const lang = languageFromBrowser(scope.navigator.languages ?? [scope.navigator.language]);
	const text = messages[lang];
	return {
		title: text.reminders_push_fallback_title,
		body: text.reminders_push_fallback_body,
		lang
	};
}

/** Badging exists only for installed apps on some platforms; elsewhere the count just is not shown. */
async function setBadge(count: number): Promise<void> {
	const navigator = scope.navigator;
	try {
		if (count === 0) await navigator.clearAppBadge?.();
		else await navigator.setAppBadge?.(count);
	} catch {
		// Not installed, or not allowed: the notification itself still says how many.
	}
}

async function showReminder(text: string | null): Promise<void> {
	const reminder = readReminderPush(text, scope.location.origin, fallbackText());
	await scope.registration.showNotification(reminder.title, reminder.options);
	if (reminder.badge !== null) await setBadge(reminder.badge);
}

/** Sends an open window to `target`; null when it cannot be (a window this worker does not control). */
async function sendTo(client: WindowClientLike, target: string): Promise<WindowClientLike | null> {
	try {
		return await client.navigate(target);
	} catch {
		return null;
	}
}

async function openApp(data: unknown): Promise<void> {
	const origin = scope.location.origin;
	const navigate = (data as { navigate?: unknown } | null)?.navigate;
	const target = new URL(appPath(navigate, origin), origin).href;
	const windows = await scope.clients.matchAll({ type: 'window', includeUncontrolled: true });
	const chosen = windowFor(windows, target);
	const client = chosen ? windows[chosen.index] : undefined;
	const shown = client && chosen?.navigate ? await sendTo(client, target) : client;
	if (shown) await shown.focus();
	else await scope.clients.openWindow(target);
}

scope.addEventListener('push', (event) => {
	const push = event as PushEventLike;
	push.waitUntil(showReminder(push.data?.text() ?? null));
});

scope.addEventListener('notificationclick', (event) => {
	const click = event as NotificationEventLike;
	click.notification.close();
	click.waitUntil(openApp(click.notification.data));
});
