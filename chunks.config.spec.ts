import { describe, expect, it } from 'vitest';
import { ERROR_AT_LOAD, chunkGroups } from './chunks.config.ts';

/** A module graph from "importer: imported…" pairs, as Rolldown's chunking context gives it. */
function graph(edges: Record<string, string[]>) {
	return { getModuleInfo: (id: string) => ({ importedIds: edges[id] ?? [] }) };
}

const inputBinding = '/n/svelte/src/internal/client/dom/elements/bindings/input.js';
const svelteBarrel = '/n/svelte/src/internal/client/index.js';
const messages = '/app/src/lib/paraglide/messages.js';
const appLayout = '/app/src/routes/(app)/+layout.svelte';
const home = '/app/src/routes/(app)/+page.svelte';
const guestPage = '/app/src/routes/c/+page.svelte';
const heading = '/app/src/lib/components/PageHeading.svelte';
const modules = graph({
	'/kit/entry.js': ['/kit/client.js'],
	'/kit/client.js': [svelteBarrel],
	[svelteBarrel]: ['/n/svelte/src/internal/client/dom/blocks/each.js', inputBinding],
	'/gen/nodes/0.js': ['/app/src/routes/+layout.svelte'],
	'/app/src/routes/+layout.svelte': [svelteBarrel, messages, '/app/src/lib/state/pwa.ts'],
	[messages]: ['/app/src/lib/paraglide/messages/_index.js'],
	[appLayout]: [svelteBarrel, '/app/src/lib/state/app.ts'],
	'/app/src/lib/state/app.ts': ['/app/src/lib/data/db.ts'],
	[home]: ['/app/src/lib/components/ActionTile.svelte', heading],
	[guestPage]: [heading, '/app/src/lib/domain/card/payload.ts']
});
const roots = {
	shell: ['/kit/entry.js', '/gen/nodes/0.js'],
	appLayout,
	home,
	guest: guestPage
};

describe('how the first load is cut', () => {
	const [shell, app, guest] = chunkGroups(roots);
	const name = (id: string) =>
		shell.name(id, modules) ?? app.name(id, modules) ?? guest.name(id, modules);

	it('puts everything the shell’s roots import, however deep, in the shell', () => {
		for (const id of [
			'/kit/client.js',
			'/n/svelte/src/internal/client/dom/blocks/each.js',
			'/app/src/routes/+layout.svelte',
			'/app/src/lib/state/pwa.ts'
		]) {
			expect(name(id), id).toBe('shell');
		}
	});

	it('puts the app’s layout and what it and home import in the app chunk, which a guest never loads', () => {
		for (const id of [
			appLayout,
			'/app/src/lib/state/app.ts',
			'/app/src/lib/data/db.ts',
			'/app/src/lib/components/ActionTile.svelte'
		]) {
			expect(name(id), id).toBe('app');
		}
	});

	it('puts what the app and the guest’s page both import in the shell, so neither loads the other’s', () => {
		expect(name(heading)).toBe('shell');
	});

	it('puts what only the guest’s page imports in the guest chunk, and leaves the page its file', () => {
		expect(name('/app/src/lib/domain/card/payload.ts')).toBe('guest');
		expect(name(guestPage)).toBeNull();
	});

	it('leaves the roots in their own files', () => {
		for (const id of [...roots.shell, home]) expect(name(id), id).toBeNull();
	});

	it('keeps Svelte in the shell, first in line, though the app’s and the guest’s modules import it too', () => {
		expect(shell.priority).toBeGreaterThan(app.priority);
		expect(app.priority).toBeGreaterThan(guest.priority);
		expect(app.name(svelteBarrel, modules)).toBeNull();
		expect(guest.name(svelteBarrel, modules)).toBeNull();
	});

	it('does not follow the messages barrel to every page’s messages', () => {
		expect(name(messages)).toBe('shell');
		expect(name('/app/src/lib/paraglide/messages/_index.js')).toBeNull();
	});

	it('leaves Svelte’s text-input bindings to the pages with forms', () => {
		expect(name(inputBinding)).toBeNull();
	});
});

describe('the Error Svelte makes as its code loads', () => {
	it('gets a file of its own with Svelte’s constants, ahead of the shell', () => {
		expect(ERROR_AT_LOAD.name('/n/svelte/src/internal/client/constants.js', modules)).toBe(
			'svelte-constants'
		);
		expect(ERROR_AT_LOAD.priority).toBeGreaterThan(
			Math.max(...chunkGroups(roots).map((group) => group.priority))
		);
	});

	it('leaves the rest of Svelte, and constants of other packages, to the other groups', () => {
		for (const id of [
			'/n/svelte/src/internal/client/dom/blocks/each.js',
			'/n/svelte/src/constants.js',
			'/n/@sveltejs/kit/src/runtime/client/constants.js'
		]) {
			expect(ERROR_AT_LOAD.name(id, modules), id).toBeNull();
		}
	});
});
