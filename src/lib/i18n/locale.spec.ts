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
