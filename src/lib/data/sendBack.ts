import * as z from 'zod/mini';
import { storedCardSchema } from '$lib/domain/records';
import type { SupabaseConfig } from './sync/config';
import { ServerRefusal, TransportFailure } from './sync/transport';

// A guest's card going back to the QR's owner from the card page (docs/sync.md, "A guest without
// the app"): two RPCs `anon` may call, made with a plain fetch (no supabase-js, no account, a
// few hundred bytes on the venue's Wi-Fi), and the form kept in this browser until it is sent.

export type PeekStatus = 'usable' | 'invalid' | 'expired' | 'revoked' | 'full';

export interface Peek {
	status: PeekStatus;
	/** The owner's name as the server holds it; null unless usable (or when they have none). */
	ownerName: string | null;
}

/** A form the guest sent, kept until the server has it. */
export interface PendingSendBack {
	token: string;
	/** The name the page showed, which the server checks against the token's owner. */
	ownerName: string;
	card: z.infer<typeof storedCardSchema>;
	message: string | null;
	/** The idempotency key: the same form sent again is delivered once. */
	deliveryId: string;
	/** This browser's id (sendBackStore.guestId): the server's per-sender cap, and a second card
	 * to the same owner updating the first. */
	guestId: string;
}

const pendingSchema = z.object({
	token: z.string(),
	ownerName: z.string(),
	card: storedCardSchema,
	message: z.nullable(z.string()),
	deliveryId: z.uuid(),
	guestId: z.uuid()
});
const sentSchema = z.object({ ownerName: z.string(), at: z.string() });
const keptSchema = z.object({
	guestId: z.optional(z.uuid()),
	pending: z._default(z.array(pendingSchema), []),
	sent: z._default(z.record(z.string(), sentSchema), {})
});
type Kept = z.infer<typeof keptSchema>;

const KEY = 'rapport.sendBack';
/** Enough for any real evening; the oldest "sent" marks go first. */
const SENT_KEPT = 50;
/** A request that has not answered by then counts as the network failing: the form stays kept. */
const REQUEST_TIMEOUT_MS = 15_000;

/** The forms waiting to go, and the tokens already sent through, in this browser's storage. */
export function sendBackStore(storage: Pick<Storage, 'getItem' | 'setItem'>) {
	function read(): Kept {
		try {
			const parsed = keptSchema.safeParse(JSON.parse(storage.getItem(KEY) ?? '{}'));
			return parsed.success ? parsed.data : { pending: [], sent: {} };
		} catch {
			return { pending: [], sent: {} };
		}
	}
	function write(kept: Kept): void {
		const sent = Object.entries(kept.sent)
			.sort(([, a], [, b]) => b.at.localeCompare(a.at))
			.slice(0, SENT_KEPT);
		storage.setItem(KEY, JSON.stringify({ ...kept, sent: Object.fromEntries(sent) }));
	}
	return {
		/** This browser's guest id, made with `newId` the first time. Throws when the browser
		 * keeps nothing. */
		guestId(newId: () => string): string {
			const kept = read();
			if (kept.guestId) return kept.guestId;
			const guestId = newId();
			write({ ...kept, guestId });
			return guestId;
		},
		pending(token: string): PendingSendBack | null {
			return read().pending.find((item) => item.token === token) ?? null;
		},
		/** Throws when the browser keeps nothing (private mode, storage full). */
		keep(pending: PendingSendBack): void {
			const kept = read();
			write({
				...kept,
				pending: [...kept.pending.filter((item) => item.token !== pending.token), pending]
			});
		},
		sent(token: string): { ownerName: string } | null {
			return read().sent[token] ?? null;
		},
		markSent(token: string, ownerName: string, at: string): void {
			const kept = read();
			write({
				...kept,
				pending: kept.pending.filter((item) => item.token !== token),
				sent: { ...kept.sent, [token]: { ownerName, at } }
			});
		},
		drop(token: string): void {
			const kept = read();
			write({ ...kept, pending: kept.pending.filter((item) => item.token !== token) });
		}
	};
}

export type SendBackStore = ReturnType<typeof sendBackStore>;

const errorSchema = z.object({ code: z.optional(z.string()), message: z.optional(z.string()) });
const peekSchema = z.object({
	status: z.enum(['usable', 'invalid', 'expired', 'revoked', 'full']),
	owner_name: z.nullish(z.string())
});

/** The two calls, as `anon` with the project's publishable key. */
export function sendBackClient(config: SupabaseConfig, fetchImpl: typeof fetch = fetch) {
	async function rpc(name: string, args: Record<string, unknown>): Promise<unknown> {
		let response: Response;
		let body: unknown;
		try {
			response = await fetchImpl(`${config.url}/rest/v1/rpc/${name}`, {
				method: 'POST',
				headers: {
					apikey: config.anonKey,
					authorization: `Bearer ${config.anonKey}`,
					'content-type': 'application/json'
				},
				body: JSON.stringify(args),
				signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS)
			});
			body = await response.json();
		} catch (error) {
			throw new TransportFailure(`${name} did not answer`, { cause: error });
		}
		if (response.ok) return body;
		if (response.status === 408 || response.status >= 500) {
			throw new TransportFailure(`${name} failed with ${response.status}`);
		}
		const error = errorSchema.safeParse(body);
		const code = error.success && error.data.code === 'P0001' ? error.data.message : undefined;
		throw new ServerRefusal(code ?? `http_${response.status}`);
	}

	return {
		async peek(token: string): Promise<Peek> {
			const answer = peekSchema.safeParse(await rpc('peek_exchange', { token }));
			if (!answer.success) throw new ServerRefusal('unknown', 'Unexpected answer from peek');
			return { status: answer.data.status, ownerName: answer.data.owner_name ?? null };
		},
		async send(pending: PendingSendBack): Promise<void> {
			await rpc('send_card_back', {
				token: pending.token,
				owner_name: pending.ownerName,
				card: pending.card,
				delivery_id: pending.deliveryId,
				guest_id: pending.guestId,
				message: pending.message
			});
		}
	};
}

export type SendBackClient = ReturnType<typeof sendBackClient>;
