import type { SvelteKitPWAOptions } from '@vite-pwa/sveltekit';
import zhTW from './messages/zh-TW.json' with { type: 'json' };
import { PAPER_CARD_ASSETS } from './paperCard.assets.js';
import { REMINDERS_WORKER } from './reminders-worker.config.ts';

// The manifest is static, so it speaks the default language; its strings come from the same
// message file as the app so the two never drift apart.
export const THEME_COLOR = '#1f2a44';
export const BACKGROUND_COLOR = '#fbf7f2';

export const pwaOptions: Partial<SvelteKitPWAOptions> = {
	registerType: 'prompt',
	injectRegister: false,
	strategies: 'generateSW',
	kit: {
		adapterFallback: '200.html',
		spa: true
	},
	manifest: {
		id: '/',
		name: zhTW.app_name_long,
		short_name: zhTW.app_name,
		description: zhTW.app_description,
		lang: 'zh-TW',
		dir: 'ltr',
		start_url: '/',
		scope: '/',
		display: 'standalone',
		orientation: 'portrait',
		theme_color: THEME_COLOR,
		background_color: BACKGROUND_COLOR,
		categories: ['social', 'productivity'],
		icons: [
			{ src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
			{ src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
			{
				src: '/icons/icon-maskable-512.png',
				sizes: '512x512',
				type: 'image/png',
				purpose: 'maskable'
			}
		]
	},
	workbox: {
		// Everything the client build emits, so every route and every lazy chunk opens offline
		// after one online visit. The plugin adds the prerendered pages and the SPA fallback
		// (200.html), which answers any navigation that is not a prerendered page. The scanner's
		// decoder is a .wasm (≈ 0.9 MB): precached too, so a venue without Wi-Fi still scans.
		globPatterns: ['client/**/*.{js,css,ico,png,svg,webp,woff,woff2,json,webmanifest,wasm}'],
		// The paper-card recogniser (≈ 8.5 MB: its worker, core and trained data) is for those who
		// read a paper card: cached the first time one is read, so it works offline after that.
		globIgnores: [`client${PAPER_CARD_ASSETS}**`],
		runtimeCaching: [
			{
				// A RegExp, not a function: the rule is written into the service worker as source.
				urlPattern: new RegExp(`^[^?#]*${PAPER_CARD_ASSETS.replace(/\./g, '\\.')}`),
				handler: 'CacheFirst',
				options: { cacheName: 'rapport-paper-card', cacheableResponse: { statuses: [200] } }
			}
		],
		cleanupOutdatedCaches: true,
		maximumFileSizeToCacheInBytes: 4 * 1024 * 1024,
		// Showing the morning reminder and opening the follow-ups from it (issue 14).
		importScripts: [REMINDERS_WORKER]
	},
	devOptions: { enabled: false }
};
