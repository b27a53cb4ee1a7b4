import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EnvironmentOptions } from 'vite';

// How the browser build is cut into files, for the first-load budgets of issue 17.
//
// Left alone, Rolldown gives each set of pages that share a module its own chunk: a first visit to
// home fetched 26 files, most of them a single message or a small component, each paying its own
// compression window and import lines. Here the modules are gathered in three chunks instead:
// - "shell": what every page loads, the guest's card page (`/c`) as much as the app's screens:
//   SvelteKit's start and the app, the root layout and the root error page.
// - "app": what the app's screens add, which a guest never loads: their layout (the navigation,
//   the local database) and home's few pieces, since the app opens on home. No screen loses by
//   it: each of them loads the app's layout anyway.
// - "guest": what the card page adds (reading the link, showing the card, the language choice).
//   Screens that read cards too (scanning, people) load it whole rather than in pieces.

const root = dirname(fileURLToPath(import.meta.url));
const generated = join(root, '.svelte-kit', 'generated', 'client-optimized');
const kit = dirname(createRequire(import.meta.url).resolve('@sveltejs/kit/package.json'));

/** Where each chunk starts from. */
interface ChunkRoots {
	/** What every page loads first; what they import makes up the shell. Each keeps its own file. */
	shell: readonly string[];
	/** The app's screens' layout: it and what it imports make up the app chunk. */
	appLayout: string;
	/** Home's component is only needed on home, so only its imports join the app chunk. */
	home: string;
	/** The guest's card page: what it imports that the app does too goes to the shell. */
	guest: string;
}

export const CHUNK_ROOTS: ChunkRoots = {
	shell: [
		join(kit, 'src', 'runtime', 'client', 'entry.js'),
		join(generated, 'app.js'),
		join(generated, 'nodes', '0.js'),
		join(generated, 'nodes', '1.js')
	],
	appLayout: join(root, 'src', 'routes', '(app)', '+layout.svelte'),
	home: join(root, 'src', 'routes', '(app)', '+page.svelte'),
	guest: join(root, 'src', 'routes', 'c', '+page.svelte')
};

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

/**
 * Svelte makes one Error as its code loads (the reason it gives an effect's aborted signal).
 * Chromium under a trace (DevTools, Lighthouse) notes where each Error is made, and to find the
 * line it parses again the whole script whose top level made it: the shell, over 90 KB, which was
 * 20–30 ms of the longest task after the first paint at 4× CPU. Svelte's constants, where it is
 * made, get a file of their own, so it parses a few hundred bytes instead.
 */
export const ERROR_AT_LOAD: ChunkGroup = {
	name: (id) =>
		/[\\/]svelte[\\/]src[\\/]internal[\\/]client[\\/]constants\.js$/.test(id)
			? 'svelte-constants'
			: null,
	debugName: 'svelte-constants',
	priority: 4
};

/** The three chunks' names, in the order they are taken. */
export const FIRST_LOAD_CHUNKS = ['shell', 'app', 'guest'] as const;

interface ModuleGraph {
	getModuleInfo(id: string): { importedIds: readonly string[] } | null;
}

interface ChunkGroup {
	name: (id: string, graph: ModuleGraph) => string | null;
	debugName: string;
	priority: number;
}

/**
 * The three `codeSplitting` groups. "shell": the modules the shell's roots import statically, and
 * those the app's and the guest's pages both import (a page heading, the language). "app": the
 * app's layout and the rest of what the app's roots import. "guest": the rest of what the card
 * page imports. They are taken in that order: a group also takes what its modules import, and
 * the app's and the guest's modules import Svelte, which must stay in the shell.
 */
export function chunkGroups(roots: ChunkRoots): [ChunkGroup, ChunkGroup, ChunkGroup] {
	let chunks: { shell: Set<string>; app: Set<string>; guest: Set<string> } | undefined;
	const group = (name: (typeof FIRST_LOAD_CHUNKS)[number], priority: number) => ({
		name: (id: string, graph: ModuleGraph): string | null => {
			chunks ??= cut(roots, graph);
			return chunks[name].has(id) && !formsOnly.test(id) ? name : null;
		},
		debugName: name,
		priority
	});
	const [shell, app, guest] = FIRST_LOAD_CHUNKS;
	return [group(shell, 3), group(app, 2), group(guest, 1)];
}

function cut(roots: ChunkRoots, graph: ModuleGraph) {
	const shell = staticImports(roots.shell, graph);
	const app = staticImports([roots.appLayout, roots.home], graph).add(roots.appLayout);
	const guest = staticImports([roots.guest], graph);
	for (const id of app) if (guest.has(id)) shell.add(id);
	for (const id of shell) app.delete(id);
	for (const id of [...shell, ...app]) guest.delete(id);
	return { shell, app, guest };
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
		output: { codeSplitting: { groups: [ERROR_AT_LOAD, ...chunkGroups(CHUNK_ROOTS)] } }
	}
};
