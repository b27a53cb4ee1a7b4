import { describe, expect, it } from 'vitest';
import {
	HALF_WIDTH_NEXT_TO_CJK,
	isQuestionOrInvitation,
	MAINLAND_TERMS,
	SIMPLIFIED,
	startsLikeYesNo,
	zhIsClosed
} from '$lib/testing/wording';
import en from './content/en.json';
import zhTW from './content/zh-TW.json';
import { filterLines, filterPrompts } from './deck';
import { deckContentSchema, depths, promptContexts, type DeckContent } from './schema';

const decks = { en: deckContentSchema.parse(en), 'zh-TW': deckContentSchema.parse(zhTW) };
type Locale = keyof typeof decks;
const locales = Object.keys(decks) as Locale[];

const MIN = {
	prompts: 160,
	perDepth: 35,
	perContext: 20,
	perDepthAndContext: 10,
	topicTemplates: 10,
	listening: 24,
	exits: 18,
	offers: 12,
	/** Exits and offers dealt for any one setting, `any` included. */
	linesPerContext: 10,
	followUpMovesPerDepth: 4
};
const MAX_LENGTH = { en: { prompt: 90, line: 110 }, 'zh-TW': { prompt: 60, line: 60 } };

/** An either/or question invites a one-word answer; prompts avoid them. */
const EITHER_OR = { en: /\bor\b/i, 'zh-TW': /還是/ };

// --- Topics ----------------------------------------------------------------------------------------

// Topics a nervous stranger should never be asked about.
const SENSITIVE = {
	en: /\b(salary|salaries|income|paid|religio\w*|church|temple|god|politic\w*|vote|election|party|married|marriage|wife|husband|boyfriend|girlfriend|partner|dating|health|sick|illness|how old|age)\b/i,
	'zh-TW':
		/薪水|薪資|月薪|年薪|收入|宗教|信仰|拜拜|政治|選舉|投票|政黨|結婚|另一半|男朋友|女朋友|對象|健康|生病|幾歲|年紀|年齡/
};

// Words that tie a card to one kind of event. A card for `any` setting is dealt at every event, a
// dinner meetup and a job fair alike, so it must not talk about the speaker, the booth or the table.
const SETTING_WORDS = {
	en: /\b(talks?|speakers?|sessions?|slides?|Q&A|stage|workshops?|exercises?|tables?|meetups?|group|conferences?|hallway|booths?|recruiters?|job fair|hiring)\b/i,
	'zh-TW':
		/講座|講者|演講|議程|投影片|問答|上台|工作坊|練習|這一?桌|聚會|社群|研討會|走廊|攤位|徵才|博覽會|招募|職缺/
};

// --- Helpers -------------------------------------------------------------------------------------

function allTexts(deck: DeckContent): string[] {
	return [
		...deck.prompts,
		...deck.topicTemplates,
		...deck.listening,
		...deck.exits,
		...deck.offers,
		...deck.followUpMoves
	]
		.map((item) => item.text)
		.concat(Object.values(deck.opener));
}

const askers = (deck: DeckContent) => [
	...deck.prompts,
	...deck.topicTemplates,
	...deck.listening,
	...deck.followUpMoves
];

function duplicates(values: string[]): string[] {
	const seen = new Set<string>();
	return values.filter((value) => (seen.has(value) ? true : (seen.add(value), false)));
}

// --- Tests ---------------------------------------------------------------------------------------

describe('prompt content', () => {
	describe.each(locales)('%s', (locale) => {
		const deck = decks[locale];

		it('matches the schema', () => {
			expect(deckContentSchema.safeParse(locale === 'en' ? en : zhTW).error?.issues ?? []).toEqual(
				[]
			);
		});

		it('has enough of everything', () => {
			expect(deck.prompts.length).toBeGreaterThanOrEqual(MIN.prompts);
			expect(deck.topicTemplates.length).toBeGreaterThanOrEqual(MIN.topicTemplates);
			expect(deck.listening.length).toBeGreaterThanOrEqual(MIN.listening);
			expect(deck.exits.length).toBeGreaterThanOrEqual(MIN.exits);
			expect(deck.offers.length).toBeGreaterThanOrEqual(MIN.offers);
		});

		it.each(depths)('has follow-up moves for %s answers', (depth) => {
			const moves = deck.followUpMoves.filter((move) => move.depth === depth);
			expect(moves.length).toBeGreaterThanOrEqual(MIN.followUpMovesPerDepth);
		});

		it.each(depths)('has at least 35 %s prompts', (depth) => {
			const count = deck.prompts.filter((prompt) => prompt.depth === depth).length;
			expect(count).toBeGreaterThanOrEqual(MIN.perDepth);
		});

		it.each(promptContexts.filter((context) => context !== 'any'))(
			'has at least 20 prompts written for %s',
			(context) => {
				const listed = deck.prompts.filter((prompt) => prompt.contexts.includes(context));
				expect(listed.length).toBeGreaterThanOrEqual(MIN.perContext);
			}
		);

		it.each(promptContexts)('deals enough prompts at every depth for %s', (context) => {
			for (const depth of depths) {
				const dealt = filterPrompts(deck.prompts, { depth, context });
				expect(dealt.length, `${depth} × ${context}`).toBeGreaterThanOrEqual(
					MIN.perDepthAndContext
				);
			}
		});

		it('keeps setting-specific cards out of “any setting”', () => {
			const dealt = filterPrompts([...deck.prompts, ...deck.topicTemplates], { context: 'any' });
			const specific = dealt.filter((prompt) => SETTING_WORDS[locale].test(prompt.text));
			expect(specific.map((prompt) => `${prompt.id}: ${prompt.text}`)).toEqual([]);
		});

		it('keeps setting-specific exits and offers out of “any setting”', () => {
			const dealt = [...filterLines(deck.exits, 'any'), ...filterLines(deck.offers, 'any')];
			const specific = dealt.filter((line) => SETTING_WORDS[locale].test(line.text));
			expect(specific.map((line) => `${line.id}: ${line.text}`)).toEqual([]);
		});

		it.each(promptContexts)('has enough exits and offers for %s', (context) => {
			expect(filterLines(deck.exits, context).length).toBeGreaterThanOrEqual(MIN.linesPerContext);
			expect(filterLines(deck.offers, context).length).toBeGreaterThanOrEqual(MIN.linesPerContext);
		});

		it('has a {topic} slot in every template', () => {
			const missing = deck.topicTemplates.filter((template) => !template.text.includes('{topic}'));
			expect(missing).toEqual([]);
		});

		it('never repeats a text', () => {
			expect(duplicates(allTexts(deck))).toEqual([]);
		});

		it('asks open questions, or invites a story', () => {
			const closed = askers(deck).filter((item) =>
				locale === 'en' ? startsLikeYesNo(item.text) : zhIsClosed(item.text)
			);
			expect(closed.map((item) => item.text)).toEqual([]);
			const neither = askers(deck).filter((item) => !isQuestionOrInvitation(locale, item.text));
			expect(neither.map((item) => item.text)).toEqual([]);
		});

		it('avoids either/or prompts', () => {
			const binary = [...deck.prompts, ...deck.topicTemplates].filter((item) =>
				EITHER_OR[locale].test(item.text)
			);
			expect(binary.map((item) => item.text)).toEqual([]);
		});

		it('stays away from salary, religion, politics, relationships, health and age', () => {
			const intrusive = [...deck.prompts, ...deck.topicTemplates, ...deck.listening].filter(
				(item) => SENSITIVE[locale].test(item.text)
			);
			expect(intrusive.map((item) => item.text)).toEqual([]);
		});

		it('keeps every card short enough to say out loud', () => {
			const max = MAX_LENGTH[locale];
			const long = [
				...[...deck.prompts, ...deck.topicTemplates].filter(
					(item) => [...item.text].length > max.prompt
				),
				...[...deck.listening, ...deck.exits, ...deck.offers, ...deck.followUpMoves].filter(
					(item) => [...item.text].length > max.line
				)
			];
			expect(long.map((item) => item.text)).toEqual([]);
		});
	});

	it('recognises yes/no openings and A-not-A questions', () => {
		expect(startsLikeYesNo('Do you come here often?')).toBe(true);
		expect(startsLikeYesNo('“Isn’t this fun?')).toBe(true);
		expect(startsLikeYesNo("  'WOULDN'T it be nice?")).toBe(true);
		expect(startsLikeYesNo('Won’t you stay?')).toBe(true);
		expect(startsLikeYesNo('What brought you here?')).toBe(false);
		expect(startsLikeYesNo('Domains are hard; what did you pick?')).toBe(false);
		expect(zhIsClosed('你喜歡這場活動嗎\uFF1F')).toBe(true);
		expect(zhIsClosed('你是不是第一次來\uFF1F')).toBe(true);
		expect(zhIsClosed('你喜歡嗎?')).toBe(true);
		expect(zhIsClosed('你今天是從哪裡過來的\uFF1F')).toBe(false);
	});

	it('has the same prompts and lines in both languages: ids, depths and contexts', () => {
		const shape = (deck: DeckContent) => ({
			prompts: deck.prompts.map(({ id, depth, contexts }) => ({ id, depth, contexts })),
			topicTemplates: deck.topicTemplates.map(({ id, depth, contexts }) => ({
				id,
				depth,
				contexts
			})),
			listening: deck.listening.map(({ id }) => id),
			exits: deck.exits.map(({ id, contexts }) => ({ id, contexts })),
			offers: deck.offers.map(({ id, contexts }) => ({ id, contexts })),
			opener: Object.keys(deck.opener),
			followUpMoves: deck.followUpMoves.map(({ id, depth }) => ({ id, depth }))
		});
		expect(shape(decks['zh-TW'])).toEqual(shape(decks.en));
	});

	it('writes zh-TW in Traditional characters with Taiwanese wording', () => {
		const texts = allTexts(decks['zh-TW']);
		const simplified = texts.filter((text) => SIMPLIFIED.some((char) => text.includes(char)));
		expect(simplified).toEqual([]);
		const mainland = texts.filter((text) => MAINLAND_TERMS.some((term) => text.includes(term)));
		expect(mainland).toEqual([]);
	});

	it('uses full-width punctuation next to Chinese characters', () => {
		const texts = allTexts(decks['zh-TW']);
		expect(texts.filter((text) => HALF_WIDTH_NEXT_TO_CJK.test(text))).toEqual([]);
		expect(HALF_WIDTH_NEXT_TO_CJK.test('你好,我是小明')).toBe(true);
		expect(HALF_WIDTH_NEXT_TO_CJK.test('你好\uFF0C我是小明')).toBe(false);
	});

	it('writes English without Chinese characters or full-width punctuation', () => {
		const texts = allTexts(decks.en);
		expect(
			texts.filter((text) =>
				/[\p{Script=Han}\u3002\u300C\u300D\uFF01\uFF0C\uFF1A\uFF1B\uFF1F]/u.test(text)
			)
		).toEqual([]);
	});
});
