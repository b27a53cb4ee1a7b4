// The pages the page-speed figures are taken on (`/`, and `/c#<reference card>`, the page a
// visitor without the app sees first) and their baseline: a bare SvelteKit site serving the same
// text (bareSvelteKit.mjs). Built and served once per bench run, however many measures use it.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { runnerImport } from 'vite';
import { CHROMIUM_ARGS } from '../../../tests/support/chromium-flags.mjs';
import { buildBareSvelteKit } from './bareSvelteKit.mjs';
import { serveFolder } from '../../../tests/support/serve.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/**
 * @typedef {object} SpeedPage
 * @property {'home' | 'card page'} name
 * @property {string} route
 * @property {string} path what follows the origin, the card page's fragment included
 */

/** @type {Promise<{ pages: SpeedPage[], bareUrl: string }> | undefined} */
let shared;

/**
 * Our pages and the origin of the bare site that stands beside them.
 * @param {import('../../bench.mjs').BenchContext} context
 */
export function pageBaseline(context) {
	shared ??= build(context);
	return shared;
}

/** @param {import('../../bench.mjs').BenchContext} context */
async function build({ url, chromiumPath, progress, onCleanup }) {
	const { module: codec } = await runnerImport(join(root, 'src/lib/domain/card/index.ts'), {
		configFile: false,
		logLevel: 'error'
	});
	const cardPath = new URL(codec.encodeCardUrl(codec.referenceCard, url)).href.slice(url.length);
	/** @type {SpeedPage[]} */
	const pages = [
		{ name: 'home', route: '/', path: '/' },
		{ name: 'card page', route: '/c', path: cardPath }
	];
	const bare = await buildBareSvelteKit({
		root,
		progress,
		pages: await Promise.all(
			pages.map(async ({ route, path }) => ({
				route,
				...(await textOf(`${url}${path}`, chromiumPath))
			}))
		)
	});
	onCleanup(() => bare.remove());
	const server = await serveFolder(bare.buildDir);
	onCleanup(() => server.close());
	return { pages, bareUrl: server.url };
}

/**
 * The title and visible text of one of our pages, as a zh-TW visitor sees it once it has run.
 * @param {string} url @param {string} chromiumPath
 */
async function textOf(url, chromiumPath) {
	const browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
	try {
		const context = await browser.newContext({ locale: 'zh-TW', serviceWorkers: 'block' });
		const page = await context.newPage();
		await page.goto(url, { waitUntil: 'networkidle' });
		return {
			title: await page.title(),
			lines: (await page.locator('body').innerText())
				.split('\n')
				.map((line) => line.trim())
				.filter(Boolean)
		};
	} finally {
		await browser.close();
	}
}
