// `npm run bench [-- --skip-build]`: builds the app, serves build/ as the SPA it is in
// production, and measures it against the quality bars in DESIGN.md. Progress goes to stderr.
// stdout gets the side-by-side table (support/report.mjs, Markdown for the README), then, as its
// last line, one JSON object with every figure and raw run, so CI can `tail -n 1` it.
//
// `-- --only <module>` (a file name in scripts/bench/ without .mjs) runs that module alone, after
// the shell's own measures: a busy machine need not run them all.
//
// To add a figure, write a measure (a function from the bench context to an object of figures)
// as the default export of a module in scripts/bench/: every module there is run after the
// shell's own measures, in file-name order, and the objects are merged into the one JSON line.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { runnerImport } from 'vite';
import { describeMachine, sideBySide } from './bench/support/report.mjs';
import { serveFolder } from '../tests/support/serve.mjs';
import { CHROMIUM_ARGS } from '../tests/support/chromium-flags.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const buildDir = join(root, 'build');
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * @typedef {object} BenchContext
 * @property {string} url origin of the served build, without a trailing slash
 * @property {string} buildDir
 * @property {string} chromiumPath
 * @property {(message: string) => void} progress writes a progress line to stderr
 * @property {(cleanup: () => Promise<void> | void) => void} onCleanup runs it once every measure
 *   is done (or the run fails), for what several measures share
 */

/** @typedef {(context: BenchContext) => Promise<Record<string, unknown>>} Measure */

/** @param {string} message */
function progress(message) {
	process.stderr.write(`[bench] ${message}\n`);
}

/** @type {(() => Promise<void> | void)[]} */
const cleanups = [];

async function cleanUp() {
	// Last opened, first closed; each runs once even if several exit paths reach here.
	for (const cleanup of cleanups.splice(0).reverse()) {
		try {
			await cleanup();
		} catch (error) {
			progress(`cleanup failed: ${error instanceof Error ? error.message : String(error)}`);
		}
	}
}

/** @type {import('node:child_process').ChildProcess | undefined} */
let child;

/** Builds with the build's own output on stderr, keeping stdout for the JSON line. */
function build() {
	return new Promise((resolve, reject) => {
		child = spawn('npx', ['vite', 'build'], { cwd: root, stdio: ['ignore', 2, 2] });
		child.on('error', reject);
		child.on('exit', (code) => {
			child = undefined;
			if (code === 0) resolve(undefined);
			else reject(new Error(`vite build exited with ${code}`));
		});
	});
}

/**
 * Serves the build like `npm run serve`.
 * @returns {Promise<string>} the origin
 */
async function serve() {
	const { url, close } = await serveFolder(buildDir, { single: '200.html' });
	cleanups.push(close);
	return url;
}

/**
 * JS a first-time visitor downloads, gzip -9 as a CDN would serve it: on `/`, and on the card
 * page a guest opens from a QR (`/c#<reference card>`). The service worker is blocked because its
 * precache would otherwise pull in every lazy chunk too.
 * @type {Measure}
 */
async function firstLoadJs({ url, chromiumPath }) {
	const { module: codec } = await runnerImport(join(root, 'src/lib/domain/card/index.ts'), {
		configFile: false,
		logLevel: 'error'
	});
	const pages = [
		{ figure: 'firstLoadJsGzipBytes', path: '/' },
		{ figure: 'firstLoadJsCardPageGzipBytes', path: codec.encodeCardUrl(codec.referenceCard, url) }
	];
	const browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
	const closeBrowser = () => browser.close();
	cleanups.push(closeBrowser);
	try {
		/** @type {Record<string, number>} */
		const figures = {};
		for (const { figure, path } of pages) {
			progress(`first-load JS: loading ${path.slice(0, 60)} with the service worker blocked`);
			const context = await browser.newContext({ serviceWorkers: 'block' });
			const page = await context.newPage();
			/** @type {Map<string, Promise<Buffer>>} */
			const bodies = new Map();
			page.on('response', (response) => {
				const { pathname } = new URL(response.url());
				const isScript = response.request().resourceType() === 'script' || /\.m?js$/.test(pathname);
				const isWorker = pathname === '/sw.js' || /\/workbox-[^/]*\.js$/.test(pathname);
				if (!isScript || isWorker || bodies.has(response.url())) return;
				// Read now: a body is only available while its page is alive.
				bodies.set(response.url(), response.body());
			});
			await page.goto(path.startsWith('/') ? `${url}${path}` : path, { waitUntil: 'networkidle' });

			let total = 0;
			const files = [];
			for (const [fileUrl, body] of bodies) {
				const gzipBytes = gzipSync(await body, { level: 9 }).length;
				total += gzipBytes;
				files.push({ path: new URL(fileUrl).pathname, gzipBytes });
			}
			for (const file of files.sort((a, b) => b.gzipBytes - a.gzipBytes)) {
				progress(`  ${String(file.gzipBytes).padStart(7)} B  ${file.path}`);
			}
			progress(`first-load JS: ${files.length} files, ${total} B gzipped`);
			figures[figure] = total;
			await context.close();
		}
		return figures;
	} finally {
		cleanups.splice(cleanups.indexOf(closeBrowser), 1);
		await closeBrowser();
	}
}

/** @returns {Promise<Measure[]>} */
async function featureMeasures() {
	const folder = join(root, 'scripts', 'bench');
	if (!existsSync(folder)) return [];
	const only = process.argv[process.argv.indexOf('--only') + 1];
	const files = readdirSync(folder)
		.filter((file) => file.endsWith('.mjs'))
		.filter((file) => !process.argv.includes('--only') || file === `${only}.mjs`)
		.sort();
	return Promise.all(
		files.map(async (file) => (await import(pathToFileURL(join(folder, file)).href)).default)
	);
}

/** @type {Measure[]} */
const measures = [firstLoadJs, ...(await featureMeasures())];

for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
	process.on(signal, () => {
		child?.kill(signal);
		void cleanUp().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
	});
}

async function main() {
	if (!existsSync(chromiumPath)) throw new Error(`Chromium not found at ${chromiumPath}`);
	if (process.argv.includes('--skip-build') && existsSync(join(buildDir, 'index.html'))) {
		progress('using the existing build/');
	} else {
		progress('building (npx vite build)');
		await build();
	}
	const url = await serve();
	progress(`serving build/ at ${url}`);

	/** @type {BenchContext} */
	const context = {
		url,
		buildDir,
		chromiumPath,
		progress,
		onCleanup: (cleanup) => cleanups.push(cleanup)
	};
	/** @type {Record<string, unknown>} */
	const figures = {};
	for (const measure of measures) Object.assign(figures, await measure(context));
	return figures;
}

let exitCode = 0;
try {
	const figures = await main();
	const browser = execFileSync(chromiumPath, ['--version'], {
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'ignore']
	}).trim();
	const date = new Date().toISOString().slice(0, 10);
	console.log(`${sideBySide(figures, { date, machine: describeMachine(), browser })}\n`);
	console.log(JSON.stringify(figures));
} catch (error) {
	progress(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
	exitCode = 1;
} finally {
	await cleanUp();
}
process.exit(exitCode);
