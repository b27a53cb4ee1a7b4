import {
	cardBounds,
	photoProblem,
	scaledSize,
	toGrey,
	type PhotoProblem
} from '$lib/domain/paperCard';

// A card photo made ready to read: decoded once, brought down to the size it is read at (a
// 50-megapixel photo is never held larger than that), checked for light and focus on a small
// copy, and cut to the card when the card clearly stands out from what it lies on.

/** The side of the copy the checks look at: enough to find edges, cheap to scan. */
const CHECK_SIDE = 640;
/** The photo kept with the person, if they choose to: enough to read the card again. */
const KEPT_SIDE = 1280;

export interface PreparedPhoto {
	/** What the recogniser reads: the card, at most PHOTO_MAX_SIDE on its longer side. */
	image: HTMLCanvasElement;
	problem: PhotoProblem | null;
}

function canvasOf(width: number, height: number) {
	const canvas = document.createElement('canvas');
	canvas.width = width;
	canvas.height = height;
	const context = canvas.getContext('2d', { willReadFrequently: true });
	if (!context) throw new Error('no 2D canvas');
	return { canvas, context };
}

/** Throws when the browser cannot open the file as a picture (a HEIC on Chrome, a PDF). */
export async function preparePhoto(file: Blob): Promise<PreparedPhoto> {
	const bitmap = await createImageBitmap(file);
	try {
		const size = scaledSize(bitmap.width, bitmap.height);
		const full = canvasOf(size.width, size.height);
		full.context.drawImage(bitmap, 0, 0, size.width, size.height);

		const small = scaledSize(size.width, size.height, CHECK_SIDE);
		const check = canvasOf(small.width, small.height);
		check.context.drawImage(full.canvas, 0, 0, small.width, small.height);
		const grey = toGrey(
			small.width,
			small.height,
			check.context.getImageData(0, 0, small.width, small.height).data
		);
		const problem = photoProblem(grey);
		const bounds = cardBounds(grey);
		if (!bounds) return { image: full.canvas, problem };

		const scale = size.width / small.width;
		const crop = {
			x: Math.round(bounds.x * scale),
			y: Math.round(bounds.y * scale),
			width: Math.round(bounds.width * scale),
			height: Math.round(bounds.height * scale)
		};
		const card = canvasOf(crop.width, crop.height);
		card.context.drawImage(
			full.canvas,
			crop.x,
			crop.y,
			crop.width,
			crop.height,
			0,
			0,
			crop.width,
			crop.height
		);
		return { image: card.canvas, problem };
	} finally {
		bitmap.close();
	}
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
