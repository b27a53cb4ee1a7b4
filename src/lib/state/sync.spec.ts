import { describe, expect, it } from 'vitest';
import { CaptchaUnavailable } from '$lib/data/captcha';
import { ServerRefusal, TransportFailure } from '$lib/data/sync/transport';
import type { Account } from '$lib/domain/sync/status';
import { anonymous, FakeEngine, FakeTransport } from '$lib/testing/syncFakes';
import { SyncState, type SyncDependencies } from './sync.svelte';

const withEmail: Account = { userId: 'user-1', email: 'yijun@example.tw', isAnonymous: false };

function setUp(
	options: {
		configured?: boolean;
		on?: boolean;
		captcha?: SyncDependencies['captcha'];
	} = {}
) {
	const transport = new FakeTransport();
	const engines: FakeEngine[] = [];
	const unwatched: FakeEngine[] = [];
	let preference = options.on ?? false;
	let hook: (() => void) | null = null;
	let erased = 0;
	let transportLoads = 0;
	const deps: SyncDependencies = {
		configured: options.configured ?? true,
		loadTransport: async () => {
			transportLoads++;
			return transport;
		},
		startEngine: async () => {
			const engine = new FakeEngine();
			engines.push(engine);
			return { engine, unwatch: () => unwatched.push(engine) };
		},
		eraseDevice: async () => {
			erased++;
		},
		watchLocalWrites: (next) => {
			hook = next;
			return () => (hook = null);
		},
		preference: { read: () => preference, set: (on) => (preference = on) },
		captcha: options.captcha ?? null
	};
	const sync = new SyncState(deps);
	return {
		sync,
		transport,
		engines,
		unwatched,
		get engine() {
			const engine = engines.at(-1);
			if (!engine) throw new Error('no engine started');
			return engine;
		},
		get preference() {
			return preference;
		},
		get erased() {
			return erased;
		},
		get hook() {
			return hook;
		},
		get transportLoads() {
			return transportLoads;
		}
	};
}

describe('starting sync', () => {
	it('loads nothing when the build has no Supabase project or sync was never turned on', async () => {
		for (const options of [
			{ configured: false, on: true },
			{ configured: true, on: false }
		]) {
			const world = setUp(options);
			await world.sync.start();
			expect(world.sync.enabled).toBe(false);
			expect(world.transportLoads).toBe(0);
			expect(world.engines).toEqual([]);
		}
	});

	it('resumes with the saved session and pushes at once', async () => {
		const world = setUp({ on: true });
		world.transport.session = withEmail;
		await world.sync.start();
		await world.sync.start();
		expect(world.sync.enabled).toBe(true);
		expect(world.sync.account).toEqual(withEmail);
		expect(world.engines).toHaveLength(1);
		expect(world.engine.scheduled).toEqual([0]);
		expect(world.sync.status?.phase).toBe('idle');
	});

	it('keeps running offline when the session cannot be checked', async () => {
		const world = setUp({ on: true });
		world.transport.failures.set('account', new TransportFailure('offline'));
		await world.sync.start();
		expect(world.sync.enabled).toBe(true);
		expect(world.sync.account).toBeNull();
		expect(world.engines).toHaveLength(1);
	});

	it('turns itself off, and says so, when the saved session is gone', async () => {
		const world = setUp({ on: true });
		await world.sync.start();
		expect(world.sync.enabled).toBe(false);
		expect(world.sync.sessionLost).toBe(true);
		expect(world.preference).toBe(false);
		expect(world.engines).toEqual([]);
	});
});

describe('a CAPTCHA with the sign-ins (PUBLIC_TURNSTILE_SITE_KEY)', () => {
	/** A Turnstile that hands out numbered tokens, recording where it was shown. */
	function turnstile() {
		const shownIn: HTMLElement[] = [];
		const captcha = async (host: HTMLElement) => {
			shownIn.push(host);
			return `token-${shownIn.length}`;
		};
		return { captcha, shownIn };
	}
	const host = {} as HTMLElement;

	it('sends none, and asks for no challenge, in a build without a site key', async () => {
		const world = setUp();
		expect(world.sync.usesCaptcha).toBe(false);
		expect(await world.sync.enable()).toEqual({ ok: true });
		await world.sync.signOut({ erase: false });
		expect(await world.sync.requestSignIn('yijun@example.tw')).toEqual({ ok: true });
		expect(world.transport.captchaTokens).toEqual([undefined, undefined]);
	});

	it('solves one, where Settings shows it, for each sign-in and passes it on', async () => {
		const { captcha, shownIn } = turnstile();
		const world = setUp({ captcha });
		expect(world.sync.usesCaptcha).toBe(true);
		world.sync.captchaShownIn(host);
		expect(await world.sync.enable()).toEqual({ ok: true });
		await world.sync.signOut({ erase: false });
		expect(await world.sync.requestSignIn('yijun@example.tw')).toEqual({ ok: true });
		expect(world.transport.captchaTokens).toEqual(['token-1', 'token-2']);
		expect(shownIn).toEqual([host, host]);
	});

	it('asks for none when a saved session makes signing in needless', async () => {
		const { captcha, shownIn } = turnstile();
		const world = setUp({ captcha });
		world.sync.captchaShownIn(host);
		world.transport.session = withEmail;
		expect(await world.sync.enable()).toEqual({ ok: true });
		expect(shownIn).toEqual([]);
	});

	it('says so, and signs nothing in, when Turnstile cannot load (offline, blocked)', async () => {
		const world = setUp({
			captcha: () => Promise.reject(new CaptchaUnavailable('Turnstile could not load'))
		});
		world.sync.captchaShownIn(host);
		expect(await world.sync.enable()).toEqual({ ok: false, code: 'captcha_unavailable' });
		expect(await world.sync.requestSignIn('yijun@example.tw')).toEqual({
			ok: false,
			code: 'captcha_unavailable'
		});
		expect(world.transport.calls).toEqual(['account']);
		expect(world.sync.enabled).toBe(false);
	});

	it('does not sign in without a place to show the challenge (Settings closed)', async () => {
		const { captcha } = turnstile();
		const world = setUp({ captcha });
		world.sync.captchaShownIn(host);
		world.sync.captchaShownIn(null);
		expect(await world.sync.enable()).toEqual({ ok: false, code: 'captcha_unavailable' });
		expect(world.transport.captchaTokens).toEqual([]);
	});

	it('is not used by a build without sync', () => {
		expect(setUp({ configured: false, captcha: turnstile().captcha }).sync.usesCaptcha).toBe(false);
	});
});

describe('"Back up & sync"', () => {
	it('signs in anonymously, remembers the choice and starts syncing', async () => {
		const world = setUp();
		expect(await world.sync.enable()).toEqual({ ok: true });
		expect(world.transport.calls).toEqual(['account', 'signInAnonymously']);
		expect(world.sync.account).toEqual(anonymous);
		expect(world.sync.enabled).toBe(true);
		expect(world.preference).toBe(true);
		expect(world.engine.scheduled).toEqual([0]);
	});

	it('stays off and says why when the server cannot be reached', async () => {
		const world = setUp();
		world.transport.failures.set('signInAnonymously', new TransportFailure('offline'));
		expect(await world.sync.enable()).toEqual({ ok: false, code: 'network' });
		world.transport.failures.set(
			'signInAnonymously',
			new ServerRefusal('auth_anonymous_provider_disabled')
		);
		expect(await world.sync.enable()).toEqual({
			ok: false,
			code: 'auth_anonymous_provider_disabled'
		});
		expect(world.sync.enabled).toBe(false);
		expect(world.preference).toBe(false);
		expect(world.engines).toEqual([]);
	});

	it('pushes shortly after every local save while it runs, and not after it stops', async () => {
		const world = setUp();
		await world.sync.enable();
		world.hook?.();
		world.hook?.();
		expect(world.engine.scheduled).toEqual([0, undefined, undefined]);
		await world.sync.signOut({ erase: false });
		expect(world.hook).toBeNull();
	});

	it('shows the engine’s status as it changes', async () => {
		const world = setUp();
		await world.sync.enable();
		world.engine.publish({ phase: 'syncing', waiting: 3 });
		expect(world.sync.status).toMatchObject({ phase: 'syncing', waiting: 3 });
		world.engine.publish({ phase: 'idle', waiting: 0, lastSyncedAt: '2026-11-26T12:00:00Z' });
		expect(world.sync.status).toMatchObject({
			phase: 'idle',
			lastSyncedAt: '2026-11-26T12:00:00Z'
		});
	});

	it('syncs now and clears the refused changes through the engine', async () => {
		const world = setUp();
		await world.sync.enable();
		world.engine.publish({
			rejected: [{ table: 'connections', recordId: 'c1', code: 'invalid_row', at: 'x' }]
		});
		expect(world.sync.status?.rejected).toHaveLength(1);
		await world.sync.syncNow();
		await world.sync.dismissRejected();
		expect(world.engine.syncs).toBe(1);
		expect(world.engine.dismissed).toBe(1);
		expect(world.sync.status?.rejected).toEqual([]);
	});

	it('lists who sent their card by exchange until each notice is dismissed', async () => {
		const world = setUp();
		await world.sync.enable();
		world.engine.arrive(['林志明', '王小美']);
		world.engine.arrive(['Amy Chen']);
		expect(world.sync.arrivals.map((arrival) => arrival.name)).toEqual([
			'林志明',
			'王小美',
			'Amy Chen'
		]);
		expect(world.sync.arrivals[0]).toMatchObject({ connectionId: 'c-林志明' });
		world.sync.dismissArrival(world.sync.arrivals[1]!.id);
		expect(world.sync.arrivals.map((arrival) => arrival.name)).toEqual(['林志明', 'Amy Chen']);
	});
});

describe('the account', () => {
	it('links an email with a one-time code, checking both before asking the server', async () => {
		const world = setUp();
		await world.sync.enable();
		expect(await world.sync.linkEmail('not an email')).toEqual({
			ok: false,
			code: 'auth_email_invalid'
		});
		expect(await world.sync.linkEmail(' yijun@example.tw ')).toEqual({ ok: true });
		expect(await world.sync.confirmLinkEmail('yijun@example.tw', 'abc')).toEqual({
			ok: false,
			code: 'auth_otp_format'
		});
		world.transport.failures.set('confirmLinkEmail', new ServerRefusal('auth_otp_expired'));
		expect(await world.sync.confirmLinkEmail('yijun@example.tw', '123456')).toEqual({
			ok: false,
			code: 'auth_otp_expired'
		});
		expect(world.sync.account?.email).toBeNull();
		expect(await world.sync.confirmLinkEmail('yijun@example.tw', '123 456')).toEqual({ ok: true });
		expect(world.sync.account).toMatchObject({ email: 'yijun@example.tw', isAnonymous: false });
		expect(world.transport.calls.filter((call) => call.includes('Email'))).toEqual([
			'linkEmail',
			'confirmLinkEmail',
			'confirmLinkEmail'
		]);
	});

	it('signs in on another device with a code and starts syncing into that account', async () => {
		const world = setUp();
		expect(await world.sync.requestSignIn('yijun@example.tw')).toEqual({ ok: true });
		world.transport.failures.set('confirmEmailSignIn', new ServerRefusal('auth_otp_expired'));
		expect(await world.sync.confirmSignIn('yijun@example.tw', '123456')).toEqual({
			ok: false,
			code: 'auth_otp_expired'
		});
		expect(world.sync.enabled).toBe(false);
		expect(await world.sync.confirmSignIn('yijun@example.tw', '654321')).toEqual({ ok: true });
		expect(world.sync.enabled).toBe(true);
		expect(world.preference).toBe(true);
		expect(world.sync.account).toMatchObject({ userId: 'user-2', email: 'yijun@example.tw' });
		expect(world.engines).toHaveLength(1);
	});

	it('signs out, stops the engine and turns sync off', async () => {
		const world = setUp();
		await world.sync.enable();
		world.engine.arrive(['林志明']);
		expect(await world.sync.signOut({ erase: false })).toEqual({ ok: true });
		expect(world.engine.stopped).toBe(true);
		expect(world.engine.listening).toBe(0);
		expect(world.unwatched).toEqual([world.engine]);
		expect(world.sync).toMatchObject({ enabled: false, account: null, status: null, arrivals: [] });
		expect(world.preference).toBe(false);
		expect(world.erased).toBe(0);
	});

	it('erases the device’s copy when signing out asks for it', async () => {
		const world = setUp();
		await world.sync.enable();
		expect(await world.sync.signOut({ erase: true })).toEqual({ ok: true });
		expect(world.erased).toBe(1);
		expect(world.sync.enabled).toBe(false);
	});

	it('turns sync off, keeping everything here, when the server says the account is gone', async () => {
		const world = setUp();
		await world.sync.enable();
		world.engine.publish({ phase: 'signed-out', lastError: 'not_signed_in' });
		expect(world.sync).toMatchObject({ enabled: false, accountGone: true, status: null });
		expect(world.preference).toBe(false);
		expect(world.erased).toBe(0);
	});

	it('hands the person’s choice about another account’s data to the engine', async () => {
		const world = setUp();
		await world.sync.enable();
		expect(await world.sync.resolveAccountChange('add')).toEqual({ ok: true });
		expect(world.engine.choices).toEqual(['add']);
		expect(await world.sync.keepDeviceOnly()).toEqual({ ok: true });
		expect(world.sync.enabled).toBe(false);
		expect(world.erased).toBe(0);
	});

	it('stays signed in and syncing when signing out fails', async () => {
		const world = setUp();
		await world.sync.enable();
		world.transport.failures.set('signOut', new TransportFailure('offline'));
		expect(await world.sync.signOut({ erase: true })).toEqual({ ok: false, code: 'network' });
		expect(world.erased).toBe(0);
		expect(world.sync.enabled).toBe(true);
		expect(world.engine.stopped).toBe(false);
	});

	it('lets what rides on the account tidy up before signing out or deleting, even if that fails', async () => {
		const world = setUp();
		await world.sync.enable();
		const seen: string[] = [];
		const stop = world.sync.beforeLeaving(async (transport) => {
			seen.push(`leaving, signed in: ${(await transport.account()) !== null}`);
			throw new TransportFailure('offline');
		});
		expect(await world.sync.signOut({ erase: false })).toEqual({ ok: true });
		await world.sync.enable();
		expect(await world.sync.deleteAccount()).toEqual({ ok: true });
		expect(seen).toEqual(['leaving, signed in: true', 'leaving, signed in: true']);
		stop();
		await world.sync.enable();
		await world.sync.signOut({ erase: false });
		expect(seen).toHaveLength(2);
	});

	it('deletes the account on the server, then turns sync off', async () => {
		const world = setUp();
		await world.sync.enable();
		world.transport.failures.set('deleteAccount', new TransportFailure('offline'));
		expect(await world.sync.deleteAccount()).toEqual({ ok: false, code: 'network' });
		expect(world.sync.enabled).toBe(true);
		expect(await world.sync.deleteAccount()).toEqual({ ok: true });
		expect(world.engine.stopped).toBe(true);
		expect(world.sync.enabled).toBe(false);
		expect(world.preference).toBe(false);
		expect(await world.sync.enable()).toEqual({ ok: true });
		expect(world.engines).toHaveLength(2);
	});
});
