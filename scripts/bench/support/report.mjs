// The side-by-side table `npm run bench` ends with, in Markdown so it can go into the README as it
// is printed: each quality bar, our figure, the baseline measured beside it in the same run where
// one makes sense, and whether the bar is met. Figures a run did not measure (`--only`) are left
// out. The raw runs stay in the JSON line.
import { cpus, totalmem } from 'node:os';

/** @typedef {Record<string, unknown>} Figures */

/**
 * @typedef {object} Row
 * @property {string} label
 * @property {string} ours the figure's key
 * @property {string} [baseline] the key of the baseline measured beside it
 * @property {string} [bar] as the README states it; none for a figure shown for context
 * @property {(ours: number, baseline: number | undefined) => boolean} [met]
 */

/** @param {number} limit @returns {Row['met']} */
const atMost = (limit) => (ours) => ours <= limit;
/** @param {number} limit @returns {Row['met']} */
const atLeast = (limit) => (ours) => ours >= limit;

const BYTE_BUDGET = 46_080;

/** @param {string} prefix @param {string} page @returns {Row[]} */
function lighthouseRows(prefix, page) {
	return [
		{
			label: `Lighthouse mobile performance, ${page}`,
			ours: `${prefix}Performance`,
			baseline: `${prefix}PerformanceBaseline`,
			bar: '≥ 98 and ≥ bare − 2',
			met: (ours, bare) => ours >= 98 && bare !== undefined && ours >= bare - 2
		},
		{
			label: `Lighthouse total blocking time, ${page} (ms)`,
			ours: `${prefix}TbtMs`,
			baseline: `${prefix}TbtMsBaseline`,
			bar: '≤ 50',
			met: atMost(50)
		},
		{
			label: `Lighthouse largest contentful paint, ${page} (ms)`,
			ours: `${prefix}LcpMs`,
			baseline: `${prefix}LcpMsBaseline`,
			bar: '≤ bare × 1.1',
			met: (ours, bare) => bare !== undefined && ours <= bare * 1.1
		},
		{
			label: `Lighthouse first contentful paint, ${page} (ms)`,
			ours: `${prefix}FcpMs`,
			baseline: `${prefix}FcpMsBaseline`
		},
		{
			label: `Lighthouse accessibility, ${page}`,
			ours: `${prefix}Accessibility`,
			baseline: `${prefix}AccessibilityBaseline`,
			bar: '100',
			met: atLeast(100)
		},
		{
			label: `Lighthouse best practices, ${page}`,
			ours: `${prefix}BestPractices`,
			baseline: `${prefix}BestPracticesBaseline`,
			bar: '100',
			met: atLeast(100)
		}
	];
}

/** @type {Row[]} */
export const ROWS = [
	{
		label: 'first-load JS on `/`, gzip -9 (B)',
		ours: 'firstLoadJsGzipBytes',
		bar: `≤ ${BYTE_BUDGET.toLocaleString('en')}`,
		met: atMost(BYTE_BUDGET)
	},
	{
		label: 'first-load JS on `/c#<reference card>` (B)',
		ours: 'firstLoadJsCardPageGzipBytes',
		bar: `≤ ${BYTE_BUDGET.toLocaleString('en')}`,
		met: atMost(BYTE_BUDGET)
	},
	...lighthouseRows('lighthouse', '`/`'),
	...lighthouseRows('lighthouseCardPage', '`/c#<reference card>`'),
	{
		label: 'longest main-thread task after first paint, `/`, CPU 4× slower (ms)',
		ours: 'longTaskLongestMs',
		baseline: 'longTaskLongestMsBaseline',
		bar: '≤ 50',
		met: atMost(50)
	},
	{
		label: 'their blocking time (over 50 ms, summed), `/` (ms)',
		ours: 'longTaskBlockingMs',
		baseline: 'longTaskBlockingMsBaseline'
	},
	{
		label: 'longest main-thread task after first paint, `/c#<reference card>` (ms)',
		ours: 'longTaskCardPageLongestMs',
		baseline: 'longTaskCardPageLongestMsBaseline'
	},
	{
		label: 'their blocking time, `/c#<reference card>` (ms)',
		ours: 'longTaskCardPageBlockingMs',
		baseline: 'longTaskCardPageBlockingMsBaseline'
	},
	{
		label: 'first visit on slow 4G, CPU 4× slower: first paint, `/` (ms)',
		ours: 'slowStartPaintMs',
		baseline: 'slowStartPaintMsBaseline'
	},
	{
		label: 'first visit on slow 4G, CPU 4× slower: app ready, `/` (ms)',
		ours: 'slowStartReadyMs',
		baseline: 'slowStartReadyMsBaseline'
	},
	{
		label: 'first visit on slow 4G, CPU 4× slower: first paint, `/c#<reference card>` (ms)',
		ours: 'slowStartCardPagePaintMs',
		baseline: 'slowStartCardPagePaintMsBaseline'
	},
	{
		label: 'first visit on slow 4G, CPU 4× slower: app ready, `/c#<reference card>` (ms)',
		ours: 'slowStartCardPageReadyMs',
		baseline: 'slowStartCardPageReadyMsBaseline'
	},
	{
		label: '`queueRenderMs5k`: 5,000 follow-ups, open to first section (ms); bare: 5,000 rows',
		ours: 'queueRenderMs5k',
		baseline: 'queueRenderMs5kBaseline',
		bar: '≤ bare × 2',
		met: (ours, bare) => bare !== undefined && ours <= bare * 2
	},
	{
		label: '`backupRestore5kMs`: file → preview → restored (ms); bare: plain IndexedDB puts',
		ours: 'backupRestore5kMs',
		baseline: 'backupRestore5kBaselineMs',
		bar: '≤ 3,000',
		met: atMost(3000)
	},
	{
		label: '`backupRestoreLongestBlockMs`: longest main-thread task while restoring (ms)',
		ours: 'backupRestoreLongestBlockMs',
		bar: '< 200',
		met: (ours) => ours < 200
	},
	{
		label:
			'`scanDecodeMsMedian`: dense vCard, fake camera, start to decode (ms); bare: html5-qrcode',
		ours: 'scanDecodeMsMedian',
		baseline: 'scanDecodeMsMedianBaseline',
		bar: '≤ 1,000',
		met: atMost(1000)
	},
	{
		label: '`scanDecodeReferenceMsMedian`: the reference card (ms); bare: html5-qrcode',
		ours: 'scanDecodeReferenceMsMedian',
		baseline: 'scanDecodeReferenceMsMedianBaseline',
		bar: '≤ 1,000',
		met: atMost(1000)
	},
	{
		label: '`scanChunkGzipBytes`: what `/scan` loads beyond `/`, the `.wasm` counted (B)',
		ours: 'scanChunkGzipBytes',
		// None of it on `/`: scan.mjs fails the run if any of it is in home's first load.
		bar: 'none of it on `/`'
	},
	{
		label: '`referenceCardQrVersion`: QR version of the reference card link, level M',
		ours: 'referenceCardQrVersion',
		bar: '≤ 9',
		met: atMost(9)
	},
	{
		label: '`syncPushBatchSpeedup`: 1,000 changes, one request each ÷ batches',
		ours: 'syncPushBatchSpeedup',
		bar: '≥ 20',
		met: atLeast(20)
	},
	{
		label: "`queueQuery100kMs`: one user's due follow-ups among 100,000 rows (ms)",
		ours: 'queueQuery100kMs',
		bar: '≤ 5',
		met: atMost(5)
	},
	{
		label: '`sendBackToOwnerMsP95`: guest taps Send → owner has it (ms); bare: owner pulls at once',
		ours: 'sendBackToOwnerMsP95',
		baseline: 'sendBackBaselineMsP95',
		bar: '≤ 5,000',
		met: atMost(5000)
	},
	{
		label: '`reminderRun10kUsersMs`: one reminder run for 10,000 users (ms)',
		ours: 'reminderRun10kUsersMs',
		bar: '≤ 60,000',
		met: atMost(60_000)
	},
	{
		label: '`reminderSelect10kUsersMs`: choosing whom to remind (ms)',
		ours: 'reminderSelect10kUsersMs',
		bar: '≤ 1,000',
		met: atMost(1000)
	},
	{
		label: '`paperCardMsMedian`: photo to filled form (ms)',
		ours: 'paperCardMsMedian',
		bar: '≤ 4,000',
		met: atMost(4000)
	}
];

/** @param {unknown} value */
const asNumber = (value) =>
	typeof value === 'number' && Number.isFinite(value) ? value : undefined;

/** @param {number} value */
const show = (value) => value.toLocaleString('en', { maximumFractionDigits: 2 });

/** The machine a run was on, as the table's heading states it. */
export function describeMachine() {
	const [cpu] = cpus();
	const gib = Math.round(totalmem() / 2 ** 30);
	return `${cpus().length} × ${cpu?.model.trim() ?? 'unknown CPU'}, ${gib} GiB, ${process.platform} ${process.arch}, Node ${process.versions.node}`;
}

/**
 * @param {Figures} figures
 * @param {{ date: string, machine: string, browser: string }} run
 * @returns {string} Markdown: a heading line, then the table
 */
export function sideBySide(figures, { date, machine, browser }) {
	const lines = [
		`\`npm run bench\`, ${date}, on ${machine}, ${browser}. Medians; the baseline is measured in the same run, alternating with ours.`,
		'',
		'| figure | ours | baseline | bar | met |',
		'| --- | --- | --- | --- | --- |'
	];
	for (const row of ROWS) {
		const ours = asNumber(figures[row.ours]);
		if (ours === undefined) continue;
		const baseline = row.baseline ? asNumber(figures[row.baseline]) : undefined;
		const met = row.met === undefined ? '' : row.met(ours, baseline) ? 'yes' : '**no**';
		lines.push(
			`| ${row.label} | ${show(ours)} | ${baseline === undefined ? '' : show(baseline)} | ${row.bar ?? ''} | ${met} |`
		);
	}
	return lines.join('\n');
}
