import { afterEach, describe, expect, it, vi } from 'vitest';
import {
	CaptchaUnavailable,
	loadTurnstile,
	readCaptchaSiteKey,
	solveCaptcha,
	TURNSTILE_SCRIPT,
	type TurnstileApi,
	type TurnstileOptions
} from './captcha';

const host = {} as HTMLElement;

/** A Turnstile whose widget answers as `answer` says, recording what it was asked. */
function fakeTurnstile(answer: (options: TurnstileOptions) => void) {
	const rendered: { container: HTMLElement; options: TurnstileOptions }[] = [];
	const removed: string[] = [];
	const api: TurnstileApi = {
		render(container, options) {
			rendered.push({ container, options });
			queueMicrotask(() => answer(options));
			return `widget-${rendered.length}`;
		},
		remove: (id) => removed.push(id)
	};
	return { api, load: async () => api, rendered, removed };
}

describe('the site key of a build', () => {
	it('is read from PUBLIC_TURNSTILE_SITE_KEY, and absent unless set to something', () => {
		expect(readCaptchaSiteKey({ PUBLIC_TURNSTILE_SITE_KEY: ' 0x4AAAA ' })).toBe('0x4AAAA');
		expect(readCaptchaSiteKey({})).toBeNull();
		expect(readCaptchaSiteKey({ PUBLIC_TURNSTILE_SITE_KEY: '  ' })).toBeNull();
	});
});

describe('solving a challenge', () => {
	it('renders a widget in the host with the site key and language, and gives its token', async () => {
		const turnstile = fakeTurnstile((options) => options.callback('token-abc'));
		expect(await solveCaptcha(host, '0x4AAAA', 'zh-tw', turnstile.load)).toBe('token-abc');
		expect(turnstile.rendered).toHaveLength(1);
		expect(turnstile.rendered[0]?.container).toBe(host);
		expect(turnstile.rendered[0]?.options).toMatchObject({
			sitekey: '0x4AAAA',
			language: 'zh-tw',
			appearance: 'interaction-only'
		});
		// A token is good once: the widget goes, and the next sign-in renders a new one.
		expect(turnstile.removed).toEqual(['widget-1']);
	});

	it('fails as unavailable when the challenge errors, expires or times out', async () => {
		for (const callback of ['error-callback', 'expired-callback', 'timeout-callback'] as const) {
			const turnstile = fakeTurnstile((options) => options[callback]());
			await expect(solveCaptcha(host, 'key', 'en', turnstile.load)).rejects.toBeInstanceOf(
				CaptchaUnavailable
			);
			expect(turnstile.removed).toEqual(['widget-1']);
		}
	});

	it('fails as unavailable when the script cannot load, rendering nothing', async () => {
		const load = () => Promise.reject(new CaptchaUnavailable('Turnstile could not load'));
		await expect(solveCaptcha(host, 'key', 'en', load)).rejects.toBeInstanceOf(CaptchaUnavailable);
	});
});

describe('loading Turnstile', () => {
	afterEach(() => {
		vi.unstubAllGlobals();
	});

	/** A document that records the scripts added to it and lets the test fire their events. */
	function fakeDocument() {
		const scripts: { src: string; fire(event: string): void; removed: boolean }[] = [];
		vi.stubGlobal('document', {
			createElement: () => {
				const listeners = new Map<string, () => void>();
				const script = {
					src: '',
					async: false,
					removed: false,
					addEventListener: (event: string, listener: () => void) => listeners.set(event, listener),
					remove: () => (script.removed = true),
					fire: (event: string) => listeners.get(event)?.()
				};
				return script;
			},
			head: { append: (script: (typeof scripts)[number]) => scripts.push(script) }
		});
		vi.stubGlobal('window', {});
		return scripts;
	}

	it('adds Cloudflare’s script once, and again after a failed load', async () => {
		const scripts = fakeDocument();
		const first = loadTurnstile();
		expect(loadTurnstile()).toBe(first);
		expect(scripts.map((script) => script.src)).toEqual([TURNSTILE_SCRIPT]);
		scripts[0]?.fire('error');
		await expect(first).rejects.toBeInstanceOf(CaptchaUnavailable);
		expect(scripts[0]?.removed).toBe(true);

		const api = { render: vi.fn(), remove: vi.fn() };
		const second = loadTurnstile();
		expect(scripts).toHaveLength(2);
		vi.stubGlobal('window', { turnstile: api });
		scripts[1]?.fire('load');
		expect(await second).toBe(api);
	});
});
