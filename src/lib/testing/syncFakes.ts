// Fakes of the sync transport and engine for the state specs: they answer like the server would
// and record what they were asked.
import type { ExchangeArrival, SyncEngine } from '$lib/data/sync/engine';
import type { AccountChoice, SyncStatus } from '$lib/domain/sync/status';
import { ServerRefusal, type ExchangeToken, type SyncTransport } from '$lib/data/sync/transport';
import type { Account } from '$lib/domain/sync/status';

export const anonymous: Account = { userId: 'user-1', email: null, isAnonymous: true };

export const idle = (patch: Partial<SyncStatus> = {}): SyncStatus => ({
	phase: 'idle',
	lastSyncedAt: null,
	waiting: 0,
	rejected: [],
	retryAt: null,
	lastError: null,
	skipped: 0,
	deviceData: null,
	...patch
});

export const token = (value: string, minutes: number): ExchangeToken => ({
	token: value,
	expiresAt: new Date(Date.now() + minutes * 60_000).toISOString()
});

/** A transport that answers like the server would, recording what was asked of it. */
export class FakeTransport implements SyncTransport {
	session: Account | null = null;
	calls: string[] = [];
	tokens: ExchangeToken[] = [];
	/** Makes the next call of that name fail with this error. */
	failures = new Map<string, Error>();
	/** Calls that never answer until released (a slow network). */
	held = new Map<string, () => void>();
	accepted: { token: string; card: Record<string, unknown> }[] = [];

	async #call(name: string): Promise<void> {
		this.calls.push(name);
		if (this.held.has(name)) {
			await new Promise<void>((resolve) => this.held.set(name, resolve));
		}
		const failure = this.failures.get(name);
		if (failure) {
			this.failures.delete(name);
			throw failure;
		}
	}

	async account() {
		await this.#call('account');
		return this.session;
	}
	/** The CAPTCHA token each sign-in came with (undefined: none). */
	captchaTokens: (string | undefined)[] = [];

	async signInAnonymously(captchaToken?: string) {
		this.captchaTokens.push(captchaToken);
		await this.#call('signInAnonymously');
		this.session = anonymous;
		return anonymous;
	}
	async linkEmail() {
		await this.#call('linkEmail');
	}
	async confirmLinkEmail(email: string) {
		await this.#call('confirmLinkEmail');
		this.session = { ...anonymous, email, isAnonymous: false };
		return this.session;
	}
	async requestEmailSignIn(_email: string, captchaToken?: string) {
		this.captchaTokens.push(captchaToken);
		await this.#call('requestEmailSignIn');
	}
	async confirmEmailSignIn(email: string) {
		await this.#call('confirmEmailSignIn');
		this.session = { userId: 'user-2', email, isAnonymous: false };
		return this.session;
	}
	async signOut() {
		await this.#call('signOut');
		this.session = null;
	}
	async deleteAccount() {
		await this.#call('deleteAccount');
		this.session = null;
	}
	async push() {
		await this.#call('push');
		return [];
	}
	async pull() {
		await this.#call('pull');
		return { changes: [], cursor: null, more: false };
	}
	async createExchangeToken(forEvent: string | null, options?: { revokeOthers?: boolean }) {
		await this.#call(`createExchangeToken:${forEvent}${options?.revokeOthers ? ':new' : ''}`);
		const next = this.tokens.shift();
		if (!next) throw new Error('no token prepared');
		return next;
	}
	async acceptExchange(value: string, card: Record<string, unknown>) {
		await this.#call('acceptExchange');
		this.accepted.push({ token: value, card });
	}

	/** What the features' functions answer, by name (`rpc:` or `fn:` and the function's name). */
	answers = new Map<string, unknown>();
	/** Every feature call, with what it was given. */
	featureCalls: { name: string; args: Record<string, unknown> }[] = [];

	async #feature(name: string, args: Record<string, unknown>): Promise<unknown> {
		this.featureCalls.push({ name, args });
		await this.#call(name);
		if (!this.answers.has(name)) throw new ServerRefusal('PGRST202', `No answer for ${name}`);
		return this.answers.get(name);
	}
	call(name: string, args: Record<string, unknown>) {
		return this.#feature(`rpc:${name}`, args);
	}
	invoke(name: string, body: Record<string, unknown>) {
		return this.#feature(`fn:${name}`, body);
	}
}

/** An engine that records what it was asked and lets the test play the server's part. */
export class FakeEngine implements SyncEngine {
	current = idle();
	scheduled: (number | undefined)[] = [];
	syncs = 0;
	queued: { token: string; card: Record<string, unknown> }[] = [];
	stopped = false;
	dismissed = 0;
	#listeners = new Set<(status: SyncStatus) => void>();
	#arrivals = new Set<(arrivals: ExchangeArrival[]) => void>();

	async sync() {
		this.syncs++;
	}
	schedule(delayMs?: number) {
		this.scheduled.push(delayMs);
	}
	status() {
		return this.current;
	}
	subscribe(listener: (status: SyncStatus) => void) {
		this.#listeners.add(listener);
		listener(this.current);
		return () => this.#listeners.delete(listener);
	}
	onExchangeArrivals(listener: (arrivals: ExchangeArrival[]) => void) {
		this.#arrivals.add(listener);
		return () => this.#arrivals.delete(listener);
	}
	async queueExchange(value: string, card: Record<string, unknown>) {
		this.queued.push({ token: value, card });
	}
	async dismissRejected() {
		this.dismissed++;
		this.publish({ rejected: [] });
	}
	choices: AccountChoice[] = [];
	async resolveAccountChange(choice: AccountChoice) {
		this.choices.push(choice);
	}
	stop() {
		this.stopped = true;
	}
	publish(patch: Partial<SyncStatus>) {
		this.current = { ...this.current, ...patch };
		for (const listener of this.#listeners) listener(this.current);
	}
	/** People arriving by exchange, named; each connection id is `c-<name>`. */
	arrive(names: string[]) {
		const arrivals = names.map((name) => ({ connectionId: `c-${name}`, name }));
		for (const listener of this.#arrivals) listener(arrivals);
	}
	get listening() {
		return this.#listeners.size + this.#arrivals.size;
	}
}
