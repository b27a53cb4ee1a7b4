// One encrypted Web Push request (RFC 8291 aes128gcm, VAPID per RFC 8292) through a maintained
// Web Crypto library, and what the push service's answer means for the subscription.
import { buildPushPayload } from 'npm:@block65/webcrypto-web-push@2.0.0';
import type { PushPayload } from './messages.ts';

export interface Vapid {
	/** Uncompressed P-256 public key, base64url (what the app passes to pushManager.subscribe). */
	publicKey: string;
	/** The private scalar, base64url (as `npx web-push generate-vapid-keys` prints it). */
	privateKey: string;
	/** mailto: or https: contact for the push services. */
	subject: string;
}

export interface PushTarget {
	endpoint: string;
	p256dh: string;
	auth: string;
}

export interface PushOptions {
	vapid: Vapid;
	/** Seconds the push service keeps the message for an offline device. */
	ttl: number;
	/** A newer message with the same topic replaces one not delivered yet. */
	topic: string;
	timeoutMs: number;
}

/** sent: accepted; gone: 404/410, the subscription is dead; failed: worth another try. */
export type PushOutcome = { outcome: 'sent' } | { outcome: 'gone' | 'failed'; error: string };

export async function sendPush(
	target: PushTarget,
	payload: PushPayload,
	options: PushOptions
): Promise<PushOutcome> {
	let request;
	try {
		request = await buildPushPayload(
			{ data: payload, options: { ttl: options.ttl, topic: options.topic, urgency: 'normal' } },
			{
				endpoint: target.endpoint,
				expirationTime: null,
				keys: { p256dh: target.p256dh, auth: target.auth }
			},
			options.vapid
		);
	} catch (error) {
		// Not 'gone': a VAPID key the library refuses would otherwise cost every subscription.
		return { outcome: 'failed', error: `encrypt: ${message(error)}` };
	}
	try {
		const response = await fetch(target.endpoint, {
			method: 'POST',
			headers: request.headers,
			body: request.body,
			signal: AbortSignal.timeout(options.timeoutMs)
		});
		await response.body?.cancel();
		if (response.status === 404 || response.status === 410) {
			return { outcome: 'gone', error: `HTTP ${response.status}` };
		}
		if (response.ok) return { outcome: 'sent' };
		return { outcome: 'failed', error: `HTTP ${response.status}` };
	} catch (error) {
		if (error instanceof DOMException && error.name === 'TimeoutError') {
			return { outcome: 'failed', error: `timeout after ${options.timeoutMs} ms` };
		}
		return { outcome: 'failed', error: `network: ${message(error)}` };
	}
}

function message(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}
