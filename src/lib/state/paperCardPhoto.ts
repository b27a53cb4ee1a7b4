import {
	cardAngle,
	cardBounds,
	framePixels,
	photoProblem,
	scaledSize,
	toGrey,
	type CropFrame,
	type PhotoProblem
} from '$lib/domain/paperCard';

// A card photo made ready to read: decoded once, brought down to the size it is read at (a
// 50-megapixel photo is never held larger than that), checked for light and focus on a small
// copy, turned upright and cut to the card when the card clearly stands out from what it lies on.

/** The side of the copy the checks look at: enough to find edges, cheap to scan. */
const CHECK_SIDE = 640;
/** The photo kept with the person, if they choose to: enough to read the card again. */
const KEPT_SIDE = 1280;

export interface PreparedPhoto {
	/** What the recogniser reads: the card, at most PHOTO_MAX_SIDE on its longer side. */
	image: HTMLCanvasElement;
	problem: PhotoProblem | null;
	/** Whether the card stood out and was cut from the photo; if not, the person may frame it. */
	bounded: boolean;
}

function canvasOf(width: number, height: number) {
	const canvas = document.createElement('canvas');
	canvas.width = width;
	canvas.height = height;
	const context = canvas.getContext('2d', { willReadFrequently: true });
	if (!context) throw new Error('no 2D canvas');
	return { canvas, context };
}

/** A small grey copy of `canvas`, for the checks, and how much smaller it is. */
function lookAt(canvas: HTMLCanvasElement) {
	const small = scaledSize(canvas.width, canvas.height, CHECK_SIDE);
	const check = canvasOf(small.width, small.height);
	check.context.drawImage(canvas, 0, 0, small.width, small.height);
	const pixels = check.context.getImageData(0, 0, small.width, small.height).data;
	return { grey: toGrey(small.width, small.height, pixels), scale: canvas.width / small.width };
}

/** `canvas` turned by `-angle` about its centre, on a canvas large enough to hold all of it. */
function straightened(canvas: HTMLCanvasElement, angle: number): HTMLCanvasElement {
	const cos = Math.abs(Math.cos(angle));
	const sin = Math.abs(Math.sin(angle));
	const width = Math.round(canvas.width * cos + canvas.height * sin);
	const height = Math.round(canvas.width * sin + canvas.height * cos);
	const turned = canvasOf(width, height);
	// The corners the turn uncovers are dark, like the table the card lies on.
	turned.context.fillStyle = '#000';
	turned.context.fillRect(0, 0, width, height);
	turned.context.translate(width / 2, height / 2);
	turned.context.rotate(-angle);
	turned.context.drawImage(canvas, -canvas.width / 2, -canvas.height / 2);
	return turned.canvas;
}

/** The pixel size of a picture file, read without decoding its pixels. */
async function sizeOf(file: Blob): Promise<{ width: number; height: number }> {
	const url = URL.createObjectURL(file);
	try {
		const image = new Image();
		image.src = url;
		await new Promise((resolve, reject) => {
			image.onload = resolve;
			image.onerror = reject;
		});
		return { width: image.naturalWidth, height: image.naturalHeight };
	} finally {
		URL.revokeObjectURL(url);
	}
}

/**
 * Throws when the browser cannot open the file as a picture (a HEIC on Chrome, a PDF). The
 * picture is decoded straight to the size it is read at, so a 50-megapixel photo never takes
 * 200 MB of pixels.
 */
export async function preparePhoto(file: Blob): Promise<PreparedPhoto> {
	const natural = await sizeOf(file);
	const size = scaledSize(natural.width, natural.height);
	const bitmap = await createImageBitmap(file, {
		resizeWidth: size.width,
		resizeHeight: size.height,
		resizeQuality: 'high'
	});
	let full: HTMLCanvasElement;
	try {
		full = canvasOf(size.width, size.height).canvas;
		full.getContext('2d')?.drawImage(bitmap, 0, 0, size.width, size.height);
	} finally {
		bitmap.close();
	}
	let look = lookAt(full);
	const problem = photoProblem(look.grey);
	const angle = cardAngle(look.grey);
	if (angle !== null) {
		full = straightened(full, angle);
		look = lookAt(full);
	}
	const bounds = cardBounds(look.grey);
	if (!bounds) return { image: full, problem, bounded: false };

	const crop = {
		x: Math.round(bounds.x * look.scale),
		y: Math.round(bounds.y * look.scale),
		width: Math.round(bounds.width * look.scale),
		height: Math.round(bounds.height * look.scale)
	};
	const card = canvasOf(crop.width, crop.height);
	card.context.drawImage(
		full,
		crop.x,
		crop.y,
		crop.width,
		crop.height,
		0,
		0,
		crop.width,
		crop.height
	);
	return { image: card.canvas, problem, bounded: true };
}

/** The part of `image` inside a frame the person drew. */
export function framed(image: HTMLCanvasElement, frame: CropFrame): HTMLCanvasElement {
	const crop = framePixels(frame, image.width, image.height);
	const { canvas, context } = canvasOf(crop.width, crop.height);
	context.drawImage(image, crop.x, crop.y, crop.width, crop.height, 0, 0, crop.width, crop.height);
	return canvas;
}

/** A JPEG of the card for keeping on the device, smaller than what was read. */
export async function photoToKeep(image: HTMLCanvasElement): Promise<Blob> {
	const size = scaledSize(image.width, image.height, KEPT_SIDE);
	const { canvas, context } = canvasOf(size.width, size.height);
	context.drawImage(image, 0, 0, size.width, size.height);
	return new Promise((resolve, reject) =>
		canvas.toBlob(
			(blob) => (blob ? resolve(blob) : reject(new Error('the photo could not be encoded'))),
			'image/jpeg',
			0.8
		)
	);
}
