// The one median every bench figure is reported as.

/** @param {number[]} values @returns {number} NaN for none */
export function median(values) {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	const at = (/** @type {number} */ index) => sorted[index] ?? NaN;
	return sorted.length % 2 ? at(middle) : (at(middle - 1) + at(middle)) / 2;
}
