// A CAPTCHA token for Supabase Auth's sign-ins, from Cloudflare Turnstile (README.md, "CAPTCHA"),
// in builds given PUBLIC_TURNSTILE_SITE_KEY. Turnstile's script only ever comes from Cloudflare,
// so it is loaded at the moment of a sign-in and never before; csp.config.js allows its origin in
// exactly those builds. A token is good for one sign-in: each one renders a fresh widget.

/** The script, told to render nothing until asked (`render=explicit`). */
export const TURNSTILE_SCRIPT =
	'https://challenges.cloudflare.com/turnstile/v0/api.js?render=explicit';
/** A script that has not loaded by then counts as blocked or offline. */
export const CAPTCHA_TIMEOUT_MS = 30_000;

/** The part of Turnstile's `window.turnstile` this app calls. */
export interface TurnstileApi {
	render(container: HTMLElement, options: TurnstileOptions): string | null | undefined;
	remove(widgetId: string): void;
}

export interface TurnstileOptions {
	sitekey: string;
	/** `interaction-only`: the widget shows only when the visitor has something to do. */
	appearance: 'interaction-only';
	/** The app's language, so a challenge that shows speaks it. */
	language: string;
	callback(token: string): void;
	'error-callback'(): boolean;
	'expired-callback'(): void;
	'timeout-callback'(): void;
	'unsupported-callback'(): void;
}

/** Turnstile could not load or could not give a token: offline, blocked, or failed. */
export class CaptchaUnavailable extends Error {
	constructor(message: string, options?: { cause?: unknown }) {
		super(message, options);
		this.name = 'CaptchaUnavailable';
	}
}

/** The site key of a build, or null: without one, sign-ins send no CAPTCHA token. */
export function readCaptchaSiteKey(env: Record<string, unknown>): string | null {
	const key = env.PUBLIC_TURNSTILE_SITE_KEY;
	return typeof key === 'string' && key.trim() !== '' ? key.trim() : null;
}

export const captchaSiteKey: string | null = readCaptchaSiteKey(import.meta.env);

let loading: Promise<TurnstileApi> | null = null;

/** Adds Turnstile's script to the page once; a failed load is tried again next time. */
export function loadTurnstile(): Promise<TurnstileApi> {
	loading ??= new Promise<TurnstileApi>((resolve, reject) => {
		const script = document.createElement('script');
		const timer = setTimeout(() => fail('Turnstile did not load in time'), CAPTCHA_TIMEOUT_MS);
		function fail(message: string) {
			clearTimeout(timer);
			script.remove();
			loading = null;
			reject(new CaptchaUnavailable(message));
		}
		script.src = TURNSTILE_SCRIPT;
		script.async = true;
		script.addEventListener('load', () => {
			const api = (window as { turnstile?: TurnstileApi }).turnstile;
			if (!api) return fail('Turnstile loaded without its API');
			clearTimeout(timer);
			resolve(api);
		});
		script.addEventListener('error', () => fail('Turnstile could not load'));
		document.head.append(script);
	});
	return loading;
}

/**
 * Runs a Turnstile challenge in `container` (where a visitor who must tick a box sees it) and
 * resolves with its token; the widget is removed again either way. Turnstile's own callbacks end
 * a challenge that cannot finish (its frame blocked, a box left unticked).
 */
export async function solveCaptcha(
	container: HTMLElement,
	siteKey: string,
	language: string,
	load: () => Promise<TurnstileApi> = loadTurnstile
): Promise<string> {
	const turnstile = await load();
	let widget: string | null | undefined;
	try {
		return await new Promise<string>((resolve, reject) => {
			const unavailable = (why: string, cause?: unknown) =>
				reject(new CaptchaUnavailable(why, { cause }));
			try {
				widget = turnstile.render(container, {
					sitekey: siteKey,
					appearance: 'interaction-only',
					language,
					callback: resolve,
					'error-callback': () => {
						unavailable('The challenge failed');
						// Handled here: Turnstile need not log it.
						return true;
					},
					'expired-callback': () => unavailable('The token expired before use'),
					'timeout-callback': () => unavailable('The challenge timed out'),
					'unsupported-callback': () => unavailable('This browser is not supported')
				});
			} catch (error) {
				unavailable('Turnstile could not render', error);
			}
		});
	} finally {
		if (widget) turnstile.remove(widget);
	}
}
