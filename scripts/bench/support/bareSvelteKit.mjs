// The baseline for the page-speed figures (issue 17): a bare SvelteKit static site, as the
// minimal `sv create` template would give, built in a temp folder with this project's own
// SvelteKit, Svelte and Vite (its node_modules linked in), serving the same text as the page it
// stands beside. Whatever gap remains between the two is ours.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * @typedef {object} BarePage
 * @property {string} route e.g. `/` or `/c`
 * @property {string} [title]
 * @property {string[]} [lines] the text the page shows, one paragraph per line
 * @property {string} [source] the whole `+page.svelte` instead, for a baseline that does work
 */

const APP_HTML = `<!doctype html>
<html lang="zh-TW">
	<head>
		<meta charset="utf-8" />
		<meta name="viewport" content="width=device-width, initial-scale=1" />
		<!-- The template ships a favicon; without one the browser's 404 for it costs best practices. -->
		<link rel="icon" href="data:," />
		%sveltekit.head%
	</head>
	<body data-sveltekit-preload-data="hover">
		<div style="display: contents">%sveltekit.body%</div>
	</body>
</html>
`;

// Precompressed like ours, so the two are served alike.
const SVELTE_CONFIG = `import adapter from '@sveltejs/adapter-static';
export default { kit: { adapter: adapter({ precompress: true }) } };
`;

const VITE_CONFIG = `import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';
export default defineConfig({ plugins: [sveltekit()], logLevel: 'warn' });
`;

/** @param {BarePage} page */
function pageSource({ title = '', lines = [], source }) {
	if (source !== undefined) return source;
	return `<script>
	const lines = ${JSON.stringify(lines)};
</script>

<svelte:head><title>${title.replace(/[<>&]/g, '')}</title></svelte:head>

<main>
	{#each lines as line, index (index)}
		<p>{line}</p>
	{/each}
</main>
`;
}

/**
 * Builds the bare site.
 * @param {{ root: string, pages: BarePage[], progress: (message: string) => void }} options
 * @returns {Promise<{ buildDir: string, remove: () => Promise<void> }>}
 */
export async function buildBareSvelteKit({ root, pages, progress }) {
	const dir = await mkdtemp(join(tmpdir(), 'rapport-bare-sveltekit-'));
	const remove = () => rm(dir, { recursive: true, force: true });
	try {
		await symlink(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
		await writeFile(join(dir, 'package.json'), JSON.stringify({ type: 'module', private: true }));
		await writeFile(join(dir, 'svelte.config.js'), SVELTE_CONFIG);
		await writeFile(join(dir, 'vite.config.js'), VITE_CONFIG);
		await mkdir(join(dir, 'src', 'routes'), { recursive: true });
		await writeFile(join(dir, 'src', 'app.html'), APP_HTML);
		await writeFile(join(dir, 'src', 'routes', '+layout.js'), 'export const prerender = true;\n');
		for (const page of pages) {
			const folder = join(dir, 'src', 'routes', ...page.route.split('/').filter(Boolean));
			await mkdir(folder, { recursive: true });
			await writeFile(join(folder, '+page.svelte'), pageSource(page));
		}
		progress(`baseline: building a bare SvelteKit site in ${dir}`);
		await new Promise((resolve, reject) => {
			const child = spawn(join(root, 'node_modules', '.bin', 'vite'), ['build'], {
				cwd: dir,
				stdio: ['ignore', 'ignore', 2]
			});
			child.on('error', reject);
			child.on('exit', (code) =>
				code === 0 ? resolve(undefined) : reject(new Error(`bare build exited with ${code}`))
			);
		});
		return { buildDir: join(dir, 'build'), remove };
	} catch (error) {
		await remove();
		throw error;
	}
}
