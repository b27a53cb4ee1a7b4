import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		// Every route is prerendered; the fallback answers any other path (a future route opened
		// from an old link) with the app shell instead of a 404.
		adapter: adapter({ fallback: '200.html' }),
		// The shell's CSS is small: inlining it saves a render-blocking request on the first visit.
		inlineStyleThreshold: 8192,
		serviceWorker: { register: false }
	}
};

export default config;
