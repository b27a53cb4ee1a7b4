// "Add to home screen" must be offered: Chromium's own installability check, plus the manifest
// and icons a launcher actually fetches.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
	launchBrowser,
	startAppServer,
	waitForServiceWorkerControl,
	type AppServer,
	type BrowserSession
} from '../support/browser';

interface ManifestIcon {
	src: string;
	sizes?: string;
	type?: string;
	purpose?: string;
}

interface Manifest {
	lang?: string;
	display?: string;
	start_url?: string;
	icons?: ManifestIcon[];
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height from the PNG's IHDR chunk: the declared `sizes` must be the real ones. */
function pngSize(bytes: Buffer): string | null {
	if (bytes.length < 24 || !bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return null;
	return `${bytes.readUInt32BE(16)}x${bytes.readUInt32BE(20)}`;
}

let server: AppServer;

beforeAll(async () => {
	server = await startAppServer();
});

afterAll(async () => {
	await server?.close();
});

describe('installability in a real profile', () => {
	let session: BrowserSession;

	beforeAll(async () => {
		// A throwaway context counts as incognito, which Chromium never offers to install.
		session = await launchBrowser({ persistentProfile: true });
	});

	afterAll(async () => {
		await session?.close();
	});

	test('Chromium reports no installability errors once the service worker controls the page', async () => {
		const { context, page } = session;
		await page.goto(`${server.url}/`);
		await waitForServiceWorkerControl(page);

		const cdp = await context.newCDPSession(page);
		try {
			const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
			expect(installabilityErrors).toEqual([]);
			const { url } = await cdp.send('Page.getAppManifest');
			expect(url).toBe(`${server.url}/manifest.webmanifest`);
		} finally {
			await cdp.detach();
		}
	});
});

describe('manifest and icons', () => {
	let manifest: Manifest;

	beforeAll(async () => {
		const response = await fetch(`${server.url}/manifest.webmanifest`);
		if (!response.ok) throw new Error(`manifest.webmanifest answered ${response.status}`);
		manifest = (await response.json()) as Manifest;
	});

	test('is served as a web app manifest', async () => {
		const response = await fetch(`${server.url}/manifest.webmanifest`);
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toMatch(/^application\/manifest\+json/);
	});

	test('speaks zh-TW and opens standalone at the root', () => {
		expect(manifest.lang).toBe('zh-TW');
		expect(manifest.display).toBe('standalone');
		expect(manifest.start_url).toBe('/');
	});

	test.for([
		['192x192', 'any'],
		['512x512', 'any'],
		['512x512', 'maskable']
	] as const)('has a %s %s PNG icon that is served', async ([sizes, purpose]) => {
		const icon = manifest.icons?.find(
			(candidate) =>
				candidate.sizes === sizes &&
				(candidate.purpose ?? 'any').split(/\s+/).includes(purpose) &&
				candidate.type === 'image/png'
		);
		expect(icon, `no ${sizes} ${purpose} image/png icon in the manifest`).toBeDefined();

		const response = await fetch(new URL(icon!.src, `${server.url}/manifest.webmanifest`));
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toBe('image/png');
		expect(pngSize(Buffer.from(await response.arrayBuffer()))).toBe(sizes);
	});

	test('every icon the manifest lists is served as image/png', async () => {
		expect(manifest.icons?.length).toBeGreaterThan(0);
		for (const icon of manifest.icons ?? []) {
			const response = await fetch(new URL(icon.src, `${server.url}/manifest.webmanifest`));
			expect(response.status, icon.src).toBe(200);
			expect(response.headers.get('content-type'), icon.src).toBe('image/png');
		}
	});

	// Chromium draws an SVG tab icon as a document of its own, on the page's main thread: a long
	// task right after the first paint on a slow phone. The ICO is drawn from the same SVG.
	test('the pages name raster tab icons only', async () => {
		for (const path of ['/', '/c']) {
			const html = await (await fetch(`${server.url}${path}`)).text();
			const icons = [...html.matchAll(/<link[^>]*rel="icon"[^>]*>/g)].map(([link]) => link);
			expect(icons.length, path).toBeGreaterThan(0);
			for (const icon of icons) expect(icon, path).not.toMatch(/\.svg"|image\/svg/);
		}
	});

	test('/favicon.ico is served and is an icon', async () => {
		const response = await fetch(`${server.url}/favicon.ico`);
		expect(response.status).toBe(200);
		const bytes = Buffer.from(await response.arrayBuffer());
		// ICONDIR header: reserved 0, type 1 (icon), at least one image.
		expect(bytes.readUInt16LE(0)).toBe(0);
		expect(bytes.readUInt16LE(2)).toBe(1);
		expect(bytes.readUInt16LE(4)).toBeGreaterThan(0);
	});
});
