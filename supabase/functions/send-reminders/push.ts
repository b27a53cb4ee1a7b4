// One encrypted Web Push request (RFC 8291 aes128gcm, VAPID per RFC 8292) through a maintained
// Web Crypto library, and what the push service's answer means for the subscription.
import { encryptNotification, vapidHeaders } from 'npm:@block65/webcrypto-web-push@2.0.0';
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

// The library's VAPID JWT is valid for 12 hours. Signing one per push service and hour, not one
// per message, saves an ECDSA signature per device when 10,000 are due at once.
const VAPID_REUSE_MS = 60 * 60 * 1000;
const authorizations = new Map<string, { value: Promise<string>; until: number }>();

function authorizationFor(endpoint: string, vapid: Vapid): Promise<string> {
	const audience = new URL(endpoint).origin;
	const cached = authorizations.get(audience);
	if (cached && cached.until > Date.now()) return cached.value;
	const value = vapidHeaders(
		{ endpoint, expirationTime: null, keys: { p256dh: '', auth: '' } },
		vapid
	).then(({ headers }) => headers.authorization);
	authorizations.set(audience, { value, until: Date.now() + VAPID_REUSE_MS });
	// A failure is not kept: the next message tries again.
	value.catch(() => authorizations.delete(audience));
	return value;
}

export async function sendPush(
	target: PushTarget,
	payload: PushPayload,
	options: PushOptions
): Promise<PushOutcome> {
	let headers: Record<string, string>;
	let body: Uint8Array<ArrayBuffer>;
	try {
		const subscription = {
			endpoint: target.endpoint,
			expirationTime: null,
			keys: { p256dh: target.p256dh, auth: target.auth }
		};
		[headers, body] = await Promise.all([
			authorizationFor(target.endpoint, options.vapid).then((authorization) => ({
				authorization,
				ttl: String(options.ttl),
				topic: options.topic,
				urgency: 'normal',
				'content-encoding': 'aes128gcm',
				'content-type': 'application/octet-stream'
			})),
			encryptNotification(subscription, new TextEncoder().encode(JSON.stringify(payload)))
		]);
	} catch (error) {
		// Not 'gone': a VAPID key the library refuses would otherwise cost every subscription.
		return { outcome: 'failed', error: `encrypt: ${message(error)}` };
	}
	try {
		const response = await fetch(target.endpoint, {
			method: 'POST',
			headers,
			body,
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
