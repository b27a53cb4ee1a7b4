import * as z from 'zod/mini';
import type { UaFamily } from '$lib/domain/reminders/device';
import { ServerRefusal, type SyncTransport } from './sync/transport';
import type { ReminderStatus } from '$lib/domain/reminders/outcomes';

// The server's side of reminders (docs/reminders.md): this device's push subscription, saved to
// and removed from the account through its RPCs, its status, and a test reminder sent by the
// `send-reminders` Edge Function. Called on the sync transport, so on the same session.

/** What the push service gave this device: where to send, and the keys to encrypt with. */
export interface DeviceSubscription {
	endpoint: string;
	p256dh: string;
	auth: string;
}

const savedSchema = z.object({ id: z.string() });

const statusSchema = z.object({
	subscribed: z.boolean(),
	last_sent_at: z.nullish(z.string()),
	last_error: z.nullish(z.string())
});

const testSentSchema = z.object({ sent: z.number() });

const unexpected = (what: string) => new ServerRefusal('unknown', `Unexpected answer from ${what}`);

/** Saves (or moves to this account) the subscription, in the language reminders should speak. */
export async function savePushSubscription(
	transport: SyncTransport,
	subscription: DeviceSubscription & { uaFamily: UaFamily; locale: string }
): Promise<void> {
	const answer = savedSchema.safeParse(
		await transport.call('save_push_subscription', {
			endpoint: subscription.endpoint,
			p256dh: subscription.p256dh,
			auth: subscription.auth,
			ua_family: subscription.uaFamily,
			locale: subscription.locale
		})
	);
	if (!answer.success) throw unexpected('save_push_subscription');
}

/** Removes this device's subscription from the account; nothing happens if it was not there. */
export async function deletePushSubscription(
	transport: SyncTransport,
	endpoint: string
): Promise<void> {
	await transport.call('delete_push_subscription', { endpoint });
}

export async function pushSubscriptionStatus(
	transport: SyncTransport,
	endpoint: string
): Promise<ReminderStatus> {
	const answer = statusSchema.safeParse(
		await transport.call('push_subscription_status', { endpoint })
	);
	if (!answer.success) throw unexpected('push_subscription_status');
	return {
		subscribed: answer.data.subscribed,
		lastSentAt: answer.data.last_sent_at ?? null,
		lastError: answer.data.last_error ?? null
	};
}

/**
 * Asks the server to push a test reminder to this device now. Refusals: `no_subscription` (the
 * endpoint is not this account's), `push_failed` (the push service said no).
 */
export async function sendTestReminder(transport: SyncTransport, endpoint: string): Promise<void> {
	const answer = testSentSchema.safeParse(
		await transport.invoke('send-reminders', { test: true, endpoint })
	);
	if (!answer.success) throw unexpected('send-reminders');
}
