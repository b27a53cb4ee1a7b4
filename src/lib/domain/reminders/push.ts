import * as z from 'zod/mini';

// What the service worker makes of a push and of a tap on its notification. The server sends the
// morning digest in the Declarative Web Push format (docs/reminders.md): browsers that speak it
// show it without waking the worker; the others hand it to the worker, which shows the same thing.
// Plain data in, plain data out, so the worker's glue (src/serviceWorker/reminders.ts) stays thin.

export const FOLLOW_UPS_PATH = '/follow-ups';
export const REMINDER_TAG = 'rapport-reminder';
export const REMINDER_ICON = '/icons/icon-192.png';

export interface ReminderNotification {
	title: string;
	options: {
		body: string;
		lang: string;
		tag: string;
		icon: string;
		data: { navigate: string };
	};
	/** What the app's badge should read; null leaves it as it is (a test reminder, a bad count). */
	badge: number | null;
}

/** The line shown when a push cannot be read, in the device's language. */
export interface FallbackText {
	title: string;
	body: string;
	lang: string;
}

const badgeSchema = z.union([
	z.int().check(z.nonnegative()),
	z.string().check(z.regex(/^\d{1,6}$/))
]);

const payloadSchema = z.object({
	web_push: z.literal(8030),
	notification: z.object({
		title: z.string().check(z.trim(), z.minLength(1)),
		body: z.optional(z.string()),
		navigate: z.optional(z.string()),
		app_badge: z.optional(z.unknown()),
		lang: z.optional(z.string()),
		tag: z.optional(z.string().check(z.minLength(1)))
	})
});

/**
 * A path of this app to open, never another site: a payload naming one (or nothing usable) opens
 * the follow-ups.
 */
export function appPath(navigate: unknown, origin: string): string {
	if (typeof navigate !== 'string' || navigate.trim() === '') return FOLLOW_UPS_PATH;
	try {
		const url = new URL(navigate, origin);
		if (url.origin !== origin) return FOLLOW_UPS_PATH;
		return url.pathname + url.search + url.hash;
	} catch {
		return FOLLOW_UPS_PATH;
	}
}

function parseJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return null;
	}
}

/**
 * The notification for a push's text. A push that cannot be read still shows a notification
 * (the generic line, opening the follow-ups, badge untouched): a subscription made with
 * `userVisibleOnly` promises one for every push, and browsers penalise silent ones — Chrome shows
 * its own "updated in the background", Safari ends the subscription after a few.
 */
export function readReminderPush(
	text: string | null,
	origin: string,
	fallback: FallbackText
): ReminderNotification {
	const parsed = payloadSchema.safeParse(text === null ? null : parseJson(text));
	if (!parsed.success) {
		return {
			title: fallback.title,
			options: {
				body: fallback.body,
				lang: fallback.lang,
				tag: REMINDER_TAG,
				icon: REMINDER_ICON,
				data: { navigate: FOLLOW_UPS_PATH }
			},
			badge: null
		};
	}
	const { title, body, navigate, app_badge, lang, tag } = parsed.data.notification;
	const badge = badgeSchema.safeParse(app_badge);
	return {
		title: title.trim(),
		options: {
			body: body ?? '',
			lang: lang ?? fallback.lang,
			tag: tag ?? REMINDER_TAG,
			icon: REMINDER_ICON,
			data: { navigate: appPath(navigate, origin) }
		},
		badge: badge.success ? Number(badge.data) : null
	};
}

/**
 * Which open window a tap on the notification should bring forward: one already showing the
 * target page, else any window of the app (it is then sent there), else none (a new one opens).
 */
export function windowFor(
	windows: readonly { url: string }[],
	target: string
): { index: number; navigate: boolean } | null {
	const targetUrl = new URL(target);
	const showing = windows.findIndex((window) => {
		const url = new URL(window.url);
		return url.origin === targetUrl.origin && url.pathname === targetUrl.pathname;
	});
	if (showing >= 0) return { index: showing, navigate: false };
	const ours = windows.findIndex((window) => new URL(window.url).origin === targetUrl.origin);
	return ours >= 0 ? { index: ours, navigate: true } : null;
}
