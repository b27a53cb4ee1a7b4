import { describe, expect, it } from 'vitest';
import { buildOpener, depths, filterPrompts, loadDeck, promptContexts, type DeckLocale } from '.';

describe('loadDeck', () => {
	it.each<DeckLocale>(['en', 'zh-TW'])('loads and validates the %s deck', async (locale) => {
		const deck = await loadDeck(locale);
		expect(deck.prompts.length).toBeGreaterThanOrEqual(160);
		for (const prompt of deck.prompts) {
			expect(prompt).toEqual({
				id: expect.any(String),
				text: expect.any(String),
				depth: expect.toBeOneOf([...depths]),
				contexts: expect.any(Array)
			});
			for (const context of prompt.contexts) expect(promptContexts).toContain(context);
		}
		expect(deck.listening.length).toBeGreaterThan(0);
		for (const line of deck.listening)
			expect(line).toEqual({ id: expect.any(String), text: expect.any(String) });
		for (const list of [deck.exits, deck.offers]) {
			expect(list.length).toBeGreaterThan(0);
			for (const line of list) {
				expect(line).toEqual({
					id: expect.any(String),
					text: expect.any(String),
					contexts: expect.any(Array)
				});
				for (const context of line.contexts) expect(promptContexts).toContain(context);
			}
		}
		expect(deck.topicTemplates.every((template) => template.text.includes('{topic}'))).toBe(true);
		expect(
			filterPrompts(deck.prompts, { depth: 'warm-up', context: 'talk' }).length
		).toBeGreaterThan(0);
	});

	it('loads each language once', async () => {
		expect(loadDeck('en')).toBe(loadDeck('en'));
		expect(await loadDeck('en')).not.toBe(await loadDeck('zh-TW'));
	});

	it('builds an opener from the real templates', async () => {
		const zh = await loadDeck('zh-TW');
		const card = { name: '陳怡君', title: '產品設計師', company: '好日子' };
		expect(buildOpener(zh.opener, card, 'full')).toBe(
			'你好\uFF0C我是陳怡君\uFF0C在好日子擔任產品設計師\uFF0C很高興認識你\uFF01'
		);
		const en = await loadDeck('en');
		expect(buildOpener(en.opener, { name: 'Amy' }, 'short')).toBe('Hi, I’m Amy!');
	});
});
