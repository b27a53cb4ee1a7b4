import { getLocale } from '$lib/i18n/locale';

// Everything renders in the browser from the local database; the build ships one SPA shell.
export const ssr = false;
export const prerender = false;

export function load(): void {
	document.documentElement.lang = getLocale();
}
