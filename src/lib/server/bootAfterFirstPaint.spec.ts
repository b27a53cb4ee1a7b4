import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { KIT_SESSION_KEYS, bootAfterFirstPaint } from './bootAfterFirstPaint';

const sha256 = (text: string) => `sha256-${createHash('sha256').update(text).digest('base64')}`;

const START = './_app/immutable/entry/start.abc.js';
const APP = './_app/immutable/entry/app.def.js';
const NODE = './_app/immutable/nodes/2.ghi.js';

/** The start script as SvelteKit writes it into a prerendered page. */
const kitStartScript = `
				{
					__sveltekit_test = {
						base: new URL(".", location).pathname.slice(0, -1)
					};

					const element = document.currentScript.parentElement;

					Promise.all([
						import("${START}"),
						import("${APP}")
					]).then(([kit, app]) => {
						kit.start(app, element, {
							node_ids: [0, 2],
							data: [null,null],
							form: null,
							error: null
						});
					});
				}
			`;

/** A prerendered page: its policy names the hash of its start script, as SvelteKit writes it. */
function prerenderedPage(startScript = kitStartScript): string {
	return `<!doctype html>
<html lang="zh-TW">
	<head>
		<meta http-equiv="content-security-policy" content="default-src 'self'; script-src 'self' ${sha256(startScript)}">
		<link href="${START}" rel="modulepreload">
		<link href="${APP}" rel="modulepreload">
		<link href="${NODE}" rel="modulepreload">
		<title>首頁</title>
	</head>
	<body>
		<div style="display: contents"><main><h1>首頁</h1></main>
			<script>${startScript}</script>
		</div>
	</body>
</html>`;
}

const startScriptOf = (html: string) => /<script>([^<]*)<\/script>/.exec(html)?.[1] ?? '';

describe('bootAfterFirstPaint', () => {
	test('takes the preloads out of the page and leaves its content as it was', () => {
		const page = bootAfterFirstPaint(prerenderedPage());
		expect(page).not.toContain('<link href');
		expect(page).toContain('<main><h1>首頁</h1></main>');
		expect(page).toContain('<title>首頁</title>');
	});

	test('the page’s policy allows the start script it now carries, and only that one', () => {
		const page = bootAfterFirstPaint(prerenderedPage());
		const policy = /content="([^"]+)"/.exec(page)?.[1] ?? '';
		expect(policy).toContain(sha256(startScriptOf(page)));
		expect(policy).not.toContain(sha256(kitStartScript));
	});

	test('a page with no start script is left as it is', () => {
		const page = '<!doctype html><html><body><p>Offline</p></body></html>';
		expect(bootAfterFirstPaint(page)).toBe(page);
	});

	test('the page’s data is left as it is, whatever it says', () => {
		const withData = kitStartScript.replace(
			'data: [null,null]',
			'data: [null,{type:"data",data:{words:["import(",")"]}}]'
		);
		const script = startScriptOf(bootAfterFirstPaint(prerenderedPage(withData)));
		expect(script).toContain('data: [null,{type:"data",data:{words:["import(",")"]}}]');
	});

	test('a start script of a shape it does not know fails the build', () => {
		const unknown = `{ __sveltekit_x = {}; kit.start(app, element); }`;
		expect(() => bootAfterFirstPaint(prerenderedPage(unknown))).toThrow(/shape/);
	});
});

describe('the start script it writes, run', () => {
	afterEach(() => {
		delete (globalThis as Record<string, unknown>).__sveltekit_test;
	});

	/** Runs the rewritten start script against a page whose frames and timers the test drives. */
	function runStartScript({
		visibilityState = 'visible',
		htmlClasses = [] as string[],
		pageElements = 2,
		sessionStorage = {} as Record<string, string>
	}: {
		visibilityState?: 'visible' | 'hidden';
		htmlClasses?: string[];
		pageElements?: number;
		sessionStorage?: Record<string, string>;
	} = {}) {
		const script = startScriptOf(bootAfterFirstPaint(prerenderedPage()));
		const frames: (() => void)[] = [];
		const timers: (() => void)[] = [];
		const added: { rel: string; href: string }[] = [];
		const imported: string[] = [];
		const started = vi.fn();
		// What the start script sits in: the page's content and the script itself.
		const page = { childElementCount: pageElements };
		const document = {
			visibilityState,
			documentElement: { classList: { contains: (name: string) => htmlClasses.includes(name) } },
			currentScript: { parentElement: page },
			head: { append: (link: { rel: string; href: string }) => added.push(link) },
			createElement: () => ({ rel: '', href: '' })
		};
		const load = (url: string) => {
			imported.push(url);
			return Promise.resolve(url === START ? { start: started } : { app: true });
		};
		new Function(
			'document',
			'requestAnimationFrame',
			'setTimeout',
			'location',
			'sessionStorage',
			'load',
			script.replaceAll('import(', 'load(')
		)(
			document,
			(callback: () => void) => frames.push(callback),
			(callback: () => void) => timers.push(callback),
			'https://rapport.example/',
			sessionStorage,
			load
		);
		const settle = () => new Promise((resolve) => setImmediate(resolve));
		/** Fires the timers set from `from` on, and those they set in turn, as the browser would. */
		const runTimers = async (from: number) => {
			await settle();
			for (let index = from; index < timers.length; index++) {
				timers[index]?.();
				await settle();
			}
		};
		return { frames, timers, added, imported, started, settle, runTimers, page };
	}

	test('asks for nothing until the first frame is out, then for each script in a task of its own', async () => {
		const run = runStartScript();
		await run.settle();
		expect(run.imported).toEqual([]);
		expect(run.added).toEqual([]);
		expect(run.timers).toHaveLength(1);

		for (const frame of run.frames.splice(0)) frame();
		// The frame sets a timer of its own, to run once that frame has been painted.
		expect(run.timers).toHaveLength(2);
		run.timers[1]?.();
		await run.settle();
		expect(run.added.map((link) => link.href)).toEqual([START]);
		expect(run.imported).toEqual([]);

		await run.runTimers(2);
		expect(run.added.map((link) => [link.rel, link.href])).toEqual([
			['modulepreload', START],
			['modulepreload', APP],
			['modulepreload', NODE]
		]);
		expect(run.imported).toEqual([START, APP]);
		expect(run.started).toHaveBeenCalledWith({ app: true }, run.page, expect.anything());
	});

	test('a browser that paints no frame still starts the app once the wait is over', async () => {
		const run = runStartScript();
		await run.runTimers(0);
		expect(run.frames).toEqual([expect.any(Function)]);
		expect(run.imported).toEqual([START, APP]);
		expect(run.started).toHaveBeenCalledOnce();
	});

	test('a page opened out of sight starts at once', async () => {
		const run = runStartScript({ visibilityState: 'hidden' });
		await run.runTimers(0);
		expect(run.frames).toEqual([]);
		expect(run.imported).toEqual([START, APP]);
		expect(run.started).toHaveBeenCalledOnce();
	});

	test('a page kept hidden until the app has re-rendered it in English starts at once', async () => {
		const run = runStartScript({ htmlClasses: ['relocalising'] });
		await run.runTimers(0);
		expect(run.frames).toEqual([]);
		expect(run.imported).toEqual([START, APP]);
	});

	test('the fallback page, whose body is the start script alone, starts at once', async () => {
		const run = runStartScript({ pageElements: 1 });
		await run.runTimers(0);
		expect(run.frames).toEqual([]);
		expect(run.imported).toEqual([START, APP]);
	});

	test('a tab’s first page finds SvelteKit’s stored scroll positions and snapshots empty', async () => {
		const sessionStorage: Record<string, string> = {};
		const run = runStartScript({ sessionStorage });
		await run.runTimers(0);
		expect(sessionStorage).toEqual({ 'sveltekit:scroll': '{}', 'sveltekit:snapshot': '{}' });
		expect(run.started).toHaveBeenCalledOnce();
	});

	test('what SvelteKit stored earlier in the tab is kept', async () => {
		const sessionStorage = { 'sveltekit:scroll': '{"3":{"x":0,"y":480}}', other: 'kept' };
		const run = runStartScript({ sessionStorage });
		await run.runTimers(0);
		expect(sessionStorage).toEqual({
			'sveltekit:scroll': '{"3":{"x":0,"y":480}}',
			'sveltekit:snapshot': '{}',
			other: 'kept'
		});
	});

	test('a tab whose storage is refused still starts', async () => {
		const refused = new Proxy(
			{},
			{
				get() {
					throw new DOMException('The operation is insecure.', 'SecurityError');
				}
			}
		);
		const run = runStartScript({ sessionStorage: refused });
		await run.runTimers(0);
		expect(run.imported).toEqual([START, APP]);
		expect(run.started).toHaveBeenCalledOnce();
	});
});

describe('the records it leaves for SvelteKit', () => {
	test('are the ones SvelteKit reads as it loads', () => {
		const kit = dirname(createRequire(import.meta.url).resolve('@sveltejs/kit/package.json'));
		const client = join(kit, 'src', 'runtime', 'client');
		const constants = readFileSync(join(client, 'constants.js'), 'utf8');
		const readAtLoad = [
			...readFileSync(join(client, 'client.js'), 'utf8').matchAll(
				/^const \w+ = storage\.get\((\w+)\)/gm
			)
		].map(([, name]) => new RegExp(`${name} = '([^']+)'`).exec(constants)?.[1]);
		expect(readAtLoad.sort()).toEqual([...KIT_SESSION_KEYS].sort());
	});
});
