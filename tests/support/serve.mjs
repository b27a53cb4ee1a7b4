// Serves a built folder on a free port of 127.0.0.1, as `npm run serve` does: the build's
// precompressed copies (brotli, else gzip) to a browser that accepts them, as a static host would.
// The one server of the browser tests and the bench, so both see the app as a visitor does.
import { createServer } from 'node:http';
import sirv from 'sirv';

/**
 * @param {string} dir
 * @param {{ single?: string, redeployable?: boolean }} [options] single: the fallback page for
 * unknown paths, as in production; redeployable: files are looked up per request (not listed once
 * at start-up), so a test can "deploy" a new version into the folder while it is served, and with
 * ETags the browser revalidates (no-cache) rather than skipping its HTTP cache
 * @returns {Promise<{ url: string, close: () => Promise<void> }>} url: the origin; close stops
 * listening and drops open connections, at once and however often it is called
 */
export async function serveFolder(dir, options = {}) {
	const handler = sirv(dir, {
		dev: options.redeployable ?? false,
		etag: options.redeployable ?? false,
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
	/** @type {Promise<void> | undefined} */
	let closed;
	return {
		url: `http://127.0.0.1:${address.port}`,
		close: () =>
			(closed ??= new Promise((resolve) => {
				server.close(() => resolve());
				// Keep-alive sockets would otherwise keep "the network" up for an open page.
				server.closeAllConnections();
			}))
	};
}
