import { describe, expect, it } from 'vitest';
import { coalesce } from './coalesce';

describe('coalesce', () => {
	it('runs a burst of requests as the run in progress and one more, never two at once', async () => {
		let runs = 0;
		let running = 0;
		let overlapped = false;
		const work = coalesce(async () => {
			overlapped ||= running > 0;
			running++;
			runs++;
			await new Promise((resolve) => setTimeout(resolve, 5));
			running--;
		});
		work.request();
		work.request();
		work.request();
		await work.settled();
		expect(runs).toBe(2);
		expect(overlapped).toBe(false);

		work.request();
		await work.settled();
		expect(runs).toBe(3);
	});

	it('keeps running after a run fails', async () => {
		let runs = 0;
		const work = coalesce(async () => {
			runs++;
			if (runs === 1) throw new Error('storage went away');
		});
		work.request();
		await work.settled();
		work.request();
		await work.settled();
		expect(runs).toBe(2);
	});
});
