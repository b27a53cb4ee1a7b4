import { encode } from 'uqr';

/** The QR version (size) uqr needs for `text` at error correction M, the level we print at. */
export function qrVersionFor(text: string): number {
	return encode(text, { ecc: 'M' }).version;
}

export interface QrMatrix {
	size: number;
	/** Dark modules as one SVG path in module units, runs of a row merged. */
	path: string;
	data: boolean[][];
}

export type ShareOutcome = 'shared' | 'copied' | 'cancelled' | 'failed';

export type QrActionOutcome = ShareOutcome | 'image_saved' | 'image_failed';
