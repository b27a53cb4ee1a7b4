// What a device can do about reminders, decided from plain facts the data layer reads (its user
// agent, whether the app runs from the Home Screen, what the browser offers).

export type UaFamily = 'chrome' | 'safari' | 'firefox' | 'edge' | 'other';

/** A coarse browser family for the server's records: never the full user-agent string. */
export function uaFamily(userAgent: string): UaFamily {
	if (/\bEdg(e|A|iOS)?\//.test(userAgent)) return 'edge';
	if (/\b(Firefox|FxiOS)\//.test(userAgent)) return 'firefox';
	// No word boundary: HeadlessChrome/ (an automated Chromium) counts as Chrome too.
	if (/(Chrome|Chromium|CriOS)\//.test(userAgent)) return 'chrome';
	if (/\bSafari\//.test(userAgent) && /\bVersion\//.test(userAgent)) return 'safari';
	return 'other';
}

/**
 * An iPhone or iPad, whatever browser: all of them are Safari underneath, and Safari gives web
 * push only to apps opened from the Home Screen. iPadOS asks for desktop pages by default and
 * then reads as a Mac, told apart by its touch screen.
 */
export function isAppleMobile(userAgent: string, maxTouchPoints: number): boolean {
	if (/\b(iPhone|iPad|iPod)\b/.test(userAgent)) return true;
	return /\bMacintosh\b/.test(userAgent) && maxTouchPoints > 1;
}

export interface ReminderDeviceFacts {
	/** The build has a server (sync configured and a VAPID key) and this person turned sync on. */
	syncOn: boolean;
	userAgent: string;
	maxTouchPoints: number;
	/** Running as the installed app (display-mode standalone, or iOS's navigator.standalone). */
	standalone: boolean;
	/** Service workers, PushManager and Notification all exist here. */
	pushSupported: boolean;
	permission: NotificationPermission;
}

/**
 * What Settings and the offer after the first kept person can say:
 * - `no-sync`: nothing can reach this device while the app is closed (no server, or sync off);
 * - `home-screen`: on iOS in a browser tab, reminders need "Add to Home Screen" first;
 * - `unsupported`: this browser has no web push;
 * - `denied`: the person blocked notifications, and only the browser's settings undo that;
 * - `ready`: a tap can ask for permission and subscribe.
 */
export type ReminderAvailability = 'no-sync' | 'home-screen' | 'unsupported' | 'denied' | 'ready';

export function reminderAvailability(facts: ReminderDeviceFacts): ReminderAvailability {
	if (!facts.syncOn) return 'no-sync';
	if (isAppleMobile(facts.userAgent, facts.maxTouchPoints) && !facts.standalone) {
		return 'home-screen';
	}
	if (!facts.pushSupported) return 'unsupported';
	if (facts.permission === 'denied') return 'denied';
	return 'ready';
}

/** A VAPID public key (base64url, as PUBLIC_VAPID_PUBLIC_KEY holds it) as the bytes subscribe takes. */
export function vapidKeyBytes(base64url: string): Uint8Array<ArrayBuffer> {
	const base64 = base64url.trim().replace(/-/g, '+').replace(/_/g, '/');
	const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
	const bytes = new Uint8Array(binary.length);
	for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
	return bytes;
}
