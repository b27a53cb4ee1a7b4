import {
	baseLocale,
	defineCustomClientStrategy,
	getLocale,
	locales,
	setLocale,
	toLocale,
	type Locale
} from '$lib/paraglide/runtime';
import { languageFromBrowser } from './browserLanguage';

export const LANGUAGE_KEY = 'rapport.language';

// Reading localStorage throws where storage is denied (some private modes, strict privacy
// settings); the language then falls back to the default instead of blanking the app.
function readSavedLanguage(): Locale | undefined {
	try {
		return toLocale(localStorage.getItem(LANGUAGE_KEY)) ?? undefined;
	} catch {
		return undefined;
	}
}

function saveLanguage(locale: string): void {
	try {
		localStorage.setItem(LANGUAGE_KEY, locale);
	} catch {
		// Not remembered across visits, but the switch itself still works for this one.
	}
}

// Only in a browser: prerendering runs in Node, whose `navigator` (Node 21+) would otherwise
// prerender the pages in the build machine's language instead of zh-TW.
function browserLanguage(): Locale | undefined {
	if (typeof window === 'undefined' || typeof navigator === 'undefined') return undefined;
	return languageFromBrowser(navigator.languages ?? [navigator.language]);
}

// Paraglide "sets" the language it resolved on the first read; saving that would turn a guess
// from the browser into a choice nobody made. Only `switchLanguage` saves.
defineCustomClientStrategy('custom-saved', {
	getLocale: readSavedLanguage,
	setLocale: () => {}
});

// A saved choice always wins; without one the browser's languages decide. Nothing is saved for
// the visitor: the app follows their browser until they pick a language themselves.
defineCustomClientStrategy('custom-browser', {
	getLocale: browserLanguage,
	setLocale: () => {}
});

export { baseLocale, getLocale, locales, type Locale };

/** Switching reloads the document so every string, the title and `<html lang>` change together. */
export function switchLanguage(locale: Locale): void {
	// Paraglide reloads only when the language it reads now differs from the new one, and it reads
	// the saved choice: so ask it to switch first, and save the choice on the way out.
	const current = getLocale();
	void setLocale(locale, { reload: false });
	saveLanguage(locale);
	if (locale !== current) window.location.reload();
}
