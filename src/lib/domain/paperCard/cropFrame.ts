// The frame a person draws round a card by hand, when the app cannot find the card in the
// photo: a rectangle in shares of the photo (0–1 on each side), moved one corner at a time, by
// dragging or with the arrow keys. Kept inside the photo and never smaller than MIN_SIDE.

export interface CropFrame {
	left: number;
	top: number;
	right: number;
	bottom: number;
}

export type CropCorner = 'topLeft' | 'topRight' | 'bottomLeft' | 'bottomRight';
export const cropCorners: readonly CropCorner[] = [
	'topLeft',
	'topRight',
	'bottomRight',
	'bottomLeft'
];

/** The smallest frame, as a share of each side: room for a card's name and a phone number. */
export const MIN_SIDE = 0.1;

/** Where a frame starts: the photo less a small margin, so every corner can be seen and moved. */
export const startingFrame = (): CropFrame => ({
	left: 0.05,
	top: 0.05,
	right: 0.95,
	bottom: 0.95
});

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));

/** The frame with `corner` put at (x, y), in shares of the photo. */
export function placeCorner(frame: CropFrame, corner: CropCorner, x: number, y: number): CropFrame {
	const next = { ...frame };
	if (corner === 'topLeft' || corner === 'bottomLeft')
		next.left = clamp(x, 0, frame.right - MIN_SIDE);
	else next.right = clamp(x, frame.left + MIN_SIDE, 1);
	if (corner === 'topLeft' || corner === 'topRight')
		next.top = clamp(y, 0, frame.bottom - MIN_SIDE);
	else next.bottom = clamp(y, frame.top + MIN_SIDE, 1);
	return next;
}

/** Where a corner is now, in shares of the photo. */
export function cornerAt(frame: CropFrame, corner: CropCorner): { x: number; y: number } {
	return {
		x: corner === 'topLeft' || corner === 'bottomLeft' ? frame.left : frame.right,
		y: corner === 'topLeft' || corner === 'topRight' ? frame.top : frame.bottom
	};
}

/** The frame with `corner` moved by (dx, dy) shares of the photo: an arrow key's step. */
export function moveCorner(
	frame: CropFrame,
	corner: CropCorner,
	dx: number,
	dy: number
): CropFrame {
	const at = cornerAt(frame, corner);
	return placeCorner(frame, corner, at.x + dx, at.y + dy);
}

/** The frame in the pixels of a photo of `width` × `height`. */
export function framePixels(
	frame: CropFrame,
	width: number,
	height: number
): { x: number; y: number; width: number; height: number } {
	const x = Math.round(frame.left * width);
	const y = Math.round(frame.top * height);
	return {
		x,
		y,
		width: Math.max(1, Math.round(frame.right * width) - x),
		height: Math.max(1, Math.round(frame.bottom * height) - y)
	};
}
