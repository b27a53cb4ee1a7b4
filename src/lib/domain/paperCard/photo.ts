// What can be told of a card photo before any text is read: how big to read it, whether it is
// too dark or too blurred to be worth reading, and where the card is in the frame. Works on the
// grey levels of a downscaled copy, so a 50-megapixel photo costs what a small one does.

/** The longer side a photo is read at: a card filling the frame has ≈ 30 px capitals. */
export const PHOTO_MAX_SIDE = 2000;

export function scaledSize(
	width: number,
	height: number,
	maxSide = PHOTO_MAX_SIDE
): { width: number; height: number } {
	const scale = Math.min(1, maxSide / Math.max(width, height));
	return {
		width: Math.max(1, Math.round(width * scale)),
		height: Math.max(1, Math.round(height * scale))
	};
}

/** Grey levels, one byte per pixel, row by row. */
export interface GreyImage {
	width: number;
	height: number;
	grey: Uint8Array;
}

/** Luma of RGBA pixels (canvas ImageData) as grey levels. */
export function toGrey(width: number, height: number, rgba: ArrayLike<number>): GreyImage {
	const grey = new Uint8Array(width * height);
	for (let index = 0; index < grey.length; index++) {
		const offset = index * 4;
		grey[index] =
			(Number(rgba[offset]) * 299 +
				Number(rgba[offset + 1]) * 587 +
				Number(rgba[offset + 2]) * 114) /
			1000;
	}
	return { width, height, grey };
}

export type PhotoProblem = 'dark' | 'blurry';

const DARK_BELOW = 45;
// The strongest edges of printed text stay sharp in any readable photo; a card the camera
// never focused on has none.
const BLURRY_BELOW = 40;

/** Why a photo is not worth reading, or null. */
export function photoProblem(image: GreyImage): PhotoProblem | null {
	const { width, height, grey } = image;
	let sum = 0;
	for (const level of grey) sum += level;
	if (sum / grey.length < DARK_BELOW) return 'dark';
	// The 99.5th percentile of the horizontal and vertical steps between neighbours.
	const steps = new Uint32Array(256);
	let count = 0;
	for (let y = 0; y < height - 1; y++) {
		for (let x = 0; x < width - 1; x++) {
			const here = grey[y * width + x] ?? 0;
			const step = Math.max(
				Math.abs(here - (grey[y * width + x + 1] ?? 0)),
				Math.abs(here - (grey[(y + 1) * width + x] ?? 0))
			);
			steps[step] = (steps[step] ?? 0) + 1;
			count++;
		}
	}
	let seen = 0;
	let sharpest = 0;
	for (let step = 255; step >= 0; step--) {
		seen += steps[step] ?? 0;
		if (seen >= count * 0.005) {
			sharpest = step;
			break;
		}
	}
	return sharpest < BLURRY_BELOW ? 'blurry' : null;
}

export interface Crop {
	x: number;
	y: number;
	width: number;
	height: number;
}

/**
 * Where a light card lies on a darker background, or null when the frame shows no such card
 * (the card fills it, or the background is as light as the card): then the whole photo is read.
 */
export function cardBounds(image: GreyImage): Crop | null {
	const { width, height, grey } = image;
	const threshold = inkThreshold(image);
	const light = (x: number, y: number) => (grey[y * width + x] ?? 0) > threshold;
	// A row or column belongs to the card when most of it is light.
	const rows = Array.from({ length: height }, (_, y) => {
		let count = 0;
		for (let x = 0; x < width; x++) if (light(x, y)) count++;
		return count / width;
	});
	const columns = Array.from({ length: width }, (_, x) => {
		let count = 0;
		for (let y = 0; y < height; y++) if (light(x, y)) count++;
		return count / height;
	});
	const span = (shares: number[]) => {
		const peak = Math.max(...shares);
		const first = shares.findIndex((share) => share > peak * 0.5);
		const last = shares.length - 1 - [...shares].reverse().findIndex((share) => share > peak * 0.5);
		return { first, last };
	};
	const vertical = span(rows);
	const horizontal = span(columns);
	const crop = {
		x: horizontal.first,
		y: vertical.first,
		width: horizontal.last - horizontal.first + 1,
		height: vertical.last - vertical.first + 1
	};
	const share = (crop.width * crop.height) / (width * height);
	if (share > 0.9 || share < 0.15) return null;
	// A little of the background stays, so text at the card's very edge is not cut.
	const margin = Math.round(Math.max(crop.width, crop.height) * 0.02);
	const x = Math.max(0, crop.x - margin);
	const y = Math.max(0, crop.y - margin);
	return {
		x,
		y,
		width: Math.min(width, crop.x + crop.width + margin) - x,
		height: Math.min(height, crop.y + crop.height + margin) - y
	};
}

/**
 * How far a light card on a darker background is turned, in radians (clockwise positive, as a
 * canvas turns): the direction of the long axis of its light pixels. Recognisers lose whole
 * lines past a few degrees, and a card held by hand is often turned ten. Null when the frame
 * shows no card standing out, or the card is upright already.
 */
export function cardAngle(image: GreyImage): number | null {
	if (!cardBounds(image)) return null;
	const { width, height, grey } = image;
	const threshold = inkThreshold(image);
	let count = 0;
	let sumX = 0;
	let sumY = 0;
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			if ((grey[y * width + x] ?? 0) <= threshold) continue;
			count++;
			sumX += x;
			sumY += y;
		}
	}
	const meanX = sumX / count;
	const meanY = sumY / count;
	let xx = 0;
	let yy = 0;
	let xy = 0;
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			if ((grey[y * width + x] ?? 0) <= threshold) continue;
			xx += (x - meanX) ** 2;
			yy += (y - meanY) ** 2;
			xy += (x - meanX) * (y - meanY);
		}
	}
	// A square-ish blob has no long axis to go by.
	if (Math.abs(xx - yy) < 0.1 * (xx + yy)) return null;
	let angle = 0.5 * Math.atan2(2 * xy, xx - yy);
	// An upright card held the tall way round: its long axis is vertical.
	if (angle > Math.PI / 4) angle -= Math.PI / 2;
	if (angle < -Math.PI / 4) angle += Math.PI / 2;
	const degrees = Math.abs((angle * 180) / Math.PI);
	return degrees < 1 || degrees > 20 ? null : angle;
}

/**
 * How many dark pixels each row of a picture of print holds (dark: below Otsu's threshold), for
 * finding where characters start and stop.
 */
export function inkRows(image: GreyImage): number[] {
	const { width, height, grey } = image;
	const threshold = inkThreshold(image);
	return Array.from({ length: height }, (_, y) => {
		let count = 0;
		for (let x = 0; x < width; x++) if ((grey[y * width + x] ?? 255) <= threshold) count++;
		// A speck of noise or the edge of a frame is not a character.
		return count > Math.max(1, width * 0.02) ? count : 0;
	});
}

/** The grey level at or below which a picture of print is ink (Otsu's threshold). */
export function inkThreshold(image: GreyImage): number {
	const histogram = new Uint32Array(256);
	for (const level of image.grey) histogram[level] = (histogram[level] ?? 0) + 1;
	return otsu(histogram, image.grey.length);
}

/** Otsu's threshold: the grey level that best splits the picture into two classes. */
function otsu(histogram: Uint32Array, total: number): number {
	let sumAll = 0;
	for (let level = 0; level < 256; level++) sumAll += level * (histogram[level] ?? 0);
	let sumBelow = 0;
	let weightBelow = 0;
	let best = 0;
	let threshold = 127;
	for (let level = 0; level < 256; level++) {
		weightBelow += histogram[level] ?? 0;
		if (weightBelow === 0) continue;
		const weightAbove = total - weightBelow;
		if (weightAbove === 0) break;
		sumBelow += level * (histogram[level] ?? 0);
		const meanBelow = sumBelow / weightBelow;
		const meanAbove = (sumAll - sumBelow) / weightAbove;
		const between = weightBelow * weightAbove * (meanBelow - meanAbove) ** 2;
		if (between > best) {
			best = between;
			threshold = level;
		}
	}
	return threshold;
}
