import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import { layerRules } from './layers.config.js';
import svelteConfig from './svelte.config.js';

export default ts.config(
	{ ignores: ['build/', '.svelte-kit/', 'src/lib/paraglide/', 'node_modules/', 'project.inlang/'] },
	js.configs.recommended,
	...ts.configs.recommended,
	...svelte.configs.recommended,
	{
		languageOptions: { globals: { ...globals.browser, ...globals.node } }
	},
	{
		files: ['**/*.ts', '**/*.svelte', '**/*.svelte.ts'],
		languageOptions: {
			parserOptions: {
				projectService: true,
				extraFileExtensions: ['.svelte'],
				parser: ts.parser,
				svelteConfig
			}
		},
		rules: {
			'@typescript-eslint/no-floating-promises': 'error',
			'@typescript-eslint/no-misused-promises': 'error',
			// The app is always served from the origin's root (the QR links are `<origin>/c#…`),
			// so plain hrefs are already resolved.
			'svelte/no-navigation-without-resolve': ['error', { ignoreLinks: true }]
		}
	},
	...layerRules(),
	{
		// Edge Functions run on Deno (npm: imports, the Deno global), outside the app's tsconfig:
		// `deno check` types them (supabase/tests/send_reminders.spec.ts), so no type-aware rules.
		files: ['supabase/functions/**/*.ts'],
		languageOptions: {
			globals: { Deno: 'readonly' },
			parserOptions: { projectService: false }
		},
		rules: {
			'@typescript-eslint/no-floating-promises': 'off',
			'@typescript-eslint/no-misused-promises': 'off'
		}
	}
);
