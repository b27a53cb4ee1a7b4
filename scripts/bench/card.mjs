// The QR size bar of issue 3: how big a QR the reference card needs as our link and as a vCard.
// The codec is TypeScript, so it is loaded through Vite's SSR module loader rather than
// re-implemented here. Without the project's config: the PWA plugin cannot load from a bundled
// config, and the codec needs nothing but TypeScript (and `$lib`, aliased here).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** @type {import('../bench.mjs').Measure} */
export default async function measureCard({ progress }) {
	progress('card: QR versions of the reference card');
	const server = await createServer({
		root,
		configFile: false,
		resolve: { alias: { $lib: join(root, 'src/lib') } },
		server: { middlewareMode: true, hmr: false, watch: null },
		appType: 'custom',
		logLevel: 'error'
	});
	try {
		const codec = await server.ssrLoadModule('/src/lib/domain/card/index.ts');
		const url = codec.encodeCardUrl(codec.referenceCard, codec.referenceOrigin);
		return {
			referenceCardQrVersion: codec.qrVersionFor(url),
			referenceCardVcardQrVersion: codec.qrVersionFor(codec.toVCard(codec.referenceCard)),
			referenceCardUrlBytes: new TextEncoder().encode(url).length
		};
	} finally {
		await server.close();
	}
}
