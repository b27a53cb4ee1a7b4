import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		// Every route renders in the browser from IndexedDB, so one SPA fallback serves them all.
		adapter: adapter({ fallback: 'index.html' }),
		serviceWorker: { register: false }
	}
};

export default config;
