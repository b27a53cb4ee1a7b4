// Regenerates every raster icon from the hand-drawn SVG masters, so the PNGs and the ICO can
// never drift from the vectors. Run after editing any SVG: `node scripts/make-icons.mjs`.
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync, inflateSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS } from '../tests/support/chromium-flags.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

// Must match the background rect in the SVG masters and THEME_COLOR in pwa.config.ts.
const INK = '#1F2A44';

const targets = [
	{ src: 'static/icons/icon.svg', out: 'static/icons/icon-192.png', size: 192, corners: 'clear' },
	{ src: 'static/icons/icon.svg', out: 'static/icons/icon-512.png', size: 512, corners: 'clear' },
	{
		src: 'static/icons/icon-maskable.svg',
		out: 'static/icons/icon-maskable-512.png',
		size: 512,
		corners: 'opaque'
	},
	// iOS paints transparent pixels black and applies its own corner mask, so the rounded master
	// is laid over solid ink: the corners then blend seamlessly into the background.
	{
		src: 'static/icons/icon.svg',
		out: 'static/icons/apple-touch-icon-180.png',
		size: 180,
		corners: 'opaque',
		background: INK
	}
];

const favicon = { src: 'static/favicon.svg', out: 'static/favicon.ico', sizes: [16, 32, 48] };

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function page(svg, background) {
	// The CSS size overrides the SVG's own width/height so Chromium rasterises the vector directly
	// at the target size instead of scaling a 512 px bitmap down (which blurs small favicons).
	return `<!doctype html><html><head><style>
html, body { margin: 0; width: 100%; height: 100%; overflow: hidden; background: ${background ?? 'transparent'}; }
svg { display: block; width: 100%; height: 100%; }
</style></head><body>${svg}</body></html>`;
}

async function render(browserPage, svg, size, background) {
	await browserPage.setViewportSize({ width: size, height: size });
	await browserPage.setContent(page(svg, background));
	return browserPage.screenshot({ type: 'png', omitBackground: !background });
}

function readPng(png) {
	if (!png.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error('not a PNG');
	// IHDR is always the first chunk, so its fields sit at fixed offsets.
	if (png.toString('latin1', 12, 16) !== 'IHDR') throw new Error('PNG without leading IHDR');
	const header = {
		width: png.readUInt32BE(16),
		height: png.readUInt32BE(20),
		bitDepth: png[24],
		colorType: png[25],
		interlace: png[28]
	};
	const idat = [];
	for (let at = 8; at < png.length;) {
		const length = png.readUInt32BE(at);
		const type = png.toString('latin1', at + 4, at + 8);
		if (type === 'IDAT') idat.push(png.subarray(at + 8, at + 8 + length));
		at += 12 + length;
	}
	return { ...header, idat: Buffer.concat(idat) };
}

function paeth(a, b, c) {
	const p = a + b - c;
	const pa = Math.abs(p - a);
	const pb = Math.abs(p - b);
	const pc = Math.abs(p - c);
	return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

// Decodes to RGBA so alpha can be checked; only the 8-bit RGB(A) output Chromium produces is needed.
function decodeRgba(png) {
	const { width, height, bitDepth, colorType, interlace, idat } = readPng(png);
	if (bitDepth !== 8 || interlace !== 0 || (colorType !== 2 && colorType !== 6)) {
		throw new Error(`unsupported PNG layout: depth ${bitDepth}, colour ${colorType}`);
	}
	const channels = colorType === 6 ? 4 : 3;
	const stride = width * channels;
	const raw = inflateSync(idat);
	const pixels = Buffer.alloc(stride * height);
	for (let y = 0; y < height; y++) {
		const filter = raw[y * (stride + 1)];
		const line = y * (stride + 1) + 1;
		const row = y * stride;
		for (let x = 0; x < stride; x++) {
			const a = x >= channels ? pixels[row + x - channels] : 0;
			const b = y > 0 ? pixels[row - stride + x] : 0;
			const c = y > 0 && x >= channels ? pixels[row - stride + x - channels] : 0;
			const predictor = [0, a, b, (a + b) >> 1, paeth(a, b, c)][filter];
			if (predictor === undefined) throw new Error(`bad PNG filter ${filter}`);
			pixels[row + x] = (raw[line + x] + predictor) & 0xff;
		}
	}
	const rgba = Buffer.alloc(width * height * 4, 0xff);
	for (let i = 0; i < width * height; i++) {
		pixels.copy(rgba, i * 4, i * channels, i * channels + channels);
	}
	return { width, height, rgba };
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
	let c = n;
	for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
	return c >>> 0;
});

function crc32(bytes) {
	let c = 0xffffffff;
	for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
	return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
	const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
	const length = Buffer.alloc(4);
	length.writeUInt32BE(data.length);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(body));
	return Buffer.concat([length, body, crc]);
}

// Re-encodes as plain RGB: an opaque alpha channel is still an alpha channel to strict validators.
function encodeRgb({ width, height, rgba }) {
	const stride = width * 3;
	const raw = Buffer.alloc((stride + 1) * height);
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			rgba.copy(raw, y * (stride + 1) + 1 + x * 3, (y * width + x) * 4, (y * width + x) * 4 + 3);
		}
	}
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(width, 0);
	ihdr.writeUInt32BE(height, 4);
	ihdr.set([8, 2, 0, 0, 0], 8);
	return Buffer.concat([
		PNG_SIGNATURE,
		chunk('IHDR', ihdr),
		chunk('IDAT', deflateSync(raw, { level: 9 })),
		chunk('IEND', Buffer.alloc(0))
	]);
}

function alphaAt({ width, rgba }, x, y) {
	return rgba[(y * width + x) * 4 + 3];
}

function verify(png, size, corners, label) {
	const { width, height } = readPng(png);
	if (width !== size || height !== size) {
		throw new Error(`${label}: expected ${size}x${size}, got ${width}x${height}`);
	}
	const image = decodeRgba(png);
	const centre = Math.floor(size / 2);
	if (alphaAt(image, centre, centre) !== 255) throw new Error(`${label}: centre is not opaque`);
	const corner = alphaAt(image, 0, 0);
	// Tiny sizes anti-alias the rounded corner, so only demand that it is not solid.
	if (corners === 'clear' && corner === 255) throw new Error(`${label}: corner should be clear`);
	if (corners === 'opaque') {
		for (let i = 3; i < image.rgba.length; i += 4) {
			if (image.rgba[i] !== 255) throw new Error(`${label}: has transparent pixels`);
		}
	}
	return image;
}

// ICO may carry PNG payloads directly (Vista+, every current browser), which keeps the alpha edges
// Chromium rendered instead of degrading them to a 1-bit AND mask.
function encodeIco(images) {
	const header = Buffer.alloc(6);
	header.writeUInt16LE(0, 0);
	header.writeUInt16LE(1, 2);
	header.writeUInt16LE(images.length, 4);
	let offset = header.length + 16 * images.length;
	const entries = images.map(({ size, png }) => {
		const entry = Buffer.alloc(16);
		// A byte cannot hold 256, so the format spells it as 0.
		entry.writeUInt8(size >= 256 ? 0 : size, 0);
		entry.writeUInt8(size >= 256 ? 0 : size, 1);
		entry.writeUInt8(0, 2);
		entry.writeUInt8(0, 3);
		entry.writeUInt16LE(1, 4);
		entry.writeUInt16LE(32, 6);
		entry.writeUInt32LE(png.length, 8);
		entry.writeUInt32LE(offset, 12);
		offset += png.length;
		return entry;
	});
	return Buffer.concat([header, ...entries, ...images.map(({ png }) => png)]);
}

const browser = await chromium.launch({
	executablePath: '/usr/bin/chromium',
	args: CHROMIUM_ARGS
});

try {
	const context = await browser.newContext({ deviceScaleFactor: 1 });
	const browserPage = await context.newPage();
	const sources = new Map();
	const load = async (src) => {
		if (!sources.has(src)) sources.set(src, await readFile(resolve(root, src), 'utf8'));
		return sources.get(src);
	};

	for (const { src, out, size, corners, background } of targets) {
		const shot = await render(browserPage, await load(src), size, background);
		const image = verify(shot, size, corners, out);
		const png = corners === 'opaque' ? encodeRgb(image) : shot;
		verify(png, size, corners, out);
		await writeFile(resolve(root, out), png);
		console.log(`${out} ${size}x${size} (${png.length} bytes)`);
	}

	const images = [];
	for (const size of favicon.sizes) {
		const png = await render(browserPage, await load(favicon.src), size);
		verify(png, size, 'clear', `${favicon.out}@${size}`);
		if (readPng(png).colorType !== 6) throw new Error(`${favicon.out}@${size}: ICO wants RGBA`);
		images.push({ size, png });
	}
	const ico = encodeIco(images);
	await writeFile(resolve(root, favicon.out), ico);
	console.log(`${favicon.out} ${favicon.sizes.join('/')} px (${ico.length} bytes)`);
} finally {
	await browser.close();
}
