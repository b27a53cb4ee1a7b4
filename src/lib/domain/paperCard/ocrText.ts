// Recognisers write Chinese with a space between every character ("王 大 明") and keep the
// full-width forms of a card's punctuation ("電話：０２"). One spelling for the rules to read.

export const HAN = '\\p{Script=Han}';
const BETWEEN_HAN = new RegExp(`(?<=${HAN})\\s+(?=${HAN})`, 'gu');
// "五段 7 號 12 樓": numbers inside Chinese text are written without spaces too.
const HAN_AND_DIGIT = new RegExp(`(?<=${HAN})\\s+(?=\\d)|(?<=\\d)\\s+(?=${HAN})`, 'gu');
// Rules, bullets and frame edges that are read as characters at the ends of a line.
const EDGE_JUNK = /^[\s|_~=—–·•・,.;'"`]+|[\s|_~=—–·•・,;'"`]+$/gu;

/** A recognised line as the field rules read it. */
export function tidyLine(raw: string): string {
	return raw
		.normalize('NFKC')
		.replace(/\s+/g, ' ')
		.replace(BETWEEN_HAN, '')
		.replace(HAN_AND_DIGIT, '')
		.replace(EDGE_JUNK, '')
		.trim();
}

const ONLY_HAN = new RegExp(`^${HAN}+$`, 'u');
const HAN_CHARACTER = new RegExp(HAN, 'gu');

export function isHanOnly(text: string): boolean {
	return ONLY_HAN.test(text);
}

export function hanCount(text: string): number {
	return text.match(HAN_CHARACTER)?.length ?? 0;
}
