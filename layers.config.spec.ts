import { ESLint } from 'eslint';
import svelte from 'eslint-plugin-svelte';
import ts from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { layerRules } from './layers.config.js';

// The layer rules on their own (no type-aware rules, so no project is needed), run on a line of
// source put at a path in the tree, as `npm run check` would see it there.
const eslint = new ESLint({
	cwd: import.meta.dirname,
	overrideConfigFile: true,
	overrideConfig: [
		...svelte.configs['flat/base'],
		{ files: ['**/*.ts'], languageOptions: { parser: ts.parser } },
		{ files: ['**/*.svelte'], languageOptions: { parserOptions: { parser: ts.parser } } },
		...layerRules()
	]
});

async function problems(path: string, line: string): Promise<string[]> {
	const source = path.endsWith('.svelte')
		? `<script lang="ts">\n\t${line}\n</script>\n`
		: `${line}\n`;
	const [result] = await eslint.lintText(source, { filePath: path });
	return (result?.messages ?? []).map((message) => `${message.ruleId}: ${message.message}`);
}

const refused = expect.arrayContaining([expect.stringMatching(/^no-restricted-imports: /)]);

describe('the layer rules', () => {
	it.each([
		[
			'domain → data, type only',
			'src/lib/domain/x.ts',
			"import type { RapportDatabase } from '$lib/data/db';"
		],
		[
			'domain → data, by a relative path',
			'src/lib/domain/card/x.ts',
			"import { x } from '../../data/db';"
		],
		['domain → state', 'src/lib/domain/x.ts', "import { app } from '$lib/state/app.svelte';"],
		['domain → messages', 'src/lib/domain/x.ts', "import { m } from '$lib/paraglide/messages';"],
		['domain → Svelte', 'src/lib/domain/x.ts', "import { tick } from 'svelte';"],
		['domain → IndexedDB', 'src/lib/domain/x.ts', "import { openDB } from 'idb';"],
		['data → state', 'src/lib/data/x.ts', "import { app } from '$lib/state/app.svelte';"],
		[
			'data → messages',
			'src/lib/data/sync/x.ts',
			"import { getLocale } from '$lib/paraglide/runtime';"
		],
		[
			'state → a component',
			'src/lib/state/x.ts',
			"import Notice from '$lib/components/Notice.svelte';"
		],
		[
			'a component → state, type only',
			'src/lib/components/x/Y.svelte',
			"import type { SyncState } from '$lib/state/sync.svelte';"
		],
		[
			'a component → data',
			'src/lib/components/Y.svelte',
			"import { storageReport } from '$lib/data/persistence';"
		],
		[
			'a component → Supabase',
			'src/lib/components/Y.svelte',
			"import { createClient } from '@supabase/supabase-js';"
		],
		[
			'a route → data',
			'src/routes/x/+page.svelte',
			"import { OPENER_MAX } from '$lib/data/promptDeck';"
		]
	])('refuses %s', async (_, path, line) => {
		expect(await problems(path, line)).toEqual(refused);
	});

	it.each([
		[
			'domain → domain',
			'src/lib/domain/card/x.ts',
			"import type { Connection } from '../records';"
		],
		[
			'data → domain',
			'src/lib/data/x.ts',
			"import type { Connection } from '$lib/domain/records';"
		],
		[
			'state → data',
			'src/lib/state/x.ts',
			"import { connectionRepository } from '$lib/data/connections';"
		],
		[
			'a component → domain',
			'src/lib/components/Y.svelte',
			"import type { StorageState } from '$lib/domain/storage';"
		],
		[
			'a component → messages',
			'src/lib/components/Y.svelte',
			"import { m } from '$lib/paraglide/messages';"
		],
		[
			'a route → state',
			'src/routes/x/+page.svelte',
			"import { app } from '$lib/state/app.svelte';"
		],
		[
			'a route → components',
			'src/routes/+layout.svelte',
			"import Notice from '$lib/components/Notice.svelte';"
		],
		[
			'a spec reaching anywhere',
			'src/lib/domain/x.spec.ts',
			"import { app } from '$lib/state/app.svelte';"
		]
	])('lets %s through', async (_, path, line) => {
		expect(await problems(path, line)).toEqual([]);
	});
});
