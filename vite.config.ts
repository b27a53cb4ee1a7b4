import { sveltekit } from '@sveltejs/kit/vite';
import { paraglideVitePlugin } from '@inlang/paraglide-js';
import { SvelteKitPWA } from '@vite-pwa/sveltekit';
import { defineConfig } from 'vitest/config';
import { clientBuild } from './chunks.config.ts';
import { compileHints } from './compileHints.config.ts';
import { paperCardAssets } from './paperCard.assets.js';
import { pwaOptions } from './pwa.config.ts';
import { remindersWorker } from './reminders-worker.config.ts';

export default defineConfig({
	// PUBLIC_SUPABASE_URL and PUBLIC_SUPABASE_ANON_KEY switch sync on at build time (read through
	// import.meta.env, so a build without them still compiles and explains how to enable sync).
	envPrefix: ['VITE_', 'PUBLIC_'],
	environments: { client: { build: clientBuild } },
	plugins: [
		paraglideVitePlugin({
			project: './project.inlang',
			outdir: './src/lib/paraglide',
			strategy: ['custom-saved', 'custom-browser', 'baseLocale']
		}),
		sveltekit(),
		compileHints(),
		paperCardAssets(),
		// The PWA plugin only matters for builds, and under vitest it keeps the process from exiting.
		...(process.env.VITEST ? [] : [...SvelteKitPWA(pwaOptions), remindersWorker()])
	],
	test: {
		expect: { requireAssertions: true },
		// scripts/test-all.mjs asks each run for a JSON report so it can total the whole suite.
		reporters: process.env.RAPPORT_TEST_REPORT ? ['default', 'json'] : ['default'],
		outputFile: process.env.RAPPORT_TEST_REPORT
			? { json: process.env.RAPPORT_TEST_REPORT }
			: undefined,
		projects: [
			{
				extends: './vite.config.ts',
				test: {
					name: 'unit',
					environment: 'node',
					include: ['src/**/*.spec.ts', 'scripts/**/*.spec.ts', '*.config.spec.ts']
				}
			},
			{
				extends: './vite.config.ts',
				test: {
					name: 'db',
					environment: 'node',
					include: ['supabase/tests/**/*.spec.ts', 'tests/sync/**/*.spec.ts'],
					fileParallelism: false
				}
			},
			{
				extends: './vite.config.ts',
				test: {
					name: 'e2e',
					environment: 'node',
					include: ['tests/e2e/**/*.spec.ts'],
					globalSetup: ['tests/support/e2e-global-setup.ts'],
					fileParallelism: false,
					testTimeout: 60_000,
					hookTimeout: 60_000
				}
			}
		]
	}
});
