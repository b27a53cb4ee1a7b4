import { browser } from '$app/environment';
import { getLocale } from '$lib/i18n/locale';

// Every screen is prerendered in the default language, so the first paint needs no JavaScript;
// the browser then hydrates it in the reader's language with data from the local database.
export const prerender = true;

export function load(): void {
	if (browser) document.documentElement.lang = getLocale();
}
