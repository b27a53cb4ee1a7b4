import { describe, expect, it } from 'vitest';
import { pagesInTurn } from './pagesInTurn.mjs';

describe('pages measured in turn with the bare site', () => {
	it('names each figure after its page and key, the median of its runs, and keeps every run', async () => {
		const visits: string[] = [];
		const times: Record<string, number[]> = {
			'https://ours/': [30, 10, 20],
			'https://bare/': [5, 7, 6],
			'https://ours/c#card': [3, 1, 2],
			'https://bare/c#card': [9, 8, 7]
		};
		const progress: string[] = [];
		const { figures, runs } = await pagesInTurn({
			pages: [
				{ name: 'home', path: '/' },
				{ name: 'card page', path: '/c#card' }
			],
			url: 'https://ours',
			bareUrl: 'https://bare',
			runs: 3,
			prefixes: { home: 'slowStart', 'card page': 'slowStartCardPage' },
			label: 'slow start',
			visit: async (url) => {
				visits.push(url);
				const readyMs = times[url]?.shift() ?? NaN;
				return { readyMs, paintMs: readyMs / 2 };
			},
			progress: (message) => progress.push(message)
		});

		expect(figures).toEqual({
			slowStartReadyMs: 20,
			slowStartReadyMsBaseline: 6,
			slowStartPaintMs: 10,
			slowStartPaintMsBaseline: 3,
			slowStartCardPageReadyMs: 2,
			slowStartCardPageReadyMsBaseline: 8,
			slowStartCardPagePaintMs: 1,
			slowStartCardPagePaintMsBaseline: 4
		});
		expect(runs.home?.ours.map((run) => run.readyMs)).toEqual([30, 10, 20]);
		expect(runs['card page']?.bare.map((run) => run.readyMs)).toEqual([9, 8, 7]);
		// Ours first in odd runs, the bare site first in even ones.
		expect(visits.slice(0, 4)).toEqual([
			'https://ours/',
			'https://bare/',
			'https://bare/',
			'https://ours/'
		]);
		expect(progress[0]).toBe(
			'slow start home run 1: ours {"readyMs":30,"paintMs":15}, bare {"readyMs":5,"paintMs":2.5}'
		);
	});
});
