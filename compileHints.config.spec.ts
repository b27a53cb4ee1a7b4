import { describe, expect, it } from 'vitest';
import { COMPILE_HINT, hintFirstLoadChunks } from './compileHints.config.ts';

const chunk = (name: string, code: string) => ({ type: 'chunk' as const, name, code });

describe('compile hints', () => {
	it('opens each first-load chunk with the hint, ahead of the lines Vite put first', () => {
		const viteFirst = 'const __vite__mapDeps=(i)=>i;\nimport{a}from"./x.js";';
		const bundle = {
			'shell.js': chunk('shell', viteFirst),
			'app.js': chunk('app', 'export const app=1;'),
			'guest.js': chunk('guest', 'export const guest=1;')
		};
		hintFirstLoadChunks(bundle);
		expect(bundle['shell.js'].code).toBe(COMPILE_HINT + viteFirst);
		expect(bundle['app.js'].code.startsWith(COMPILE_HINT)).toBe(true);
		expect(bundle['guest.js'].code.startsWith(COMPILE_HINT)).toBe(true);
		expect(COMPILE_HINT).toBe('//# allFunctionsCalledOnLoad\n');
	});

	it('leaves the chunks a page loads later, SvelteKit’s entries and the assets alone', () => {
		const later = chunk('SendBackForm', 'export const form=1;');
		const entry = chunk('entry/app', 'export const app=1;');
		const asset = { type: 'asset' as const, name: 'app.css' };
		hintFirstLoadChunks({ 'later.js': later, 'entry.js': entry, 'app.css': asset });
		expect(later.code).toBe('export const form=1;');
		expect(entry.code).toBe('export const app=1;');
		expect(asset).toEqual({ type: 'asset', name: 'app.css' });
	});
});
