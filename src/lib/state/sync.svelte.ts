import { CaptchaUnavailable, captchaSiteKey, solveCaptcha } from '$lib/data/captcha';
import { onQueued } from '$lib/data/notices';
import { getLocale } from '$lib/i18n/locale';
import { supabaseConfig } from '$lib/data/sync/config';
import type { SyncEngine } from '$lib/data/sync/engine';
import type { AccountChoice, SyncStatus } from '$lib/domain/sync/status';
import { ServerRefusal, TransportFailure, type SyncTransport } from '$lib/data/sync/transport';
import type { Account } from '$lib/domain/sync/status';
import { app } from './app.svelte';
import { syncSwitch } from './syncSwitch.svelte';
import type { ExchangeArrival, SyncActions, SyncOutcome, SyncView } from '$lib/domain/sync/status';

// "Back up & sync": the account, the engine's status for Settings, and who sent their card back.
// Loaded only by screens that show sync (Settings, My card, the scanner once it has a token) and
// by the shell once sync is on; supabase-js and the engine are imported only when sync starts.
// The exchange token in my QR, and sending my card back, ride on it in exchangeToken.svelte.ts.

/** Sync once it runs: what the exchange token keeper needs of it. */
export interface SyncConnection {
	engine: SyncEngine;
	transport: SyncTransport;
}

/** Everything sync needs from outside, so the specs can run it against fakes. */
export interface SyncDependencies {
	configured: boolean;
	loadTransport(): Promise<SyncTransport | null>;
	/** The engine, already syncing on the device's triggers (back online, visible again). */
	startEngine(transport: SyncTransport): Promise<{ engine: SyncEngine; unwatch: () => void }>;
	/** Removes every record of the account from this device (signing out with "erase"). */
	eraseDevice(): Promise<void>;
	/** Calls back after every change queued for sync on this device; returns how to stop. */
	watchLocalWrites(listener: () => void): () => void;
	preference: { read(): boolean; set(on: boolean): void };
	/**
	 * A CAPTCHA token for a sign-in, solved in `host`; null when the build has no
	 * PUBLIC_TURNSTILE_SITE_KEY, and sign-ins then go without one.
	 */
	captcha: ((host: HTMLElement) => Promise<string>) | null;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const OTP = /^\d{6,10}$/;

/** The message key suffix for a failure: a server code, `network`, or `unknown`. */
export function failureCode(error: unknown): string {
	if (error instanceof ServerRefusal) return error.code;
	if (error instanceof CaptchaUnavailable) return 'captcha_unavailable';
	if (error instanceof TransportFailure) return 'network';
	return 'unknown';
}

const ok: SyncOutcome = { ok: true };
const failed = (code: string): SyncOutcome => ({ ok: false, code });

export class SyncState implements SyncView, SyncActions {
	/** Built with PUBLIC_SUPABASE_URL and PUBLIC_SUPABASE_ANON_KEY: sync can be turned on. */
	readonly configured: boolean;
	/** Sign-ins ask for a CAPTCHA token: Settings gives the challenge a place to show. */
	readonly usesCaptcha: boolean;
	enabled = $state(false);
	account = $state<Account | null>(null);
	/** The engine's status while it runs. */
	status = $state<SyncStatus | null>(null);
	/** Sync was on, but the saved session was gone: this device is no longer signed in. */
	sessionLost = $state(false);
	/** The server said this account no longer exists: signed out, the device keeps its data. */
	accountGone = $state(false);
	/** Sync is on but could not start here (no local storage, the code failed to load). */
	startFailure = $state<string | null>(null);
	/** "{name} scanned your card and sent theirs", until dismissed. */
	arrivals = $state<ExchangeArrival[]>([]);

	#deps: SyncDependencies;
	#transport: Promise<SyncTransport | null> | null = null;
	#engine: SyncEngine | null = null;
	#running: Promise<void> | null = null;
	#starting: Promise<void> | null = null;
	#teardown: (() => void)[] = [];
	#arrivalCount = 0;
	#stoppedListeners: (() => void)[] = [];
	#leavingListeners: ((transport: SyncTransport) => Promise<void>)[] = [];
	#captchaHost: HTMLElement | null = null;

	constructor(deps: SyncDependencies) {
		this.#deps = deps;
		this.configured = deps.configured;
		this.usesCaptcha = deps.configured && deps.captcha !== null;
	}

	/** Where a CAPTCHA challenge shows while the screen that signs in is open; null once closed. */
	captchaShownIn(host: HTMLElement | null): void {
		this.#captchaHost = host;
	}

	/** Fetched at the moment of a sign-in, never ahead: a token is good once, for minutes. */
	async #captchaToken(): Promise<string | undefined> {
		if (!this.#deps.captcha) return undefined;
		if (!this.#captchaHost) throw new CaptchaUnavailable('No place to show the challenge');
		return this.#deps.captcha(this.#captchaHost);
	}

	/** Resumes sync if it was turned on before; safe to call again. */
	start(): Promise<void> {
		this.#starting ??= this.#resume().catch((error: unknown) => {
			this.startFailure = failureCode(error);
			this.#starting = null;
		});
		return this.#starting;
	}

	async #resume(): Promise<void> {
		if (!this.configured || !this.#deps.preference.read()) return;
		this.enabled = true;
		this.startFailure = null;
		const transport = await this.#loadTransport();
		if (!transport) {
			this.enabled = false;
			return;
		}
		try {
			const account = await transport.account();
			if (!account) {
				this.#turnOff();
				this.sessionLost = true;
				return;
			}
			this.account = account;
		} catch {
			// Offline with a session to refresh: the engine keeps trying and its status says so.
		}
		await this.#run(transport);
	}

	#loadTransport(): Promise<SyncTransport | null> {
		this.#transport ??= this.#deps.loadTransport().catch((error: unknown) => {
			this.#transport = null;
			throw error;
		});
		return this.#transport;
	}

	#run(transport: SyncTransport): Promise<void> {
		this.#running ??= this.#deps.startEngine(transport).then(
			({ engine, unwatch }) => this.#wire(engine, unwatch),
			(error: unknown) => {
				this.#running = null;
				throw error;
			}
		);
		return this.#running;
	}

	#wire(engine: SyncEngine, unwatch: () => void): void {
		this.#engine = engine;
		this.startFailure = null;
		// Writes come in bursts (a scan, then a note): the engine's short delay covers them all.
		this.#teardown = [
			this.#deps.watchLocalWrites(() => engine.schedule()),
			engine.subscribe((status) => this.#statusChanged(status)),
			engine.onExchangeArrivals((arrived) => this.#arrived(arrived)),
			unwatch
		];
		// Push on start: whatever was saved while sync was not running goes out now.
		engine.schedule(0);
	}

	#statusChanged(status: SyncStatus): void {
		this.status = status;
		if (status.phase === 'signed-out' && status.lastError === 'not_signed_in') {
			void this.#signedOutByServer();
			return;
		}
	}

	#arrived(arrived: { connectionId: string; name: string }[]): void {
		this.arrivals = [
			...this.arrivals,
			...arrived.map((arrival) => ({ ...arrival, id: ++this.#arrivalCount }))
		];
	}

	dismissArrival(id: number): void {
		this.arrivals = this.arrivals.filter((arrival) => arrival.id !== id);
	}

	#stopEngine(): void {
		for (const undo of this.#teardown) undo();
		this.#teardown = [];
		this.#engine?.stop();
		this.#engine = null;
		this.#running = null;
		this.status = null;
		this.arrivals = [];
		for (const listener of this.#stoppedListeners) listener();
	}

	#turnOff(): void {
		this.#stopEngine();
		this.#deps.preference.set(false);
		this.enabled = false;
		this.account = null;
	}

	/** The account was deleted (elsewhere) while this device still held a session for it. */
	async #signedOutByServer(): Promise<void> {
		this.#turnOff();
		this.accountGone = true;
		try {
			const transport = await this.#loadTransport();
			await transport?.signOut();
		} catch {
			// The session is useless either way; sync is off and stays off.
		}
	}

	async #switchOn(transport: SyncTransport): Promise<SyncOutcome> {
		this.#deps.preference.set(true);
		this.enabled = true;
		this.sessionLost = false;
		this.accountGone = false;
		this.#starting = Promise.resolve();
		try {
			await this.#run(transport);
		} catch (error) {
			this.startFailure = failureCode(error);
			return failed(this.startFailure);
		}
		return ok;
	}

	/** "Back up & sync": an anonymous account that lives on this device, then the first sync. */
	async enable(): Promise<SyncOutcome> {
		await this.start();
		if (this.#engine) return ok;
		try {
			const transport = await this.#loadTransport();
			if (!transport) return failed('unknown');
			this.account =
				(await transport.account()) ??
				(await transport.signInAnonymously(await this.#captchaToken()));
			return await this.#switchOn(transport);
		} catch (error) {
			return failed(failureCode(error));
		}
	}

	async #withTransport(action: (transport: SyncTransport) => Promise<void>): Promise<SyncOutcome> {
		try {
			const transport = await this.#loadTransport();
			if (!transport) return failed('unknown');
			await action(transport);
			return ok;
		} catch (error) {
			return failed(failureCode(error));
		}
	}

	/** "Use on another device", step 1: a one-time code to this email, to link it to my account. */
	linkEmail(email: string): Promise<SyncOutcome> {
		const address = email.trim();
		if (!EMAIL.test(address)) return Promise.resolve(failed('auth_email_invalid'));
		return this.#withTransport((transport) => transport.linkEmail(address));
	}

	/** Step 2: the code from the email; the account can now be opened on another device. */
	confirmLinkEmail(email: string, code: string): Promise<SyncOutcome> {
		const digits = code.replace(/\s+/g, '');
		if (!OTP.test(digits)) return Promise.resolve(failed('auth_otp_format'));
		return this.#withTransport(async (transport) => {
			this.account = await transport.confirmLinkEmail(email.trim(), digits);
		});
	}

	/** On a second device, step 1: a one-time code to the email of an existing account. */
	requestSignIn(email: string): Promise<SyncOutcome> {
		const address = email.trim();
		if (!EMAIL.test(address)) return Promise.resolve(failed('auth_email_invalid'));
		return this.#withTransport(async (transport) =>
			transport.requestEmailSignIn(address, await this.#captchaToken())
		);
	}

	/** Step 2: signs in with the code and starts syncing into that account. */
	async confirmSignIn(email: string, code: string): Promise<SyncOutcome> {
		const digits = code.replace(/\s+/g, '');
		if (!OTP.test(digits)) return failed('auth_otp_format');
		try {
			const transport = await this.#loadTransport();
			if (!transport) return failed('unknown');
			this.account = await transport.confirmEmailSignIn(email.trim(), digits);
			return await this.#switchOn(transport);
		} catch (error) {
			return failed(failureCode(error));
		}
	}

	/**
	 * Stops syncing and forgets the session. The device keeps its copy, or with `erase` removes
	 * every record of the account from this device.
	 */
	signOut({ erase }: { erase: boolean }): Promise<SyncOutcome> {
		return this.#withTransport(async (transport) => {
			await this.#leave(transport);
			await transport.signOut();
			this.#turnOff();
			if (erase) {
				await this.#deps.eraseDevice();
			}
		});
	}

	/**
	 * Another account signed in here, and this device holds the data of the one before: keep it
	 * on this device only. The new account is signed out again and sync stays off.
	 */
	keepDeviceOnly(): Promise<SyncOutcome> {
		return this.signOut({ erase: false });
	}

	/** Erase this device's data, or add it (confirmed) to the account that signed in. */
	async resolveAccountChange(choice: AccountChoice): Promise<SyncOutcome> {
		const engine = this.#engine;
		if (!engine) return failed('unknown');
		try {
			await engine.resolveAccountChange(choice);
			return ok;
		} catch (error) {
			return failed(failureCode(error));
		}
	}

	/** Removes the account and all of its data on the server; this device keeps its own. */
	deleteAccount(): Promise<SyncOutcome> {
		return this.#withTransport(async (transport) => {
			await this.#leave(transport);
			await transport.deleteAccount();
			this.#turnOff();
		});
	}

	async syncNow(): Promise<void> {
		await this.#engine?.sync();
	}

	async dismissRejected(): Promise<void> {
		await this.#engine?.dismissRejected();
	}

	/**
	 * The running engine and its transport, once sync has started; null while sync is off or could
	 * not start. For what rides on sync without being part of it (the exchange token in my QR).
	 */
	async connection(): Promise<SyncConnection | null> {
		await this.start();
		const engine = this.#engine;
		if (!this.enabled || !engine) return null;
		const transport = await this.#loadTransport();
		return transport ? { engine, transport } : null;
	}

	/**
	 * Calls back before this device signs out or deletes the account, while its session still
	 * works, so what rides on the account (reminders) can tidy up; returns how to stop listening.
	 * A listener that fails never keeps the person from leaving.
	 */
	beforeLeaving(listener: (transport: SyncTransport) => Promise<void>): () => void {
		this.#leavingListeners = [...this.#leavingListeners, listener];
		return () => {
			this.#leavingListeners = this.#leavingListeners.filter((other) => other !== listener);
		};
	}

	async #leave(transport: SyncTransport): Promise<void> {
		for (const listener of this.#leavingListeners) await listener(transport).catch(() => undefined);
	}

	/** Calls back whenever sync stops (turned off, signed out); returns how to stop listening. */
	onStopped(listener: () => void): () => void {
		this.#stoppedListeners = [...this.#stoppedListeners, listener];
		return () => {
			this.#stoppedListeners = this.#stoppedListeners.filter((other) => other !== listener);
		};
	}
}

function captchaOf(siteKey: string | null): SyncDependencies['captcha'] {
	if (!siteKey) return null;
	// Turnstile's language codes are lower case: `zh-tw`, `en`.
	return (host) => solveCaptcha(host, siteKey, getLocale().toLowerCase());
}

function browserDependencies(): SyncDependencies {
	return {
		configured: supabaseConfig !== null,
		loadTransport: () => import('$lib/data/sync').then((sync) => sync.loadSyncTransport()),
		async startEngine(transport) {
			const [{ createSyncEngine, watchTriggers }, db] = await Promise.all([
				import('$lib/data/sync/engine'),
				app.database()
			]);
			const engine = createSyncEngine(db, transport, { locale: getLocale });
			return { engine, unwatch: watchTriggers(engine, window, document) };
		},
		async eraseDevice() {
			const [{ eraseDeviceData }, db] = await Promise.all([
				import('$lib/data/sync/account'),
				app.database()
			]);
			await eraseDeviceData(db);
		},
		watchLocalWrites: onQueued,
		preference: syncSwitch,
		captcha: captchaOf(captchaSiteKey)
	};
}

export const sync = new SyncState(browserDependencies());
