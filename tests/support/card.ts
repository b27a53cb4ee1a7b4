// Helpers for the card and card-page browser tests: reading the app's IndexedDB from the page.
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';

/** Every record of one object store of the app's `rapport` database. */
export function readStore(page: Page, store: string): Promise<Record<string, unknown>[]> {
	return page.evaluate(
		(store) =>
			new Promise<Record<string, unknown>[]>((resolve, reject) => {
				const open = indexedDB.open('rapport');
				open.onerror = () => reject(open.error);
				open.onsuccess = () => {
					const db = open.result;
					const request = db.transaction(store).objectStore(store).getAll();
					request.onsuccess = () => {
						db.close();
						resolve(request.result as Record<string, unknown>[]);
					};
					request.onerror = () => reject(request.error);
				};
			}),
		store
	);
}

/**
 * axe's WCAG 2.1 A/AA and best-practice findings, one line each (as in a11y.spec.ts); `within`, a
 * CSS selector, limits them to one part of the page.
 */
export async function axeViolations(page: Page, within?: string): Promise<string[]> {
	const builder = new AxeBuilder({ page });
	if (within) builder.include(within);
	const results = await builder
		.withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
		.analyze();
	return results.violations.map(
		(violation) =>
			`${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`
	);
}
