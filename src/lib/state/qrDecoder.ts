import { prepareZXingModule, readBarcodes, type ReaderOptions } from 'zxing-wasm/reader';
import wasmUrl from 'zxing-wasm/reader/zxing_reader.wasm?url';

// Reads QR codes from camera frames and photos: the platform's own BarcodeDetector where there
// is one (Chrome on Android, Safari 17+), ZXing-C++ compiled to WebAssembly everywhere else.
// The .wasm is a Vite asset of our own origin, precached with this chunk: zxing-wasm would
// otherwise fetch it from a CDN, which a venue without Wi-Fi (and our CSP) does not allow.
// Compiling the 0.9 MB module starts as soon as this chunk loads, alongside the camera starting,
// so the first frame does not wait for it; a failure surfaces on the first read instead.
prepareZXingModule({
	overrides: {
		locateFile: (path: string, prefix: string) => (path.endsWith('.wasm') ? wasmUrl : prefix + path)
	},
	fireImmediately: true
}).catch(() => undefined);

interface NativeDetector {
	detect(source: ImageData | ImageBitmap): Promise<{ rawValue: string }[]>;
}

interface NativeDetectorClass {
	new (options: { formats: string[] }): NativeDetector;
	getSupportedFormats(): Promise<string[]>;
}

let native: Promise<NativeDetector | null> | undefined;

function nativeDetector(): Promise<NativeDetector | null> {
	native ??= (async () => {
		const Detector = (globalThis as { BarcodeDetector?: NativeDetectorClass }).BarcodeDetector;
		if (!Detector) return null;
		try {
			const formats = await Detector.getSupportedFormats();
			return formats.includes('qr_code') ? new Detector({ formats: ['qr_code'] }) : null;
		} catch {
			return null;
		}
	})();
	return native;
}

const CAMERA: ReaderOptions = {
	formats: ['QRCode'],
	maxNumberOfSymbols: 1,
	tryHarder: true,
	// A live frame is read again 1/15 s later: keep each try short rather than exhaustive.
	tryRotate: false,
	tryInvert: true,
	tryDownscale: true
};

const PHOTO: ReaderOptions = {
	formats: ['QRCode'],
	maxNumberOfSymbols: 1,
	tryHarder: true,
	tryRotate: true,
	tryInvert: true,
	tryDownscale: true,
	tryDenoise: true
};

async function first(image: ImageData, options: ReaderOptions): Promise<string | null> {
	const detector = await nativeDetector();
	if (detector) {
		try {
			const [code] = await detector.detect(image);
			if (code?.rawValue) return code.rawValue;
		} catch {
			// A detector that throws on a frame (seen on some Android builds): ZXing still reads it.
		}
	}
	const results = await readBarcodes(image, options);
	return results.find((result) => result.isValid && result.text)?.text ?? null;
}

/** The QR's text in a camera frame (already cropped to the region of interest), or null. */
export function decodeFrame(image: ImageData): Promise<string | null> {
	return first(image, CAMERA);
}

/**
 * Stretches the picture's grey levels so the darkest 1 % is black and the lightest 1 % white:
 * a dim photo, or one washed out by glare, gets back the contrast the binarizer needs.
 */
export function normaliseContrast(image: ImageData): ImageData {
	const { data } = image;
	const histogram = new Uint32Array(256);
	const grey = new Uint8ClampedArray(data.length / 4);
	for (let i = 0; i < grey.length; i++) {
		const value = (data[i * 4]! * 77 + data[i * 4 + 1]! * 150 + data[i * 4 + 2]! * 29) >> 8;
		grey[i] = value;
		histogram[value]!++;
	}
	const cut = Math.floor(grey.length * 0.01);
	let low = 0;
	for (let seen = 0; low < 255 && seen + histogram[low]! <= cut; low++) seen += histogram[low]!;
	let high = 255;
	for (let seen = 0; high > 0 && seen + histogram[high]! <= cut; high--) seen += histogram[high]!;
	const range = Math.max(1, high - low);
	const out = new ImageData(image.width, image.height);
	for (let i = 0; i < grey.length; i++) {
		const value = ((grey[i]! - low) * 255) / range;
		out.data[i * 4] = out.data[i * 4 + 1] = out.data[i * 4 + 2] = value;
		out.data[i * 4 + 3] = 255;
	}
	return out;
}

/** The photo drawn at `scale` of its size, as pixels. */
function pixels(bitmap: ImageBitmap, scale: number): ImageData | null {
	const width = Math.round(bitmap.width * scale);
	const height = Math.round(bitmap.height * scale);
	if (width < 21 || height < 21) return null;
	const canvas = new OffscreenCanvas(width, height);
	const context = canvas.getContext('2d', { willReadFrequently: true });
	if (!context) return null;
	context.imageSmoothingQuality = 'high';
	context.drawImage(bitmap, 0, 0, width, height);
	return context.getImageData(0, 0, width, height);
}

/**
 * The longest side a photo is first read at: a 12-megapixel camera photo at full size costs
 * seconds and reads no better than at this size; a screenshot is read at its own size.
 */
const FULL_SIDE_LIMIT = 3000;

/**
 * The QR's text in a chosen photo, or null. Read at full resolution first; failing that at a
 * few scales (a screenshot's modules land on whole pixels at one of them) and with the contrast
 * stretched, which together read what a phone's camera app reads.
 */
export async function decodePhoto(file: Blob): Promise<string | null> {
	const bitmap = await createImageBitmap(file);
	try {
		const full = Math.min(1, FULL_SIDE_LIMIT / Math.max(bitmap.width, bitmap.height));
		const scales = [full, full * 0.5, full * 0.75, full * 0.33, Math.min(2, full * 1.5)];
		for (const scale of scales) {
			const image = pixels(bitmap, scale);
			if (!image) continue;
			const text = (await first(image, PHOTO)) ?? (await first(normaliseContrast(image), PHOTO));
			if (text) return text;
		}
		return null;
	} finally {
		bitmap.close();
	}
}
