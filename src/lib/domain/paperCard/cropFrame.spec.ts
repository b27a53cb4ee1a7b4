import { describe, expect, it } from 'vitest';
import { framePixels, MIN_SIDE, moveCorner, placeCorner, startingFrame } from './cropFrame';

describe('crop frame', () => {
	it('moves one corner and leaves the opposite sides where they were', () => {
		expect(moveCorner(startingFrame(), 'topRight', -0.25, 0.1)).toEqual({
			left: 0.05,
			top: 0.15000000000000002,
			right: 0.7,
			bottom: 0.95
		});
	});

	it('keeps the frame inside the photo', () => {
		expect(placeCorner(startingFrame(), 'bottomLeft', -3, 4)).toEqual({
			left: 0,
			top: 0.05,
			right: 0.95,
			bottom: 1
		});
	});

	it('never lets a corner cross its opposite side', () => {
		const frame = placeCorner(startingFrame(), 'topLeft', 0.99, 0.99);
		expect(frame.right - frame.left).toBeCloseTo(MIN_SIDE);
		expect(frame.bottom - frame.top).toBeCloseTo(MIN_SIDE);
	});

	it('is given in the pixels of the photo', () => {
		expect(framePixels({ left: 0.1, top: 0.2, right: 0.6, bottom: 0.7 }, 2000, 1000)).toEqual({
			x: 200,
			y: 200,
			width: 1000,
			height: 500
		});
	});
});
