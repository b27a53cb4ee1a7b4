// Helpers for the prompt screen's browser tests: reading the deck the app ships, putting an
// event in place the way the app stores it, and reading back what the screen kept.
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import type { TestLocale } from './browser';

export interface ContentPrompt {
	id: string;
	text: string;
	depth: 'warm-up' | 'connect' | 'reflect';
	contexts: string[];
}

export interface Content {
	prompts: ContentPrompt[];
	topicTemplates: ContentPrompt[];
	listening: { id: string; text: string }[];
	exits: ContentLine[];
	offers: ContentLine[];
}

/** An exit or an offer, with the settings it is written for. */
export interface ContentLine {
	id: string;
	text: string;
	contexts: string[];
}

export function content(locale: TestLocale): Content {
	return JSON.parse(
		readFileSync(`src/lib/domain/prompts/content/${locale}.json`, 'utf8')
	) as Content;
}

/** Runs a request against the app's own database, opened at whatever version the app made it. */
export function inDatabase<T>(
	page: Page,
	store: string,
	mode: 'get' | 'put',
	key: string,
	value?: unknown
): Promise<T> {
	return page.evaluate(
		({ store, mode, key, value }) =>
			new Promise<T>((resolve, reject) => {
				const open = indexedDB.open('rapport');
				open.onerror = () => reject(open.error);
				open.onsuccess = () => {
					const db = open.result;
					const tx = db.transaction(store, mode === 'get' ? 'readonly' : 'readwrite');
					const objects = tx.objectStore(store);
					const request =
						mode === 'get'
							? objects.get(key)
							: objects.keyPath
								? objects.put(value)
								: objects.put(value, key);
					request.onsuccess = () => {
						const result = request.result as T;
						tx.oncomplete = () => {
							db.close();
							resolve(result);
						};
					};
					request.onerror = () => reject(request.error);
				};
			}),
		{ store, mode, key, value }
	);
}

/** Makes an event current, as the events screen would: the event record and the setting. */
export async function makeCurrentEvent(
	page: Page,
	event: { name: string; topic?: string; context: string }
): Promise<string> {
	const id = await page.evaluate(() => crypto.randomUUID());
	const now = new Date();
	await inDatabase(page, 'events', 'put', id, {
		id,
		...event,
		startsAt: new Date(now.getTime() - 3_600_000).toISOString(),
		endsAt: new Date(now.getTime() + 3_600_000).toISOString(),
		timeZone: 'Asia/Taipei',
		updatedAt: now.toISOString()
	});
	const settings =
		(await inDatabase<Record<string, unknown> | undefined>(page, 'settings', 'get', 'settings')) ??
		{};
	await inDatabase(page, 'settings', 'put', 'settings', { ...settings, currentEventId: id });
	return id;
}

export interface StoredPromptState {
	favourites?: string[];
	worked?: { id: string; text: string; at: string };
	prepared?: Record<string, { ids: string[]; custom: string[] }>;
}

export function promptState(page: Page): Promise<StoredPromptState | undefined> {
	return inDatabase(page, 'promptState', 'get', 'deck');
}

/** The card on show: its id, text and "3 / 42". */
export async function shownCard(
	page: Page
): Promise<{ id: string; text: string; position: string } | null> {
	try {
		return await page.evaluate(() => {
			const text = document.querySelector('[data-testid="prompt-text"]');
			const position = document.querySelector('[data-testid="prompt-position"]');
			if (!text || !position) return null;
			return {
				id: text.getAttribute('data-prompt-id') ?? '',
				text: text.textContent?.trim() ?? '',
				position: position.textContent?.trim() ?? ''
			};
		});
	} catch {
		return null;
	}
}
