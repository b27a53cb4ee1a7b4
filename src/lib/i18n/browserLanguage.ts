import type { Locale } from '$lib/paraglide/runtime';

/**
 * The language of a first visit, before anyone has chosen one: the first of the browser's
 * preferred languages that we speak. Any Chinese reads 繁體中文 (Taiwan first, and a reader of
 * Simplified Chinese reads it far better than English); any English reads English; a list with
 * neither falls back to 繁體中文, the app's own language.
 *
 * `src/app.html` repeats this rule in its inline script (so an English reader never sees the
 * prerendered Chinese flash); `browserLanguage.spec.ts` checks that the two agree.
 */
export function languageFromBrowser(languages: readonly string[]): Locale {
	for (const tag of languages) {
		const primary = tag.trim().toLowerCase().split(/[-_]/)[0];
		if (primary === 'zh') return 'zh-TW';
		if (primary === 'en') return 'en';
	}
	return 'zh-TW';
}
