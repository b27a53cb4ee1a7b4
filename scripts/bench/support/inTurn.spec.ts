import { describe, expect, it } from 'vitest';
import { inTurn } from './inTurn.mjs';

describe('ours and the baseline in turn', () => {
	async function order(run: number) {
		const calls: string[] = [];
		let running = 0;
		const measure = (name: string) => async () => {
			running += 1;
			expect(running, 'one at a time').toBe(1);
			calls.push(name);
			await new Promise((resolve) => setTimeout(resolve, 1));
			running -= 1;
			return name;
		};
		const result = await inTurn(run, measure('ours'), measure('baseline'));
		return { calls, result };
	}

	it('alternates which goes first, one at a time, and returns each under its own name', async () => {
		for (const run of [1, 2, 3, 4]) {
			const { calls, result } = await order(run);
			expect(calls).toEqual(run % 2 === 1 ? ['ours', 'baseline'] : ['baseline', 'ours']);
			expect(result).toEqual({ ours: 'ours', baseline: 'baseline' });
		}
	});
});
