// Ours and the baseline measured one after the other, never at once (they would slow each other),
// and which goes first alternates from run to run, so neither always meets a warmer machine.

/**
 * @template T
 * @param {number} run counted from 1
 * @param {() => Promise<T>} ours
 * @param {() => Promise<T>} baseline
 * @returns {Promise<{ ours: T, baseline: T }>}
 */
export async function inTurn(run, ours, baseline) {
	if (run % 2 === 1) {
		const first = await ours();
		return { ours: first, baseline: await baseline() };
	}
	const first = await baseline();
	return { ours: await ours(), baseline: first };
}
