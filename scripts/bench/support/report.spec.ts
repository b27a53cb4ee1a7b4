import { describe, expect, it } from 'vitest';
import { sideBySide } from './report.mjs';

const run = { date: '2026-12-02', machine: '2 × test CPU', browser: 'Chromium 1' };

function row(table: string, label: string): string[] | undefined {
	const line = table.split('\n').find((candidate) => candidate.startsWith(`| ${label}`));
	return line
		?.split('|')
		.slice(1, -1)
		.map((cell) => cell.trim());
}

describe('the bench side-by-side table', () => {
	it('heads the table with the date, the machine and the browser of the run', () => {
		const [heading] = sideBySide({}, run).split('\n');
		expect(heading).toContain('2026-12-02');
		expect(heading).toContain('2 × test CPU');
		expect(heading).toContain('Chromium 1');
	});

	it('puts the baseline of the same run beside our figure and judges relative bars by it', () => {
		const table = sideBySide(
			{
				lighthouseLcpMs: 1900,
				lighthouseLcpMsBaseline: 1700,
				lighthouseCardPageLcpMs: 1100,
				lighthouseCardPageLcpMsBaseline: 1065
			},
			run
		);
		expect(row(table, 'Lighthouse largest contentful paint, `/`')).toEqual([
			'Lighthouse largest contentful paint, `/` (ms)',
			'1,900',
			'1,700',
			'≤ bare × 1.1',
			'**no**'
		]);
		expect(row(table, 'Lighthouse largest contentful paint, `/c')?.[4]).toBe('yes');
	});

	it('holds performance to both 98 and the bare page less two points', () => {
		const judge = (ours: number, bare: number) =>
			row(
				sideBySide({ lighthousePerformance: ours, lighthousePerformanceBaseline: bare }, run),
				'Lighthouse mobile performance, `/`'
			)?.[4];
		expect(judge(98, 100)).toBe('yes');
		expect(judge(97, 97)).toBe('**no**');
		expect(judge(98, 100.5)).toBe('**no**');
	});

	it('judges the 5,000-row queue against twice its bare baseline', () => {
		const judge = (ours: number) =>
			row(
				sideBySide({ queueRenderMs5k: ours, queueRenderMs5kBaseline: 250 }, run),
				'`queueRenderMs5k`'
			)?.[4];
		expect(judge(500)).toBe('yes');
		expect(judge(501)).toBe('**no**');
	});

	it('leaves out what the run did not measure', () => {
		const table = sideBySide({ firstLoadJsGzipBytes: 45_963 }, run);
		expect(row(table, 'first-load JS on `/`,')?.slice(1)).toEqual([
			'45,963',
			'',
			'≤ 46,080',
			'yes'
		]);
		expect(table).not.toContain('queueRenderMs5k');
		expect(table).not.toContain('Lighthouse');
	});
});
