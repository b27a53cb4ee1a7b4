import {
	baseLocale,
	defineCustomClientStrategy,
	getLocale,
	locales,
	setLocale,
	toLocale,
	type Locale
} from '$lib/paraglide/runtime';

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

defineCustomClientStrategy('custom-saved', {
	getLocale: readSavedLanguage,
	setLocale: saveLanguage
});

export { baseLocale, getLocale, locales, type Locale };

/** Switching reloads the document so every string, the title and `<html lang>` change together. */
export function switchLanguage(locale: Locale): void {
	void setLocale(locale);
}
