// What a bare baseline page must serve to stand beside one of ours: the title and the visible
// text of our page as a zh-TW visitor sees it once it has run.
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS } from '../../../tests/support/chromium-flags.mjs';

/**
 * The title and visible text of one of our pages, as a zh-TW visitor sees it.
 * @param {string} url @param {string} chromiumPath
 */
export async function textOf(url, chromiumPath) {
	const browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
	try {
		const context = await browser.newContext({ locale: 'zh-TW', serviceWorkers: 'block' });
		const page = await context.newPage();
		await page.goto(url, { waitUntil: 'networkidle' });
		return {
			title: await page.title(),
			lines: (await page.locator('body').innerText())
				.split('\n')
				.map((line) => line.trim())
				.filter(Boolean)
		};
	} finally {
		await browser.close();
	}
}
