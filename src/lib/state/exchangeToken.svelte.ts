import type { ExchangeToken, SyncTransport } from '$lib/data/sync/transport';
import { ARRIVAL_PULL_MS } from '$lib/domain/card/exchange';
import { app } from './app.svelte';
import { failureCode, sync, type SyncConnection } from './sync.svelte';
import type { ExchangeOutcome } from '$lib/domain/sync/status';

// The one-scan exchange on top of sync: the short-lived token my QR carries while it is on
// screen, kept fresh until it closes, and my card going back to whoever's QR I kept. Loaded with
// sync by the screens that show a QR or keep a scanned card.

export interface ExchangeTokenFor extends ExchangeToken {
	/** The event the token was asked for (the server may have given one for no event instead). */
	requestedFor: string | null;
}

/** What the token keeper needs from outside, so the specs can run it against fakes. */
export interface ExchangeDependencies {
	/** Sync's engine and transport once it runs; null while sync is off. */
	connection(): Promise<SyncConnection | null>;
	/** Calls back when sync stops: a token of the account signed out of is no longer mine. */
	onSyncStopped(listener: () => void): () => void;
	/** My saved card with the shared fields only, as the card page sends it back; or null. */
	myCard(): Promise<Record<string, unknown> | null>;
	isOnline(): boolean;
	/** The page is on screen (not a background tab, not a locked phone). */
	isVisible(): boolean;
}

/** How long opening the QR waits for a token before it shows the card alone. */
export const TOKEN_WAIT_MS = 800;
/** A token this close to expiring is replaced, so a QR on screen never shows a dead one. */
export const TOKEN_RENEW_MARGIN_MS = 5 * 60_000;
/** Offline at renewal time: try again after this. */
export const TOKEN_RETRY_MS = 60_000;
// setTimeout misbehaves past 2^31 ms; a token for an event next month is checked hourly instead.
const LONGEST_TIMER_MS = 60 * 60_000;

export class ExchangeTokenState {
	/** The token in my QR, kept fresh while the QR is open; null when there is none. */
	current = $state<ExchangeTokenFor | null>(null);

	#deps: ExchangeDependencies;
	/** The event a token is kept fresh for while my QR is open; undefined when it is closed. */
	#tokenWanted: { eventId: string | null } | undefined = undefined;
	#tokenTimer: ReturnType<typeof setTimeout> | undefined;
	#tokenFetch: { eventId: string | null; token: Promise<string | null> } | null = null;
	#watch: ReturnType<typeof setInterval> | undefined;
	#pulling = false;

	constructor(deps: ExchangeDependencies) {
		this.#deps = deps;
		deps.onSyncStopped(() => {
			this.stopExchangeToken();
			this.current = null;
		});
	}

	/**
	 * The token to put in my QR, or null when there is none to give (sync off, offline, the server
	 * slow or refusing): the QR then carries my card alone, which still works. Waits a moment at
	 * most; a token that comes later, and each renewal before it expires, lands in
	 * `current` until `stopExchangeToken()`.
	 */
	async exchangeTokenFor(eventId: string | null): Promise<string | null> {
		this.#tokenWanted = { eventId };
		this.#watchForArrivals();
		const current = this.#usableToken(eventId);
		if (current) {
			this.#renewLater(current);
			return current.token;
		}
		let timer: ReturnType<typeof setTimeout> | undefined;
		const giveUp = new Promise<null>((resolve) => {
			timer = setTimeout(() => resolve(null), TOKEN_WAIT_MS);
		});
		try {
			return await Promise.race([this.#fetchToken(eventId), giveUp]);
		} finally {
			clearTimeout(timer);
		}
	}

	/** My QR closed: the token is kept for the next time, but no longer renewed. */
	stopExchangeToken(): void {
		this.#tokenWanted = undefined;
		clearTimeout(this.#tokenTimer);
		clearInterval(this.#watch);
		this.#watch = undefined;
	}

	/**
	 * "Show a new QR": a fresh token for the QR on screen, and every earlier one stops taking
	 * cards (a QR photographed and passed around, or shown to the wrong person). False when it
	 * could not be had (offline, sync off); the QR then stays as it was.
	 */
	async showNewQr(): Promise<boolean> {
		const eventId = this.#tokenWanted?.eventId ?? null;
		const connection = await this.#deps.connection();
		if (!connection || !this.#deps.isOnline()) return false;
		try {
			const token = await this.#askForToken(connection, eventId, true);
			this.#keep({ ...token, requestedFor: eventId });
			return true;
		} catch {
			return false;
		}
	}

	// A pull every couple of seconds while the QR is visible; nothing while it is closed, hidden
	// or offline. One pull at a time: a slow answer is not stacked up behind.
	#watchForArrivals(): void {
		if (this.#watch !== undefined) return;
		this.#watch = setInterval(() => void this.#pullOnce(), ARRIVAL_PULL_MS);
	}

	async #pullOnce(): Promise<void> {
		if (this.#pulling || !this.#deps.isVisible() || !this.#deps.isOnline()) return;
		this.#pulling = true;
		try {
			const connection = await this.#deps.connection();
			await connection?.engine.sync();
		} finally {
			this.#pulling = false;
		}
	}

	#usableToken(eventId: string | null): ExchangeTokenFor | null {
		const token = this.current;
		if (!token || token.requestedFor !== eventId) return null;
		return Date.parse(token.expiresAt) - Date.now() > TOKEN_RENEW_MARGIN_MS ? token : null;
	}

	#fetchToken(eventId: string | null): Promise<string | null> {
		if (this.#tokenFetch?.eventId === eventId) return this.#tokenFetch.token;
		const pending = {
			eventId,
			token: this.#createToken(eventId).finally(() => {
				if (this.#tokenFetch === pending) this.#tokenFetch = null;
			})
		};
		this.#tokenFetch = pending;
		return pending.token;
	}

	async #createToken(eventId: string | null): Promise<string | null> {
		const connection = await this.#deps.connection();
		if (!connection || !this.#deps.isOnline()) return null;
		try {
			const token = await this.#askForToken(connection, eventId, false);
			this.#keep({ ...token, requestedFor: eventId });
			return token.token;
		} catch {
			return null;
		}
	}

	#keep(token: ExchangeTokenFor): void {
		this.current = token;
		if (this.#tokenWanted) this.#renewLater(token);
	}

	async #askForToken(
		{ transport, engine }: SyncConnection,
		eventId: string | null,
		revokeOthers: boolean
	): Promise<ExchangeToken> {
		const ask = (forEvent: string | null) =>
			transport.createExchangeToken(forEvent, { revokeOthers });
		try {
			return await ask(eventId);
		} catch (error) {
			if (eventId === null || failureCode(error) !== 'exchange_event_not_found') throw error;
		}
		// The event is still in the outbox: push it and ask again. If the server still lacks it,
		// a token for no event still brings their card, just not linked to the event.
		await engine.sync();
		try {
			return await ask(eventId);
		} catch (error) {
			if (failureCode(error) !== 'exchange_event_not_found') throw error;
			return ask(null);
		}
	}

	#renewLater(token: ExchangeTokenFor): void {
		clearTimeout(this.#tokenTimer);
		const untilRenewal = Date.parse(token.expiresAt) - Date.now() - TOKEN_RENEW_MARGIN_MS;
		this.#tokenTimer = setTimeout(
			() => void this.#renew(),
			Math.min(Math.max(untilRenewal, 0), LONGEST_TIMER_MS)
		);
	}

	async #renew(): Promise<void> {
		const wanted = this.#tokenWanted;
		if (!wanted) return;
		const current = this.#usableToken(wanted.eventId);
		if (current) {
			this.#renewLater(current);
			return;
		}
		const renewed = await this.#fetchToken(wanted.eventId);
		if (renewed || !this.#tokenWanted) return;
		// Could not renew: an expired token would only earn the scanner an error, so drop it.
		const stale = this.current;
		if (stale && Date.parse(stale.expiresAt) <= Date.now()) this.current = null;
		clearTimeout(this.#tokenTimer);
		this.#tokenTimer = setTimeout(() => void this.#renew(), TOKEN_RETRY_MS);
	}

	/**
	 * I kept someone from a QR that carried their exchange token: my card goes to them. Sent at
	 * once when online; otherwise queued in the outbox for the next sync. Null when sync is off.
	 */
	async acceptScannedExchange(token: string): Promise<ExchangeOutcome | null> {
		const connection = await this.#deps.connection();
		if (!connection) return null;
		try {
			const card = await this.#deps.myCard();
			if (!card) return { status: 'no_card' };
			const answered = this.#deps.isOnline()
				? await this.#sendExchange(connection.transport, token, card)
				: null;
			if (answered) return answered;
			await connection.engine.queueExchange(token, card);
			return { status: 'queued' };
		} catch (error) {
			return { status: 'refused', code: failureCode(error) };
		}
	}

	/** The server's answer, or null when the network failed and the outbox should take over. */
	async #sendExchange(
		transport: SyncTransport,
		token: string,
		card: Record<string, unknown>
	): Promise<ExchangeOutcome | null> {
		try {
			await transport.acceptExchange(token, card);
			return { status: 'sent' };
		} catch (error) {
			const code = failureCode(error);
			return code === 'network' ? null : { status: 'refused', code };
		}
	}
}

function browserDependencies(): ExchangeDependencies {
	return {
		connection: () => sync.connection(),
		onSyncStopped: (listener) => sync.onStopped(listener),
		async myCard() {
			const [{ sharedCard }] = await Promise.all([import('$lib/domain/profile'), app.load()]);
			return app.profile ? { ...sharedCard(app.profile) } : null;
		},
		isOnline: () => navigator.onLine,
		isVisible: () => document.visibilityState === 'visible'
	};
}

export const exchangeToken = new ExchangeTokenState(browserDependencies());
