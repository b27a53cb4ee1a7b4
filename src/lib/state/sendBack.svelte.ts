import {
	sendBackClient,
	sendBackStore,
	type PendingSendBack,
	type SendBackClient,
	type SendBackStore
} from '$lib/data/sendBack';
import { supabaseConfig } from '$lib/data/sync/config';
import { ServerRefusal, TransportFailure } from '$lib/data/sync/transport';
import {
	checkSendBack,
	sameOwner,
	type SendBackErrors,
	type SendBackInput
} from '$lib/domain/sendBack';
import type { SendBackUnavailable } from '$lib/domain/sendBack';
import type { SendBackPhase } from '$lib/domain/sendBack';

// A guest on the card page sends their own contact to the QR's owner: one tap, no account.
// Offline, the form is kept in this browser and goes out once it is back online, while the page
// is open or the next time it is opened; the delivery id makes every retry deliver it once.

export interface SendBackDependencies {
	/** Null when the build has no Supabase project. */
	client: SendBackClient | null;
	/** Null when this browser keeps nothing (private mode, storage blocked). */
	store: SendBackStore | null;
	isOnline(): boolean;
	/** Calls back when the browser is back online; returns how to stop. */
	onOnline(listener: () => void): () => void;
	newId(): string;
	now(): string;
}

/** Online by the browser's account but the server did not answer: try again after this. */
export const SEND_BACK_RETRY_MS = 10_000;

const unavailableCodes: Record<string, SendBackUnavailable> = {
	exchange_token_invalid: 'invalid',
	exchange_token_expired: 'expired',
	exchange_token_revoked: 'revoked',
	exchange_token_full: 'full'
};

export class SendBack {
	state = $state<SendBackPhase>({ phase: 'checking' });
	/** Whom it goes to, as the page names them: the server's name once it was asked. */
	ownerName = $state('');

	readonly #deps: SendBackDependencies;
	readonly #token: string;
	readonly #shownName: string;
	#stop: (() => void) | null = null;
	#retry: ReturnType<typeof setTimeout> | undefined;
	#guestId: string | null = null;

	/** `shownName` is the name on the link's card, which the token's owner must have. */
	constructor(deps: SendBackDependencies, token: string, shownName: string) {
		this.#deps = deps;
		this.#token = token;
		this.#shownName = shownName;
		this.ownerName = shownName;
	}

	/** Reads what this browser kept for the token, asks the server about it, sends what waits. */
	async open(): Promise<void> {
		const { client, store } = this.#deps;
		if (!client) {
			this.state = { phase: 'unavailable', reason: 'no_backend' };
			return;
		}
		this.#stop ??= this.#deps.onOnline(() => void this.#flush());
		if (store?.sent(this.#token)) {
			this.state = { phase: 'sent', later: false };
			return;
		}
		if (store?.pending(this.#token)) {
			this.state = { phase: 'queued' };
			await this.#flush();
			return;
		}
		try {
			const peek = await client.peek(this.#token);
			if (peek.status !== 'usable') {
				this.state = { phase: 'unavailable', reason: peek.status };
			} else if (sameOwner(this.#shownName, peek.ownerName)) {
				this.ownerName = peek.ownerName ?? this.#shownName;
				this.state = { phase: 'ready', verified: true };
			} else {
				this.state = { phase: 'mismatch', ownerName: peek.ownerName };
			}
		} catch {
			// Offline or the server unreachable: the form is still offered, and the server checks
			// the owner when it arrives.
			this.state = { phase: 'ready', verified: false };
		}
	}

	/** One tap: the problems to show, or null once it is sent or kept for later. */
	async submit(input: SendBackInput): Promise<SendBackErrors | null> {
		if (this.state.phase !== 'ready' && this.state.phase !== 'refused') return null;
		const check = checkSendBack(input);
		if (!check.ok) return check.errors;
		const pending: PendingSendBack = {
			token: this.#token,
			ownerName: this.#shownName,
			card: check.card,
			message: check.message,
			deliveryId: this.#deps.newId(),
			guestId: this.#guest()
		};
		let kept: boolean;
		try {
			this.#deps.store?.keep(pending);
			kept = this.#deps.store !== null;
		} catch {
			kept = false;
		}
		if (!this.#deps.isOnline()) {
			this.state = kept ? { phase: 'queued' } : { phase: 'refused', code: 'offline_unkept' };
			return null;
		}
		await this.#deliver(pending, false, kept);
		return null;
	}

	/** This browser's id for the server's per-sender cap; one per page when it keeps nothing. */
	#guest(): string {
		if (this.#guestId) return this.#guestId;
		try {
			this.#guestId = this.#deps.store?.guestId(() => this.#deps.newId()) ?? null;
		} catch {
			this.#guestId = null;
		}
		this.#guestId ??= this.#deps.newId();
		return this.#guestId;
	}

	/** The page is closing: stop listening for the network. */
	close(): void {
		this.#stop?.();
		this.#stop = null;
		clearTimeout(this.#retry);
	}

	async #flush(): Promise<void> {
		clearTimeout(this.#retry);
		const pending = this.#deps.store?.pending(this.#token);
		if (!pending || this.state.phase === 'sending' || !this.#deps.isOnline()) return;
		await this.#deliver(pending, true, true);
	}

	async #deliver(pending: PendingSendBack, later: boolean, kept: boolean): Promise<void> {
		const { client, store } = this.#deps;
		if (!client) return;
		this.state = { phase: 'sending' };
		try {
			await client.send(pending);
		} catch (error) {
			this.#failed(error, kept);
			return;
		}
		try {
			store?.markSent(this.#token, pending.ownerName, this.#deps.now());
		} catch {
			// Nothing kept, so nothing to clear: a reload offers the form again.
		}
		this.state = { phase: 'sent', later };
	}

	#failed(error: unknown, kept: boolean): void {
		if (error instanceof TransportFailure || !(error instanceof ServerRefusal)) {
			this.state = kept ? { phase: 'queued' } : { phase: 'refused', code: 'network' };
			// Venue Wi-Fi that is up but lets nothing through fires no "online" event.
			if (kept && this.#stop) {
				this.#retry = setTimeout(() => void this.#flush(), SEND_BACK_RETRY_MS);
			}
			return;
		}
		try {
			this.#deps.store?.drop(this.#token);
		} catch {
			// Nothing was kept.
		}
		const unavailable = unavailableCodes[error.code];
		if (unavailable) this.state = { phase: 'unavailable', reason: unavailable };
		else if (error.code === 'exchange_owner_mismatch') {
			this.state = { phase: 'mismatch', ownerName: null };
		} else this.state = { phase: 'refused', code: error.code };
	}
}

function keptInBrowser(): SendBackStore | null {
	try {
		return typeof localStorage === 'undefined' ? null : sendBackStore(localStorage);
	} catch {
		return null;
	}
}

export function browserSendBack(): SendBackDependencies {
	return {
		client: supabaseConfig ? sendBackClient(supabaseConfig) : null,
		store: keptInBrowser(),
		isOnline: () => navigator.onLine,
		onOnline(listener) {
			addEventListener('online', listener);
			return () => removeEventListener('online', listener);
		},
		newId: () => crypto.randomUUID(),
		// eslint-disable-next-line svelte/prefer-svelte-reactivity -- a stored timestamp, not state
		now: () => new Date().toISOString()
	};
}
