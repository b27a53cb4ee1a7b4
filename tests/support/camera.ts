// A fake camera for the scanner tests and the scan bench: a QR code drawn into a .y4m video that
// Chromium plays as its webcam, and the same QR as a PNG for "scan from a photo". Free of vitest
// so the bench can load it too (through Vite, for the TypeScript).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { encode } from 'uqr';
import { CHROMIUM_ARGS } from './chromium-flags.mjs';

/** A frame size Chromium's fake camera plays: what a cheap webcam (or an old phone) gives. */
export interface VideoSize {
	width: number;
	height: number;
}
const SD: VideoSize = { width: 640, height: 480 };
/** A quiet zone of four modules, as the QR standard asks for. */
const QUIET_ZONE = 4;

/** What the iPhone's Contacts app shares as a QR: vCard 3.0 with item groups, 85 modules. */
export const IPHONE_VCARD = [
	'BEGIN:VCARD',
	'VERSION:3.0',
	'PRODID:-//Apple Inc.//iPhone OS 17.5//EN',
	'N:陳;怡君;;;',
	'FN:陳怡君',
	'ORG:好好設計;使用者研究',
	'TITLE:資深使用者研究員',
	'item1.EMAIL;type=INTERNET;type=pref:yijun.chen@example.com.tw',
	'TEL;type=CELL;type=VOICE;type=pref:+886 912 345 678',
	'item2.URL;type=pref:https://yijun.example.com.tw',
	'X-SOCIALPROFILE;type=linkedin:https://www.linkedin.com/in/yijun-chen',
	'NOTE:Met at the Taipei frontend meetup.',
	'END:VCARD'
].join('\r\n');

/** The QR's modules, quiet zone included: true is a dark module. */
export function qrModules(text: string): boolean[][] {
	return encode(text, { ecc: 'M', border: QUIET_ZONE }).data;
}

/**
 * A greyscale picture of the QR, black on white, centred, filling at most `fill` of the shorter
 * side in whole pixels per module (a sharp edge decodes best).
 */
function qrBitmap(text: string, width: number, height: number, fill: number): Uint8Array {
	const modules = qrModules(text);
	const size = modules.length;
	const scale = Math.floor((Math.min(width, height) * fill) / size);
	if (scale < 2) throw new Error(`A ${size}-module QR does not fit ${width}×${height}`);
	const left = Math.floor((width - size * scale) / 2);
	const top = Math.floor((height - size * scale) / 2);
	const pixels = new Uint8Array(width * height).fill(255);
	for (let y = 0; y < size * scale; y++) {
		const row = modules[Math.floor(y / scale)]!;
		for (let x = 0; x < size * scale; x++) {
			if (row[Math.floor(x / scale)]) pixels[(top + y) * width + left + x] = 0;
		}
	}
	return pixels;
}

/**
 * A .y4m of the QR held still (or of a blank wall, for `text` null): I420 frames (full-range
 * luma, neutral chroma). Chromium loops the file, so a second of video is plenty.
 */
export function qrVideo(text: string | null, size: VideoSize = SD, frames = 30): Buffer {
	const { width, height } = size;
	// Inside the page's scan box (70% of the shorter side), as a person would hold it.
	const luma =
		text === null ? new Uint8Array(width * height).fill(200) : qrBitmap(text, width, height, 0.6);
	const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128);
	const frame = Buffer.concat([Buffer.from('FRAME\n'), luma, chroma]);
	const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F30:1 C420jpeg\n`);
	return Buffer.concat([header, ...Array.from({ length: frames }, () => frame)]);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
	let c = n;
	for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
	return c >>> 0;
});

function crc32(bytes: Buffer): number {
	let crc = 0xffffffff;
	for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
	return (crc ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
	const length = Buffer.alloc(4);
	length.writeUInt32BE(data.length);
	const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(body));
	return Buffer.concat([length, body, crc]);
}

/** The QR as a greyscale PNG photo of `size` × `size` pixels. */
export function qrPng(text: string, size = 480): Buffer {
	return greyPng(qrBitmap(text, size, size, 0.9), size);
}

/** A photo with no QR code in it: plain white. */
export function blankPng(size = 240): Buffer {
	return greyPng(new Uint8Array(size * size).fill(255), size);
}

function greyPng(pixels: Uint8Array, size: number): Buffer {
	const rows = Buffer.alloc((size + 1) * size);
	for (let y = 0; y < size; y++) {
		// Filter type 0 (none) before each row.
		rows.set(pixels.subarray(y * size, (y + 1) * size), y * (size + 1) + 1);
	}
	const header = Buffer.alloc(13);
	header.writeUInt32BE(size, 0);
	header.writeUInt32BE(size, 4);
	header[8] = 8; // bit depth
	header[9] = 0; // greyscale
	return Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		pngChunk('IHDR', header),
		pngChunk('IDAT', deflateSync(rows)),
		pngChunk('IEND', Buffer.alloc(0))
	]);
}

export interface FakeCameraSession {
	context: BrowserContext;
	page: Page;
	pageErrors: string[];
	close: () => Promise<void>;
}

/**
 * Chromium whose only camera plays a video of the QR of `text` (nothing to read for null), at
 * 640×480 unless `size` says otherwise; camera permission is granted as if the person had
 * tapped "Allow".
 */
export async function launchWithFakeCamera(
	text: string | null,
	options: {
		executablePath: string;
		locale?: string;
		serviceWorkers?: 'allow' | 'block';
		size?: VideoSize;
	}
): Promise<FakeCameraSession> {
	const folder = await mkdtemp(join(tmpdir(), 'rapport-camera-'));
	const video = join(folder, 'qr.y4m');
	await writeFile(video, qrVideo(text, options.size));
	const browser = await chromium.launch({
		executablePath: options.executablePath,
		args: [
			...CHROMIUM_ARGS,
			'--use-fake-ui-for-media-stream',
			'--use-fake-device-for-media-stream',
			`--use-file-for-fake-video-capture=${video}`
		]
	});
	const context = await browser.newContext({
		locale: options.locale ?? 'zh-TW',
		serviceWorkers: options.serviceWorkers ?? 'allow',
		viewport: { width: 390, height: 844 }
	});
	context.setDefaultTimeout(15_000);
	const pageErrors: string[] = [];
	context.on('weberror', (error) => pageErrors.push(error.error().message));
	const page = await context.newPage();
	let closed: Promise<void> | undefined;
	return {
		context,
		page,
		pageErrors,
		close: () =>
			(closed ??= browser.close().then(() => rm(folder, { recursive: true, force: true })))
	};
}
