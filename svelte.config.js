import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadEnv } from 'vite';
import { cspDirectives } from './csp.config.js';

// The policy follows what this build is given (the Supabase project, Turnstile), read as Vite
// will read it for the app, .env files included, so the two cannot disagree.
const root = fileURLToPath(new URL('.', import.meta.url));
const mode = process.env.NODE_ENV === 'development' ? 'development' : 'production';
const env = loadEnv(mode, root, ['PUBLIC_']);
const appHtml = readFileSync(new URL('./src/app.html', import.meta.url), 'utf8');

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		// Every route is prerendered; the fallback answers any other path (a future route opened
		// from an old link) with the app shell instead of a 404. Every file also gets brotli and
		// gzip copies, which `npm run serve` (and any static host that looks for them) sends, so a
		// first visit on the venue's Wi-Fi and the paper-card recogniser's engine download far less.
		adapter: adapter({ fallback: '200.html', precompress: true }),
		// The shell's CSS is small: inlining it saves a render-blocking request on the first visit.
		inlineStyleThreshold: 8192,
		serviceWorker: { register: false },
		// Hashes, not nonces: the pages are static files, written once at build time.
		csp: {
			mode: 'hash',
			directives: cspDirectives({ env, appHtml })
		}
	}
};

export default config;
