import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EnvironmentOptions } from 'vite';

// How the browser build is cut into files, for the first-load budget of issue 17.
//
// Every page loads SvelteKit's start and the app, the root layout and the root error page, and the
// app opens on home. Left alone, Rolldown gives each set of pages that share a module its own
// chunk: a first visit to home fetched 26 files, most of them a single message or a small
// component, each paying its own compression window and import lines. Here everything those
// modules import goes into one "shell" chunk. No page loses by it: the shell is what every page
// loads anyway, plus home's few shared pieces.

const root = dirname(fileURLToPath(import.meta.url));
const generated = join(root, '.svelte-kit', 'generated', 'client-optimized');
const kit = dirname(createRequire(import.meta.url).resolve('@sveltejs/kit/package.json'));

/** The modules whose imports make up the shell; each keeps its own file. */
export const SHELL_ROOTS = [
	join(kit, 'src', 'runtime', 'client', 'entry.js'),
	join(generated, 'app.js'),
	join(generated, 'nodes', '0.js'),
	join(generated, 'nodes', '1.js'),
	// Home's component is only needed on home, so only its imports join the shell.
	join(root, 'src', 'routes', '+page.svelte')
];

/**
 * Not followed: the messages barrel re-exports every message of every page, and Rolldown places
 * the messages the shell uses with it anyway.
 */
const barrel = /[\\/]src[\\/]lib[\\/]paraglide[\\/]messages(\.js|[\\/]_index\.js)$/;

/**
 * Left out: Svelte's text-input bindings, which only pages with forms use. Svelte's internals all
 * come through one barrel, so the shell reaches them all; with the barrel marked side-effect free
 * and Rolldown's lazy barrels on, a module that is left out goes only to the pages that use it.
 */
const formsOnly =
	/[\\/]svelte[\\/]src[\\/]internal[\\/]client[\\/]dom[\\/]elements[\\/]bindings[\\/]input\.js$/;
const svelteBarrel = /[\\/]svelte[\\/]src[\\/]internal[\\/]client[\\/]index\.js$/;

interface ModuleGraph {
	getModuleInfo(id: string): { importedIds: readonly string[] } | null;
}

/** A `codeSplitting` group name function: "shell" for the modules the roots import statically. */
export function shellChunk(roots: readonly string[]) {
	let shell: Set<string> | undefined;
	return (id: string, graph: ModuleGraph): string | null => {
		shell ??= staticImports(roots, graph);
		return shell.has(id) && !formsOnly.test(id) ? 'shell' : null;
	};
}

function staticImports(roots: readonly string[], graph: ModuleGraph): Set<string> {
	const found = new Set<string>();
	const visit = (id: string) => {
		for (const imported of graph.getModuleInfo(id)?.importedIds ?? []) {
			if (found.has(imported) || roots.includes(imported)) continue;
			found.add(imported);
			if (!barrel.test(imported)) visit(imported);
		}
	};
	roots.forEach(visit);
	return found;
}

export const clientBuild: EnvironmentOptions['build'] = {
	// Vite would list every chunk a page needs in the app's entry, so a page's imports can be
	// fetched in parallel; the service worker precaches them all, and the list cost the first
	// load 1.5 KB. Stylesheets are still listed, so a page's CSS still arrives with it.
	modulePreload: false,
	rolldownOptions: {
		experimental: { lazyBarrel: true },
		treeshake: { moduleSideEffects: [{ test: svelteBarrel, sideEffects: false }] },
		output: { codeSplitting: { groups: [{ name: shellChunk(SHELL_ROOTS), debugName: 'shell' }] } }
	}
};
