import { createReadStream, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

// The paper-card recogniser's files, served by the app itself (no CDN at run time): the
// tesseract.js worker, its WebAssembly core (the LSTM-only builds; the worker picks the one the
// browser's SIMD support allows) and the Traditional Chinese and English trained data (the
// integer "best" models: 1.6 MB and 2.9 MB gzipped, against 27 and 11 MB for the full ones).
// They are copied from node_modules into the build, under a versioned folder so a new release
// never meets an old copy in the service worker's cache, and are not in the precache: they
// are fetched the first time someone reads a card and cached then (pwa.config.ts).

const require = createRequire(import.meta.url);
const version = /** @type {{ version: string }} */ (require('tesseract.js/package.json')).version;

/** Where the files are served: the worker, `core/` and `lang/` below it. */
export const PAPER_CARD_ASSETS = `/paper-card/${version}/`;

/** @type {[string, string][]} package file → path below PAPER_CARD_ASSETS */
const files = [
	['tesseract.js/dist/worker.min.js', 'worker.min.js'],
	['tesseract.js-core/tesseract-core-lstm.wasm.js', 'core/tesseract-core-lstm.wasm.js'],
	['tesseract.js-core/tesseract-core-simd-lstm.wasm.js', 'core/tesseract-core-simd-lstm.wasm.js'],
	[
		'tesseract.js-core/tesseract-core-relaxedsimd-lstm.wasm.js',
		'core/tesseract-core-relaxedsimd-lstm.wasm.js'
	],
	[
		'@tesseract.js-data/chi_tra/4.0.0_best_int/chi_tra.traineddata.gz',
		'lang/chi_tra.traineddata.gz'
	],
	['@tesseract.js-data/eng/4.0.0_best_int/eng.traineddata.gz', 'lang/eng.traineddata.gz']
];

/** @returns {import('vite').Plugin} */
export function paperCardAssets() {
	return {
		name: 'rapport:paper-card-assets',
		// The app reads where they are from this constant (src/lib/data/paperCardOcr.ts).
		config: () => ({ define: { __PAPER_CARD_ASSETS__: JSON.stringify(PAPER_CARD_ASSETS) } }),
		configureServer(server) {
			server.middlewares.use((request, response, next) => {
				const path = request.url?.split('?')[0] ?? '';
				const file = files.find(([, to]) => path === PAPER_CARD_ASSETS + to);
				if (!file) return next();
				response.setHeader(
					'content-type',
					file[1].endsWith('.js') ? 'text/javascript' : 'application/octet-stream'
				);
				createReadStream(require.resolve(file[0])).pipe(response);
			});
		},
		generateBundle() {
			// Only the browser's build: the server build has no use for them.
			if (this.environment.config.consumer !== 'client') return;
			for (const [from, to] of files) {
				this.emitFile({
					type: 'asset',
					fileName: (PAPER_CARD_ASSETS + to).slice(1),
					source: readFileSync(require.resolve(from))
				});
			}
		}
	};
}
