import { describe, expect, it } from 'vitest';
import coachEn from '../../../../messages/coach/en.json';
import coachZhTW from '../../../../messages/coach/zh-TW.json';
import deckEn from '../prompts/content/en.json';
import deckZhTW from '../prompts/content/zh-TW.json';
import { deckContentSchema } from '../prompts/schema';
import {
	HALF_WIDTH_NEXT_TO_CJK,
	isQuestionOrInvitation,
	MAINLAND_TERMS,
	SIMPLIFIED,
	startsLikeYesNo,
	zhIsClosed
} from '$lib/testing/wording';

// Every line the coach says, in both languages, read for tone: a nervous person is never pushed,
// scored or made to feel they fell short (docs/coach.md). The lists are kept here, in the test.

type Locale = 'en' | 'zh-TW';

/** Every text of a message file: plain strings and each variant of a plural. */
function texts(messages: Record<string, unknown>): string[] {
	return Object.entries(messages).flatMap(([key, value]) => {
		if (key === '$schema') return [];
		if (typeof value === 'string') return [value];
		return (value as { match: Record<string, string> }[]).flatMap((v) => Object.values(v.match));
	});
}

const moves = {
	en: deckContentSchema.parse(deckEn).followUpMoves.map((move) => move.text),
	'zh-TW': deckContentSchema.parse(deckZhTW).followUpMoves.map((move) => move.text)
};
const coaching: Record<Locale, string[]> = {
	en: [...texts(coachEn), ...moves.en],
	'zh-TW': [...texts(coachZhTW), ...moves['zh-TW']]
};

const GUILT_AND_PRESSURE: Record<Locale, RegExp> = {
	en: /\b(should|must|have to|need to|fail\w*|miss(ed|ing)?|streaks?|scores?|rating|lazy|behind|shame\w*|disappoint\w*|hurry|guilt\w*|wrong|bad|better luck|come on|don[’']t forget|at least|not enough|again\?)\b/i,
	'zh-TW':
		/應該|必須|一定要|失敗|沒做到|沒達成|未達成|錯過|連續|分數|評分|打分|懶|落後|丟臉|失望|趕快|可惜|不夠|至少|加油|再接再厲/
};
/** Numbers and faces turn a feeling into a score. */
const SCORE_LIKE = /[0-9０-９]\s*\/\s*[0-9０-９]|[★☆]|\p{Extended_Pictographic}|[:;]-?[()DP]/u;

describe('coaching text', () => {
	it('has every message in both languages', () => {
		expect(Object.keys(coachZhTW).sort()).toEqual(Object.keys(coachEn).sort());
	});

	describe.each(['en', 'zh-TW'] as const)('%s', (locale) => {
		it('never pushes, blames or keeps score', () => {
			const guilty = coaching[locale].filter((text) => GUILT_AND_PRESSURE[locale].test(text));
			expect(guilty).toEqual([]);
			expect(coaching[locale].filter((text) => SCORE_LIKE.test(text))).toEqual([]);
		});

		it('asks open follow-up questions, never a yes or a no', () => {
			const closed = moves[locale].filter((text) =>
				locale === 'en' ? startsLikeYesNo(text) : zhIsClosed(text)
			);
			expect(closed).toEqual([]);
			expect(moves[locale].filter((text) => !isQuestionOrInvitation(locale, text))).toEqual([]);
		});
	});

	it('writes zh-TW in Traditional characters with Taiwanese wording and punctuation', () => {
		const zh = coaching['zh-TW'];
		expect(zh.filter((text) => SIMPLIFIED.some((char) => text.includes(char)))).toEqual([]);
		expect(zh.filter((text) => MAINLAND_TERMS.some((term) => text.includes(term)))).toEqual([]);
		expect(zh.filter((text) => HALF_WIDTH_NEXT_TO_CJK.test(text))).toEqual([]);
	});

	it('writes English without Chinese characters', () => {
		expect(coaching.en.filter((text) => /\p{Script=Han}/u.test(text))).toEqual([]);
	});

	it('catches the words it looks for', () => {
		expect(GUILT_AND_PRESSURE.en.test('You missed your goal.')).toBe(true);
		expect(GUILT_AND_PRESSURE.en.test('Keep your streak going!')).toBe(true);
		expect(GUILT_AND_PRESSURE['zh-TW'].test('你這次沒做到目標')).toBe(true);
		expect(GUILT_AND_PRESSURE['zh-TW'].test('下次應該多聊一點')).toBe(true);
		expect(SCORE_LIKE.test('4/5')).toBe(true);
		expect(SCORE_LIKE.test('😊')).toBe(true);
		expect(SIMPLIFIED.some((char) => '联络一下'.includes(char))).toBe(true);
		expect(startsLikeYesNo('Did it go well?')).toBe(true);
		expect(zhIsClosed('你喜歡嗎？')).toBe(true);
	});
});
