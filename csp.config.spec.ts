import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { cspDirectives, inlineHashes, TURNSTILE_ORIGIN } from './csp.config.js';

const SUPABASE = {
	PUBLIC_SUPABASE_URL: 'https://abc.supabase.co/',
	PUBLIC_SUPABASE_ANON_KEY: 'anon'
};
const APP_HTML = '<head><script>var a = 1;</script><script src="/x.js"></script><style>p{}</style>';

function sha(text: string): string {
	return `sha256-${createHash('sha256').update(text).digest('base64')}`;
}

describe('cspDirectives', () => {
	test('without Supabase the page talks to its own origin only', () => {
		const policy = cspDirectives({ env: {}, appHtml: APP_HTML });
		expect(policy['connect-src']).toEqual(['self']);
		expect(policy['frame-src']).toEqual(['none']);
		expect(policy['img-src']).toEqual(['self', 'blob:']);
	});

	test('with Supabase its origin alone is added, and no Realtime wss:', () => {
		const policy = cspDirectives({ env: SUPABASE, appHtml: APP_HTML });
		expect(policy['connect-src']).toEqual(['self', 'https://abc.supabase.co']);
	});

	test('a half-configured or non-http Supabase adds nothing, as sync stays off', () => {
		for (const env of [
			{ PUBLIC_SUPABASE_URL: SUPABASE.PUBLIC_SUPABASE_URL },
			{ ...SUPABASE, PUBLIC_SUPABASE_URL: 'ftp://abc.supabase.co' },
			{ ...SUPABASE, PUBLIC_SUPABASE_URL: 'not a url' }
		]) {
			expect(cspDirectives({ env, appHtml: APP_HTML })['connect-src']).toEqual(['self']);
		}
	});

	test('Cloudflare Turnstile is allowed only with a site key and sync to sign in to', () => {
		const allowed = (env: Record<string, string>) => {
			const policy = cspDirectives({ env, appHtml: APP_HTML });
			return JSON.stringify(policy).includes(TURNSTILE_ORIGIN);
		};
		expect(allowed(SUPABASE)).toBe(false);
		expect(allowed({ PUBLIC_TURNSTILE_SITE_KEY: '0x4AAA' })).toBe(false);
		expect(allowed({ ...SUPABASE, PUBLIC_TURNSTILE_SITE_KEY: ' ' })).toBe(false);

		const policy = cspDirectives({
			env: { ...SUPABASE, PUBLIC_TURNSTILE_SITE_KEY: '0x4AAA' },
			appHtml: APP_HTML
		});
		expect(policy['script-src']).toContain(TURNSTILE_ORIGIN);
		expect(policy['frame-src']).toEqual([TURNSTILE_ORIGIN]);
		expect(policy['connect-src']).toEqual(['self', 'https://abc.supabase.co']);
	});

	test("the template's inline script and style are allowed by their hashes, nothing inline else", () => {
		const policy = cspDirectives({ env: {}, appHtml: APP_HTML });
		expect(policy['script-src']).toEqual(['self', 'wasm-unsafe-eval', sha('var a = 1;')]);
		expect(policy['style-src']).toEqual(['self', sha('p{}')]);
	});
});

describe('inlineHashes', () => {
	test('hashes exactly the text between the tags, whitespace included, and skips src scripts', () => {
		expect(inlineHashes('<script>\n\tx();\n</script>', 'script')).toEqual([sha('\n\tx();\n')]);
		expect(inlineHashes('<script type="module" src="a.js"></script>', 'script')).toEqual([]);
		expect(inlineHashes('<style media="print">b{}</style>', 'style')).toEqual([sha('b{}')]);
	});

	test('src/app.html has one inline script and one inline style, both found', () => {
		const html = readFileSync('src/app.html', 'utf8');
		expect(inlineHashes(html, 'script')).toHaveLength(1);
		expect(inlineHashes(html, 'style')).toHaveLength(1);
	});
});
