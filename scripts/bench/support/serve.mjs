// Serves a built folder on a free port of 127.0.0.1, as `npm run serve` does: the build's
// precompressed copies (brotli, else gzip) to a browser that accepts them, as a static host would.
import { createServer } from 'node:http';
import sirv from 'sirv';

/**
 * @param {string} dir
 * @param {{ single?: string }} [options] the fallback page for unknown paths, as in production
 * @returns {Promise<{ url: string, close: () => Promise<void> }>} url: the origin
 */
export async function serveFolder(dir, options = {}) {
	const handler = sirv(dir, {
		dev: false,
		gzip: true,
		brotli: true,
		...(options.single ? { single: options.single } : {})
	});
	const server = createServer((request, response) => handler(request, response));
	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => resolve(undefined));
	});
	const address = /** @type {import('node:net').AddressInfo} */ (server.address());
	return {
		url: `http://127.0.0.1:${address.port}`,
		close: () =>
			new Promise((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			})
	};
}
