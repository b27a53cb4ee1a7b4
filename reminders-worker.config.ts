import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'vite';

// The reminders script the service worker imports (src/serviceWorker/reminders.ts), bundled into
// one classic script beside the app. vite-pwa's generateSW keeps writing the worker itself, so
// precaching stays exactly what it generates; the worker only adds `importScripts` of this file.

export const REMINDERS_WORKER = 'reminders-sw.js';

const entry = fileURLToPath(new URL('./src/serviceWorker/reminders.ts', import.meta.url));

/** The bundled script: no imports left, so `importScripts` can load it. */
export async function bundleRemindersWorker(): Promise<string> {
	const result = await build({
		configFile: false,
		logLevel: 'warn',
		build: {
			write: false,
			copyPublicDir: false,
			minify: true,
			lib: { entry, formats: ['iife'], name: 'rapportReminders' }
		}
	});
	const outputs = Array.isArray(result) ? result : [result];
	for (const output of outputs) {
		if (!('output' in output)) continue;
		const chunk = output.output.find((file) => file.type === 'chunk');
		if (chunk) return chunk.code;
	}
	throw new Error('The reminders worker did not bundle');
}

/** Emits the script into the client build, where the precache glob and the server find it. */
export function remindersWorker(): Plugin {
	let ssr = false;
	return {
		name: 'rapport:reminders-worker',
		apply: 'build',
		configResolved(config) {
			ssr = Boolean(config.build.ssr);
		},
		async generateBundle() {
			if (ssr) return;
			this.emitFile({
				type: 'asset',
				fileName: REMINDERS_WORKER,
				source: await bundleRemindersWorker()
			});
		}
	};
}
