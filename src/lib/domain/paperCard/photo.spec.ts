import { describe, expect, it } from 'vitest';
import { cardAngle, cardBounds, inkRows, photoProblem, scaledSize, type GreyImage } from './photo';

// A grey picture drawn by a function of (x, y).
function aPicture(
	width: number,
	height: number,
	level: (x: number, y: number) => number
): GreyImage {
	const grey = new Uint8Array(width * height);
	for (let y = 0; y < height; y++)
		for (let x = 0; x < width; x++) grey[y * width + x] = level(x, y);
	return { width, height, grey };
}

// Dark text strokes on white: sharp edges every few pixels.
const text = (x: number, y: number) => (x % 12 < 2 && y % 20 < 14 ? 20 : 240);

describe('scaledSize', () => {
	it('brings a 50-megapixel photo down to the size it is read at, keeping its shape', () => {
		expect(scaledSize(8660, 5774)).toEqual({ width: 2000, height: 1333 });
	});

	it('leaves a small photo as it is', () => {
		expect(scaledSize(1200, 700)).toEqual({ width: 1200, height: 700 });
	});
});

describe('photoProblem', () => {
	it('passes a sharp, lit card', () => {
		expect(photoProblem(aPicture(200, 120, text))).toBeNull();
	});

	it('finds a photo too dark to read', () => {
		expect(photoProblem(aPicture(200, 120, (x, y) => text(x, y) / 8))).toBe('dark');
	});

	it('finds a photo with no sharp edge anywhere', () => {
		expect(photoProblem(aPicture(200, 120, (x) => 100 + (x % 40)))).toBe('blurry');
	});
});

describe('cardBounds', () => {
	it('finds a light card on a dark table, with a little margin', () => {
		const inside = (x: number, y: number) => x >= 50 && x < 250 && y >= 40 && y < 160;
		const bounds = cardBounds(aPicture(300, 200, (x, y) => (inside(x, y) ? text(x, y) : 40)));
		expect(bounds).not.toBeNull();
		expect(bounds!.x).toBeGreaterThanOrEqual(40);
		expect(bounds!.x).toBeLessThanOrEqual(50);
		expect(bounds!.x + bounds!.width).toBeGreaterThanOrEqual(250);
		expect(bounds!.y + bounds!.height).toBeLessThanOrEqual(170);
	});

	it('reads the whole photo when the card fills it', () => {
		expect(cardBounds(aPicture(300, 200, text))).toBeNull();
	});
});

describe('cardAngle', () => {
	// A 200×114 card (a business card's shape) on a dark table, turned by `degrees` clockwise.
	const turned = (degrees: number) => {
		const angle = (degrees * Math.PI) / 180;
		return aPicture(320, 240, (x, y) => {
			const dx = x - 160;
			const dy = y - 120;
			const u = dx * Math.cos(angle) + dy * Math.sin(angle);
			const v = -dx * Math.sin(angle) + dy * Math.cos(angle);
			return Math.abs(u) < 100 && Math.abs(v) < 57 ? 235 : 45;
		});
	};

	it.each([8, -6, 10])('finds a card turned by %d°', (degrees) => {
		const found = cardAngle(turned(degrees));
		expect(found).not.toBeNull();
		expect((found! * 180) / Math.PI).toBeCloseTo(degrees, 0);
	});

	it('leaves an upright card alone', () => {
		expect(cardAngle(turned(0))).toBeNull();
	});
});

describe('inkRows', () => {
	it('counts the dark pixels of each row, and none for a speck', () => {
		const width = 100;
		const grey = new Uint8Array(width * 4).fill(250);
		grey.fill(10, width, width + 40); // row 1: a stroke
		grey[width * 3 + 5] = 10; // row 3: one speck
		expect(inkRows({ width, height: 4, grey })).toEqual([0, 40, 0, 0]);
	});
});
