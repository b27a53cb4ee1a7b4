import { afterEach, describe, expect, it, vi } from 'vitest';
import { getLocale, LANGUAGE_KEY } from './locale';

function storageHolding(value: string | null): Storage {
	const values = new Map<string, string>();
	if (value !== null) values.set(LANGUAGE_KEY, value);
	return {
		getItem: (key: string) => values.get(key) ?? null,
		setItem: (key: string, next: string) => void values.set(key, next)
	} as Storage;
}

afterEach(() => vi.unstubAllGlobals());

describe('the saved language', () => {
	it('defaults to Traditional Chinese', () => {
		vi.stubGlobal('localStorage', storageHolding(null));
		expect(getLocale()).toBe('zh-TW');
	});

	it('is remembered', () => {
		vi.stubGlobal('localStorage', storageHolding('en'));
		expect(getLocale()).toBe('en');
	});

	it('ignores a language we do not speak', () => {
		vi.stubGlobal('localStorage', storageHolding('fr'));
		expect(getLocale()).toBe('zh-TW');
	});

	it('survives storage that refuses to be read', () => {
		vi.stubGlobal('localStorage', {
			getItem: () => {
				throw new DOMException('denied', 'SecurityError');
			}
		});
		expect(getLocale()).toBe('zh-TW');
	});
});

describe('without a saved language', () => {
	function inBrowser(languages: readonly string[], saved: string | null): void {
		vi.stubGlobal('localStorage', storageHolding(saved));
		vi.stubGlobal('window', {});
		vi.stubGlobal('navigator', { languages, language: languages[0] });
	}

	it("follows the browser's languages", () => {
		inBrowser(['en-US', 'en'], null);
		expect(getLocale()).toBe('en');
		inBrowser(['zh-HK'], null);
		expect(getLocale()).toBe('zh-TW');
		inBrowser(['de-DE'], null);
		expect(getLocale()).toBe('zh-TW');
	});

	it('gives way to a saved choice', () => {
		inBrowser(['en-US'], 'zh-TW');
		expect(getLocale()).toBe('zh-TW');
		inBrowser(['zh-TW'], 'en');
		expect(getLocale()).toBe('en');
	});

	it('follows the browser when the saved value is one we do not speak', () => {
		inBrowser(['en-GB'], 'fr');
		expect(getLocale()).toBe('en');
	});

	it('is Traditional Chinese while prerendering, whatever Node calls its language', () => {
		vi.stubGlobal('localStorage', storageHolding(null));
		vi.stubGlobal('navigator', { languages: ['en-US'], language: 'en-US' });
		expect(getLocale()).toBe('zh-TW');
	});
});

describe('switching language', () => {
	it('saves only a language someone chose, never the one guessed from the browser', async () => {
		vi.resetModules();
		const saved = storageHolding(null);
		vi.stubGlobal('localStorage', saved);
		vi.stubGlobal('window', { location: { href: 'https://rapport.example/' } });
		vi.stubGlobal('navigator', { languages: ['en-US'], language: 'en-US' });
		const fresh = await import('./locale');
		expect(fresh.getLocale()).toBe('en');
		expect(saved.getItem(LANGUAGE_KEY)).toBeNull();
	});
});
