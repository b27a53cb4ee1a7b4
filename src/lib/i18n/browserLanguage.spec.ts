import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { languageFromBrowser } from './browserLanguage';

describe('the language of a first visit', () => {
	it.for([
		[['zh-TW'], 'zh-TW'],
		[['zh-Hant-TW', 'en-US'], 'zh-TW'],
		[['zh-HK'], 'zh-TW'],
		[['zh-MO'], 'zh-TW'],
		[['zh'], 'zh-TW'],
		[['zh-CN'], 'zh-TW'],
		[['zh-Hans'], 'zh-TW'],
		[['en-US'], 'en'],
		[['en'], 'en'],
		[['EN-gb'], 'en'],
		[['en-AU', 'zh-TW'], 'en'],
		[['fr-FR', 'en'], 'en'],
		[['ja-JP', 'zh-TW'], 'zh-TW'],
		[['fr-FR'], 'zh-TW'],
		[['ja'], 'zh-TW'],
		[[], 'zh-TW'],
		[['english'], 'zh-TW'],
		[['zhx'], 'zh-TW']
	] as const)('%j reads %s', ([languages, expected]) => {
		expect(languageFromBrowser(languages)).toBe(expected);
	});
});

// The prerendered page hides itself before the first paint when it is about to be re-rendered in
// English. That script cannot import the rule, so it repeats it; here both must decide alike.
describe('the inline script in app.html', () => {
	const html = readFileSync(new URL('../../app.html', import.meta.url), 'utf8');
	const script = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';

	function hidesForEnglish(saved: string | null, languages: readonly string[]): boolean {
		const classes = new Set<string>();
		const run = new Function('localStorage', 'navigator', 'document', script) as (
			...args: unknown[]
		) => void;
		run(
			{ getItem: () => saved },
			{ languages, language: languages[0] },
			{ documentElement: { classList: { add: (name: string) => classes.add(name) } } }
		);
		return classes.has('relocalising');
	}

	const browsers: readonly (readonly string[])[] = [
		['en-US'],
		['zh-HK'],
		['fr-FR', 'en'],
		['ja'],
		['zh-CN', 'en'],
		[]
	];

	it('hides the page exactly when the browser rule gives English', () => {
		expect(script).toContain('relocalising');
		for (const languages of browsers) {
			expect(hidesForEnglish(null, languages), languages.join()).toBe(
				languageFromBrowser(languages) === 'en'
			);
		}
	});

	it('lets a saved choice win over the browser, and ignores a value we do not speak', () => {
		for (const languages of browsers) {
			expect(hidesForEnglish('en', languages)).toBe(true);
			expect(hidesForEnglish('EN', languages)).toBe(true);
			expect(hidesForEnglish('zh-TW', languages)).toBe(false);
			expect(hidesForEnglish('fr', languages)).toBe(languageFromBrowser(languages) === 'en');
		}
	});
});
