import type { Plugin } from 'vite';
import { FIRST_LOAD_CHUNKS } from './chunks.config.ts';

// Chromium compiles a script's functions lazily: each one the first time it is called, on the main
// thread. Starting the app calls most of what the first-load chunks hold (SvelteKit's start,
// Svelte's hydration, the layouts), so on a slow phone half of the longest task after the first
// paint was compiling them. A file that opens with this comment is compiled whole, on a background
// thread while it downloads (Chromium 136 and later; other browsers read a comment).
export const COMPILE_HINT = '//# allFunctionsCalledOnLoad\n';

/** The parts of Rolldown's output this plugin reads and writes. */
interface OutputFile {
	type: 'chunk' | 'asset';
	name?: string;
	code?: string;
}

/** Gives the first-load chunks the hint. The comment only counts on a file's first line. */
export function hintFirstLoadChunks(bundle: Record<string, OutputFile>): void {
	const hinted: readonly string[] = FIRST_LOAD_CHUNKS;
	for (const file of Object.values(bundle)) {
		if (file.type === 'chunk' && hinted.includes(file.name ?? '') && file.code !== undefined) {
			file.code = COMPILE_HINT + file.code;
		}
	}
}

export function compileHints(): Plugin {
	return {
		name: 'rapport:compile-hints',
		apply: 'build',
		applyToEnvironment: (environment) => environment.name === 'client',
		// Last, after Vite has put its own lines (the CSS preload list) at the top of the chunks.
		generateBundle: {
			order: 'post',
			handler(_options, bundle) {
				hintFirstLoadChunks(bundle as Record<string, OutputFile>);
			}
		}
	};
}
