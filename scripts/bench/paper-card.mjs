// Paper-card figures: on a corpus of card photos rendered at bench time (support/paperCards.mjs),
// how often /scan/paper fills each field of its review form exactly, and how long a photo takes
// to become a filled form once the recogniser and its trained data are cached (the first card
// warms them and is timed apart). Also checks that none of the recogniser is loaded by `/` or by
// the QR scanner on /scan.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { runnerImport } from 'vite';
import { CHROMIUM_ARGS } from '../../tests/support/chromium-flags.mjs';
import { renderPaperCards } from './support/paperCards.mjs';
import { median } from './support/median.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CARDS = 42;
const READ_TIMEOUT_MS = 120_000;

const same = (field, read, truth) =>
	field === 'email' || field === 'website'
		? read.trim().toLowerCase() === truth.toLowerCase()
		: read.replace(/\s+/g, ' ').trim() === truth;

/**
 * Reads one photo on the open page: its field values, or null when the page gave a problem.
 * @param {import('playwright-core').Page} page
 * @param {string} photo
 */
async function readCard(page, photo) {
	const marks = () => performance.getEntriesByName('rapport:paper-card-read').length;
	const before = await page.evaluate(marks);
	await page.locator('#paper-card-photo').setInputFiles(photo);
	// The form is filled when the page marks it; a problem shows instead of the form.
	await page.waitForFunction(
		(before) =>
			performance.getEntriesByName('rapport:paper-card-read').length > before ||
			document.querySelector('[data-testid=paper-card-problem]') !== null,
		before,
		{ timeout: READ_TIMEOUT_MS }
	);
	await page.locator('#paper-card-name, [data-testid=paper-card-problem]').first().waitFor();
	const result = await page.evaluate(() => {
		const start = performance.getEntriesByName('rapport:paper-card-start').at(-1);
		const read = performance.getEntriesByName('rapport:paper-card-read').at(-1);
		const inputs = [...document.querySelectorAll('#paper-card-result input[name]')];
		return {
			ms:
				start && read && read.startTime > start.startTime ? read.startTime - start.startTime : null,
			values: Object.fromEntries(inputs.map((input) => [input.getAttribute('name'), input.value]))
		};
	});
	if (result.ms !== null) {
		// Back to choosing a photo in the same page, so the recogniser stays warm.
		await page.locator('#paper-card-result button.secondary[type=button]').last().click();
		await page.locator('#paper-card-photo').waitFor({ state: 'attached' });
	}
	return result;
}

/**
 * Whether a page's loads include any of the recogniser: its served files or tesseract.js.
 * @param {import('playwright-core').BrowserContext} context
 * @param {string} url
 * @param {(page: import('playwright-core').Page) => Promise<void>} [act]
 */
async function loadsRecogniser(context, url, act) {
	const page = await context.newPage();
	/** @type {Promise<boolean>[]} */
	const hits = [];
	page.on('response', (response) => {
		const { pathname } = new URL(response.url());
		if (pathname.startsWith('/paper-card/')) hits.push(Promise.resolve(true));
		else if (pathname.endsWith('.js'))
			hits.push(
				response.text().then(
					(body) => /TesseractCore|tesseract\.js/.test(body),
					() => false
				)
			);
	});
	await page.goto(url, { waitUntil: 'networkidle' });
	if (act) await act(page);
	await page.waitForLoadState('networkidle');
	const loaded = (await Promise.all(hits)).some(Boolean);
	await page.close();
	return loaded;
}

/** @type {import('../bench.mjs').Measure} */
export default async function paperCard({ url, chromiumPath, progress }) {
	// The review form's fields, as the domain lists them, so the tally never drifts from the form.
	const { module: recognised } = await runnerImport(
		join(root, 'src/lib/domain/paperCard/recognised.ts'),
		{ configFile: false, logLevel: 'error' }
	);
	/** @type {readonly string[]} */
	const FIELDS = recognised.paperCardFields;
	const folder = await mkdtemp(join(tmpdir(), 'rapport-paper-cards-'));
	const browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
	try {
		progress(`paper card: rendering ${CARDS} card photos`);
		const cards = await renderPaperCards(browser, folder, CARDS);

		const blocked = await browser.newContext({ serviceWorkers: 'block' });
		const onHome = await loadsRecogniser(blocked, `${url}/`);
		const onScan = await loadsRecogniser(blocked, `${url}/scan`, async (page) => {
			await page
				.locator('#scan-start')
				.click()
				.catch(() => undefined);
		});
		await blocked.close();
		progress(`paper card: recogniser loaded by / ${onHome}, by /scan ${onScan}`);

		const context = await browser.newContext({
			viewport: { width: 390, height: 844 },
			locale: 'zh-TW'
		});
		const page = await context.newPage();
		await page.goto(`${url}/scan/paper`, { waitUntil: 'networkidle' });
		const [first, ...rest] = cards;
		const warm = await readCard(page, first.photo);
		progress(`paper card: first use (download and start) ${Math.round(warm.ms ?? -1)} ms`);

		/** @type {Record<string, { right: number, of: number }>} */
		const tally = Object.fromEntries(FIELDS.map((field) => [field, { right: 0, of: 0 }]));
		const times = [];
		for (const [index, card] of [first, ...rest].entries()) {
			const result = index === 0 ? warm : await readCard(page, card.photo);
			if (index > 0 && result.ms !== null) times.push(result.ms);
			const wrong = [];
			for (const field of FIELDS) {
				const truth = card.truth[field] ?? '';
				if (!truth) continue;
				tally[field].of++;
				if (same(field, result.values[field] ?? '', truth)) tally[field].right++;
				else
					wrong.push(
						`${field}=${JSON.stringify(result.values[field] ?? null)}≠${JSON.stringify(truth)}`
					);
			}
			progress(
				`  ${card.id} (${card.shot}) ${result.ms === null ? 'no form' : `${Math.round(result.ms)} ms`}${wrong.length ? `: ${wrong.join(' ')}` : ''}`
			);
		}
		await context.close();

		const paperCardFieldAccuracy = Object.fromEntries(
			FIELDS.filter((field) => tally[field].of > 0).map((field) => [
				field,
				Math.round((1000 * tally[field].right) / tally[field].of) / 10
			])
		);
		const paperCardMsMedian = times.length ? Math.round(median(times)) : null;
		progress(
			`paper card: accuracy % ${JSON.stringify(paperCardFieldAccuracy)}, median ${paperCardMsMedian} ms`
		);
		return {
			paperCardFieldAccuracy,
			paperCardMsMedian,
			paperCardFirstUseMs: warm.ms === null ? null : Math.round(warm.ms),
			paperCardCards: cards.length,
			paperCardRecogniserOnFirstLoad: onHome,
			paperCardRecogniserWithQrScanner: onScan
		};
	} finally {
		await browser.close();
		await rm(folder, { recursive: true, force: true });
	}
}
