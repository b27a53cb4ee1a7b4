// The wording rules every line said to a stranger follows, shared by the prompt deck's content
// test and the coach's: open questions, Traditional characters, Taiwanese words.

// --- Open-endedness -------------------------------------------------------------------------------

export const YES_NO_STARTS = new Set(
	[
		'do',
		'does',
		'did',
		'is',
		'are',
		'was',
		'were',
		'have',
		'has',
		'had',
		'can',
		'could',
		'will',
		'would',
		'should',
		'shall',
		'may',
		'might',
		'must',
		'am',
		'any',
		'anyone',
		'anything',
		'got',
		'want'
	].flatMap((word) => [word, `${word}n't`])
);
const irregularNegatives = ["won't", "can't", "shan't", "ain't", "mustn't", "mightn't"];
for (const word of irregularNegatives) YES_NO_STARTS.add(word);

/** The first word of an English text, lower-cased, opening quotes and curly apostrophes removed. */
function firstWord(text: string): string {
	const start = text
		.trim()
		.replace(/^["'“‘’«(\s]+/u, '')
		.replace(/’/g, "'")
		.toLowerCase();
	return /^[a-z]+(?:'[a-z]+)?/.exec(start)?.[0] ?? '';
}

export const startsLikeYesNo = (text: string) => YES_NO_STARTS.has(firstWord(text));

const ZH_CLOSED = [
	'是不是',
	'有沒有',
	'會不會',
	'對不對',
	'好不好',
	'要不要',
	'能不能',
	'可不可以',
	'是否',
	'對吧'
];

/** A zh-TW text asks for a yes or a no when it has an A-not-A pair above or ends in 嗎. */
export function zhIsClosed(text: string): boolean {
	if (ZH_CLOSED.some((phrase) => text.includes(phrase))) return true;
	return /嗎[\s?!.…\u3002\uFF1F\uFF01]*$/u.test(text);
}

const EN_INVITATIONS = /^(tell|share|walk|talk|describe|show)\b/i;
const ZH_INVITATIONS = ['跟我聊聊', '跟我說說', '說說看', '分享', '聊聊', '多跟我說'];

export function isQuestionOrInvitation(locale: 'en' | 'zh-TW', text: string): boolean {
	if (locale === 'en') return /\?[”"]?$/.test(text) || EN_INVITATIONS.test(text);
	return text.endsWith('\uFF1F') || ZH_INVITATIONS.some((phrase) => text.includes(phrase));
}

// --- Writing rules for zh-TW ------------------------------------------------------------------------

// Common simplified characters (得, shared by both scripts, is left out of 觉得).
export const SIMPLIFIED = [
	...new Set('们这个会时说对设资联络认识请让为还没过实际发现后里问题应该学习觉让给开关经验')
];
/** Mainland vocabulary with a different everyday word in Taiwan. */
export const MAINLAND_TERMS = [
	'軟件',
	'硬件',
	'信息',
	'視頻',
	'網絡',
	'質量',
	'屏幕',
	'博客',
	'程序員',
	'數據庫',
	'默認'
];
const CJK = '\\p{Script=Han}';
export const HALF_WIDTH_NEXT_TO_CJK = new RegExp(`${CJK}[,.?!:;"]|[,.?!:;"]${CJK}`, 'u');
