// Chinese and Japanese names are written family name first with no space (陳怡君 = 陳 + 怡君);
// Latin names given name first (Amy Chen = Amy + Chen). Contacts apps sort and greet by the
// structured name, so both directions matter.

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;
const ONLY_HAN = /^[\p{Script=Han}·・]+$/u;

// Two-character family names that occur in Taiwan (traditional and simplified spellings).
const COMPOUND_FAMILY_NAMES = new Set([
	'歐陽',
	'欧阳',
	'司馬',
	'司马',
	'上官',
	'諸葛',
	'诸葛',
	'東方',
	'东方',
	'皇甫',
	'尉遲',
	'尉迟',
	'公孫',
	'公孙',
	'慕容',
	'令狐',
	'夏侯',
	'司徒',
	'張簡',
	'张简',
	'范姜',
	'長孫',
	'长孙',
	'端木',
	'鍾離',
	'钟离'
]);

/** A display name from structured parts, in the order the script calls for. */
export function joinName(family: string, given: string): string {
	if (CJK.test(family) || CJK.test(given)) return `${family}${given}`;
	return [given, family].filter(Boolean).join(' ');
}

/** [family, given] for a vCard N; a name it cannot split goes whole into the given name. */
export function splitName(name: string): [family: string, given: string] {
	const characters = Array.from(name);
	if (ONLY_HAN.test(name) && characters.length >= 2) {
		const compound =
			characters.length >= 3 && COMPOUND_FAMILY_NAMES.has(characters.slice(0, 2).join(''));
		const familyLength = compound ? 2 : 1;
		return [characters.slice(0, familyLength).join(''), characters.slice(familyLength).join('')];
	}
	const words = name.split(' ');
	if (words.length >= 2 && !CJK.test(name)) {
		return [words[words.length - 1] ?? '', words.slice(0, -1).join(' ')];
	}
	return ['', name];
}
