import { createHash } from 'node:crypto';

// The Content-Security-Policy every page carries (SvelteKit writes it into a <meta http-equiv> of
// each prerendered page and of the fallback). supabase-js keeps the session's refresh token in
// localStorage, so the policy's job is that no script but the app's own ever runs on the origin,
// and that the page talks to no server but its own and the configured Supabase project.
// README.md, "Content-Security-Policy", explains each source.

/** @typedef {`${string}://${string}.${string}`} Origin */

/** Where Cloudflare Turnstile's script and its challenge frame come from (it cannot be bundled). */
export const TURNSTILE_ORIGIN = /** @type {const} */ ('https://challenges.cloudflare.com');

/**
 * The Supabase project's origin when the build has sync, by the rule of
 * src/lib/data/sync/config.ts (both variables set, an http(s) URL); otherwise null.
 * @param {Record<string, string | undefined>} env
 */
export function supabaseOrigin(env) {
	const url = env.PUBLIC_SUPABASE_URL?.trim();
	if (!url || !env.PUBLIC_SUPABASE_ANON_KEY?.trim()) return null;
	try {
		const parsed = new URL(url);
		if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return null;
		return /** @type {Origin} */ (parsed.origin);
	} catch {
		return null;
	}
}

/**
 * Whether sign-ins ask Turnstile for a CAPTCHA token: a site key, and sync to sign in to.
 * @param {Record<string, string | undefined>} env
 */
export function turnstileConfigured(env) {
	return Boolean(env.PUBLIC_TURNSTILE_SITE_KEY?.trim()) && supabaseOrigin(env) !== null;
}

/** @param {string} text */
function sha256(text) {
	return /** @type {`sha256-${string}`} */ (
		`sha256-${createHash('sha256').update(text).digest('base64')}`
	);
}

/**
 * The CSP sources of the inline scripts (or styles) of a page template: SvelteKit hashes the
 * scripts and styles it writes itself, never those of src/app.html.
 * @param {string} html
 * @param {'script' | 'style'} tag
 */
export function inlineHashes(html, tag) {
	const pattern = new RegExp(`<${tag}(\\s[^>]*)?>([\\s\\S]*?)</${tag}>`, 'g');
	return [...html.matchAll(pattern)]
		.filter(([, attributes = '']) => !/\bsrc\s*=/.test(attributes))
		.map(([, , body = '']) => sha256(body));
}

/**
 * @param {{ env: Record<string, string | undefined>, appHtml: string }} build
 * @returns {NonNullable<NonNullable<import('@sveltejs/kit').KitConfig['csp']>['directives']>}
 */
export function cspDirectives({ env, appHtml }) {
	const supabase = supabaseOrigin(env);
	/** @type {Origin[]} */
	const turnstile = turnstileConfigured(env) ? [TURNSTILE_ORIGIN] : [];
	return {
		// Images, fonts, the manifest, media: our own origin only (the QR is inline SVG, a saved
		// QR or export is a blob: download, which CSP does not govern).
		'default-src': ['self'],
		// A paper card's photo is shown beside the form that was filled from it, from a blob: URL
		// of the picture on the device (it is never uploaded).
		'img-src': ['self', 'blob:'],
		// The app's own modules; the language bootstrap of src/app.html by its hash (SvelteKit adds
		// the hash of its own start-up script); compiling the QR decoder's WebAssembly (zxing-wasm)
		// needs 'wasm-unsafe-eval', which allows WebAssembly and nothing of eval().
		'script-src': ['self', 'wasm-unsafe-eval', ...inlineHashes(appHtml, 'script'), ...turnstile],
		// Our stylesheets, the shell CSS SvelteKit inlines (it adds that hash) and the relocalising
		// rule of src/app.html by its hash.
		'style-src': ['self', ...inlineHashes(appHtml, 'style')],
		// Style attributes in markup: SvelteKit's own route announcer and the body wrapper of
		// src/app.html have one. An attribute can run no code, and what its url() could load is
		// bound by default-src. (Styles set from script, as html5-qrcode shades its viewfinder,
		// are not subject to CSP at all.)
		'style-src-attr': ['unsafe-inline'],
		// Our own origin (the .wasm, the service worker's fetches) and, with sync, the Supabase
		// project's Auth and PostgREST over http(s). The app never opens a Realtime channel, so
		// its wss: form is not allowed.
		'connect-src': ['self', ...(supabase ? [supabase] : [])],
		// The service worker and the "Your data" reader are scripts of our own.
		'worker-src': ['self'],
		// Turnstile's challenge runs in its own frame; nothing else is framed.
		'frame-src': turnstile.length > 0 ? turnstile : ['none'],
		'object-src': ['none'],
		'base-uri': ['none'],
		'form-action': ['self']
	};
}
