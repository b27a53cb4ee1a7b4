import { encode } from 'uqr';

/** The QR version (size) uqr needs for `text` at error correction M, the level we print at. */
export function qrVersionFor(text: string): number {
	return encode(text, { ecc: 'M' }).version;
}
