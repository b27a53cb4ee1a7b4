import { createHash } from 'node:crypto';

// A prerendered page is whole without its scripts, yet SvelteKit preloads every one of them from
// <head> and starts the app from an inline script while the page is still being parsed. On a
// phone the downloads then compete with the page's first paint, and once they arrive quickly (a
// near server, the cache) the page stays blank while the app starts. So every prerendered page
// asks for its scripts only after the browser has painted it: the preloads leave <head> and the
// start script adds them once the first frame is out. Links work before that, as plain links.
//
// A page with nothing to show has no paint to wait for, so it starts at once: a hidden tab, a page
// src/app.html keeps hidden (class `relocalising`) until the app has re-rendered it for a reader
// of English, and the `200.html` fallback, whose body is the start script alone. The time limit
// is for a browser that never paints a frame at all.

const BOOT = /<script>([^<]*__sveltekit_[^<]*)<\/script>/;
const PRELOAD = /\s*<link href="([^"]+)" rel="modulepreload"[^>]*>/g;
const IMPORT = /import\(("[^"]+")\)/g;
const LONGEST_WAIT_MS = 3000;

/**
 * SvelteKit reads the tab's scroll positions and snapshots from sessionStorage as it loads. On a
 * tab's first page they are not there, and `JSON.parse(undefined)` throws, twice. Under a trace
 * (DevTools, Lighthouse) Chromium notes where each exception was raised, and to find the line it
 * parses the whole 90 KB script that raised it again: 20–40 ms of the longest task after the first
 * paint at 4× CPU. The empty records SvelteKit would start from anyway spare it that.
 */
export const KIT_SESSION_KEYS = ['sveltekit:scroll', 'sveltekit:snapshot'] as const;

const sha256 = (text: string) => `sha256-${createHash('sha256').update(text).digest('base64')}`;

/**
 * The start script's first lines: `painted` settles after the first frame and the preloads. Each
 * preload starts its download in the task that adds it, several milliseconds on a slow phone, so
 * they are added one task at a time rather than in one long task. A tab whose storage is refused
 * (a sandbox, a browser setting) still starts: SvelteKit copes with that itself.
 */
function prelude(preloads: string[]): string {
	return (
		`const painted = new Promise((go) => {` +
		`if (document.visibilityState !== 'visible') return go();` +
		`if (document.documentElement.classList.contains('relocalising')) return go();` +
		`if (document.currentScript.parentElement.childElementCount === 1) return go();` +
		`requestAnimationFrame(() => setTimeout(go));` +
		`setTimeout(go, ${LONGEST_WAIT_MS});` +
		`}).then(async () => {` +
		`try { for (const key of ${JSON.stringify(KIT_SESSION_KEYS)}) sessionStorage[key] ??= '{}'; } catch {}` +
		`for (const href of ${JSON.stringify(preloads)}) {` +
		`const link = document.createElement('link');` +
		`link.rel = 'modulepreload';` +
		`link.href = href;` +
		`document.head.append(link);` +
		`await (globalThis.scheduler?.yield?.() ?? new Promise((next) => setTimeout(next)));` +
		`}` +
		`});`
	);
}

/**
 * The page with its scripts asked for after its first paint, and its Content-Security-Policy
 * hash of the start script brought in step. A page SvelteKit wrote no start script into is left
 * as it is; a start script of another shape (another `bundleStrategy`, a new SvelteKit) fails the
 * build rather than ship a page that never starts.
 */
export function bootAfterFirstPaint(html: string): string {
	const boot = BOOT.exec(html);
	if (!boot) return html;
	const [script, body] = boot as unknown as [string, string];
	const preloads = [...html.matchAll(PRELOAD)].map(([, href]) => href as string);
	const opening = /^\s*\{/.exec(body);
	// The imports come before the first `.then(`; the page's serialized data only after it.
	const loads = body.indexOf('.then(');
	const imports = body.slice(0, loads).match(IMPORT) ?? [];
	if (!opening || loads === -1 || imports.length === 0 || !body.includes('kit.start(')) {
		throw new Error('bootAfterFirstPaint: SvelteKit’s start script has a shape this does not know');
	}
	const deferred =
		opening[0] +
		prelude(preloads) +
		body.slice(opening[0].length, loads).replace(IMPORT, 'painted.then(() => import($1))') +
		body.slice(loads);
	const withoutPreloads = html.replace(PRELOAD, '');
	return withoutPreloads
		.replace(script, () => `<script>${deferred}</script>`)
		.replace(sha256(body), () => sha256(deferred));
}
