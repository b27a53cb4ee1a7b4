import { describe, expect, it } from 'vitest';
import { shellChunk } from './chunks.config.ts';

/** A module graph from "importer: imported…" pairs, as Rolldown's chunking context gives it. */
function graph(edges: Record<string, string[]>) {
	return { getModuleInfo: (id: string) => ({ importedIds: edges[id] ?? [] }) };
}

const inputBinding = '/n/svelte/src/internal/client/dom/elements/bindings/input.js';
const svelteBarrel = '/n/svelte/src/internal/client/index.js';
const messages = '/app/src/lib/paraglide/messages.js';
const modules = graph({
	'/kit/entry.js': ['/kit/client.js'],
	'/kit/client.js': [svelteBarrel],
	[svelteBarrel]: ['/n/svelte/src/internal/client/dom/blocks/each.js', inputBinding],
	'/gen/nodes/0.js': ['/app/src/routes/+layout.svelte'],
	'/app/src/routes/+layout.svelte': [svelteBarrel, messages, '/app/src/lib/state/app.ts'],
	[messages]: ['/app/src/lib/paraglide/messages/_index.js'],
	'/app/src/routes/+page.svelte': ['/app/src/lib/components/ActionTile.svelte']
});
const roots = ['/kit/entry.js', '/gen/nodes/0.js', '/app/src/routes/+page.svelte'];

describe('the shell chunk', () => {
	const name = (id: string) => shellChunk(roots)(id, modules);

	it('holds everything the roots import, however deep', () => {
		for (const id of [
			'/kit/client.js',
			'/n/svelte/src/internal/client/dom/blocks/each.js',
			'/app/src/routes/+layout.svelte',
			'/app/src/lib/state/app.ts',
			'/app/src/lib/components/ActionTile.svelte'
		]) {
			expect(name(id), id).toBe('shell');
		}
	});

	it('leaves the roots in their own files', () => {
		for (const id of roots) expect(name(id), id).toBeNull();
	});

	it('does not follow the messages barrel to every page’s messages', () => {
		expect(name(messages)).toBe('shell');
		expect(name('/app/src/lib/paraglide/messages/_index.js')).toBeNull();
	});

	it('leaves Svelte’s text-input bindings to the pages with forms', () => {
		expect(name(inputBinding)).toBeNull();
	});

	it('leaves modules nothing in the shell imports', () => {
		expect(name('/app/src/routes/c/+page.svelte')).toBeNull();
	});
});
