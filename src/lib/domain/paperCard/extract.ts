import { joinColumns } from './layout';
import { hanCount, isHanOnly, tidyLine } from './ocrText';
import {
	ADDRESS_LABEL,
	EN_ADDRESS,
	EN_COMPANY,
	EN_DEPARTMENT,
	EN_TITLE,
	SURNAMES,
	ZH_ADDRESS,
	ZH_COMPANY,
	ZH_DEPARTMENT,
	ZH_TITLE
} from './lexicon';
import { phonesIn } from './phones';
import { emptyReading, type Box, type PaperCardReading, type RecognisedLine } from './recognised';

// From the lines a recogniser read on a card to the fields of the review form. Each line is
// read for what it can only be (an e-mail, a labelled phone, an address), then for what its
// words say (a company suffix, a job title, a department), and what is left may be a name: on a
// card, the name is the biggest short line. Chinese is preferred where a card has both; the
// English name becomes the second name.

/** Below this a recogniser's own confidence (0–100) makes a field worth a second look. */
export const UNSURE_BELOW = 75;

interface Line {
	text: string;
	confidence: number;
	box: Box;
	height: number;
}

type Script = 'zh' | 'en';

interface Candidate {
	value: string;
	script: Script;
	line: Line;
	/** A weak rule chose it (a name without a known surname, a title by position). */
	weak?: boolean;
}

const EMAIL = /[A-Za-z0-9._%+-]+\s?@\s?[A-Za-z0-9-]+(?:\s?\.\s?[A-Za-z0-9-]+)+/;
const WEBSITE =
	/(?:https?:\/\/)?(?:www\.)?[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:com|net|org|io|co|dev|app|ai|edu|gov|tw|biz|info|me|design|studio|tech)(?:\.[a-z]{2})?(?:\/[^\s]*)?/i;
const LINE_ID = /\bLINE\s*(?:ID)?\s*[:：]?\s*(@?[A-Za-z0-9._-]{2,40})/i;
const LABEL_PREFIX =
	/^(?:E-?mail|Email|E|Mail|信箱|電子郵件|Web(?:site)?|W|網站|網址|URL)\s*[:：]\s*/i;
const LATIN_NAME = /^[A-Z][A-Za-z'’.-]*(?:\s[A-Z][A-Za-z'’.-]*){1,3}$/;

function toLine(line: RecognisedLine): Line {
	return {
		text: tidyLine(line.text),
		confidence: line.confidence,
		box: line.box,
		height: Math.max(1, line.box.y1 - line.box.y0)
	};
}

/** Splits "王大明 David Wang" into its Chinese and its English run. */
function scriptRuns(text: string): { text: string; script: Script }[] {
	const runs = text.match(/[\p{Script=Han}]+|[A-Za-z][A-Za-z\s'’.,&()/-]*[A-Za-z.)]?/gu) ?? [];
	return runs
		.map((run) => run.trim())
		.filter((run) => run.length > 0)
		.map((run) => ({ text: run, script: /\p{Script=Han}/u.test(run) ? 'zh' : 'en' }));
}

const hasSurname = (name: string) => SURNAMES.some((surname) => name.startsWith(surname));
// A rule or a border is read as a run of one character ("一一").
const looksLikeZhName = (text: string) =>
	isHanOnly(text) && text.length >= 2 && text.length <= 4 && new Set(text).size > 1;

/** A name at the start of a department's line, or '' (three characters first, the usual length). */
function leadingName(text: string): string {
	for (const length of [3, 2, 4]) {
		const name = text.slice(0, length);
		const rest = text.slice(length);
		if (hasSurname(name) && looksLikeZhName(name) && rest.length >= 2 && ZH_DEPARTMENT.test(rest)) {
			return name;
		}
	}
	return '';
}

interface Found {
	names: Candidate[];
	titles: Candidate[];
	companies: Candidate[];
	departments: Candidate[];
	addresses: Candidate[];
	emails: Candidate[];
	websites: Candidate[];
	lines: Candidate[];
}

function readHan(text: string, line: Line, found: Found): void {
	const company = ZH_COMPANY.exec(text);
	if (company) {
		const end = (company.index ?? 0) + company[0].length;
		found.companies.push({ value: text.slice(0, end), script: 'zh', line });
		const rest = text.slice(end);
		if (rest) readHan(rest, line, found);
		return;
	}
	const title = ZH_TITLE.exec(text);
	if (title) {
		const rest = text.slice(0, title.index);
		if (rest === '') {
			found.titles.push({ value: title[0], script: 'zh', line });
		} else if (ZH_DEPARTMENT.test(rest)) {
			// "許文彥業務部經理": a name may come first on the line.
			const name = leadingName(rest);
			if (name) found.names.push({ value: name, script: 'zh', line });
			found.departments.push({ value: rest.slice(name.length), script: 'zh', line });
			found.titles.push({ value: title[0], script: 'zh', line });
		} else if (looksLikeZhName(rest) && hasSurname(rest)) {
			found.names.push({ value: rest, script: 'zh', line });
			found.titles.push({ value: title[0], script: 'zh', line });
		} else {
			found.titles.push({ value: text, script: 'zh', line });
		}
		return;
	}
	if (ZH_DEPARTMENT.test(text) && text.length >= 2 && text.length <= 12 && !looksLikeZhName(text)) {
		found.departments.push({ value: text, script: 'zh', line });
		return;
	}
	if (looksLikeZhName(text)) {
		found.names.push({ value: text, script: 'zh', line, weak: !hasSurname(text) });
	}
}

function readLatin(text: string, line: Line, found: Found): void {
	// A Chinese character misread as Latin leaves a stray capital or two before an English name
	// ("BF Ching Ouyang").
	const clean = text
		.replace(/[\s,|/]+$/, '')
		.replace(/^(?:[A-Z]{1,2}\s)+(?=[A-Z][a-z]+(?:[\s-][A-Z][a-z]+)+$)/, '');
	if (EN_COMPANY.test(clean)) {
		found.companies.push({ value: clean, script: 'en', line });
		return;
	}
	const parts = clean.split(/\s*[,|/]\s*/).filter(Boolean);
	const titleParts = parts.filter((part) => EN_TITLE.test(part) && !EN_DEPARTMENT.test(part));
	const departmentParts = parts.filter((part) => EN_DEPARTMENT.test(part));
	if (titleParts.length > 0) {
		found.titles.push({ value: titleParts.join(', '), script: 'en', line });
		if (departmentParts.length > 0) {
			found.departments.push({ value: departmentParts.join(', '), script: 'en', line });
		}
		return;
	}
	if (departmentParts.length > 0) {
		found.departments.push({ value: clean, script: 'en', line });
		return;
	}
	if (LATIN_NAME.test(clean) && clean.length <= 40) {
		found.names.push({ value: clean, script: 'en', line });
	}
}

function readLine(line: Line, found: Found, reading: PaperCardReading): void {
	let text = line.text;
	const email = EMAIL.exec(text);
	if (email) {
		found.emails.push({ value: email[0].replace(/\s/g, ''), script: 'en', line });
		text = text.replace(email[0], ' ');
	}
	const lineId = LINE_ID.exec(text);
	if (lineId?.[1]) {
		found.lines.push({ value: lineId[1], script: 'en', line });
		text = text.replace(lineId[0], ' ');
	}
	const website = WEBSITE.exec(text);
	if (website && !/^\d/.test(website[0])) {
		found.websites.push({ value: website[0], script: 'en', line });
		text = text.replace(website[0], ' ');
	}
	const phones = phonesIn(text);
	for (const phone of phones) {
		const field = phone.kind;
		if (reading[field].value) continue;
		reading[field] = { value: phone.e164, unsure: line.confidence < UNSURE_BELOW };
		if (phone.extension && field === 'office') {
			reading.officeExtension = { value: phone.extension, unsure: line.confidence < UNSURE_BELOW };
		}
	}
	if (email || phones.length > 0 || lineId || website) return;

	text = text.replace(LABEL_PREFIX, '').trim();
	const labelledAddress = ADDRESS_LABEL.test(text);
	const digits = /\d/.test(text);
	if (labelledAddress || (digits && (ZH_ADDRESS.test(text) || EN_ADDRESS.test(text)))) {
		const value = text.replace(ADDRESS_LABEL, '').trim();
		found.addresses.push({ value, script: hanCount(value) > 0 ? 'zh' : 'en', line });
		return;
	}
	if (digits || /@/.test(text)) return;
	for (const run of scriptRuns(text)) {
		if (run.script === 'zh') readHan(run.text, line, found);
		else readLatin(run.text, line, found);
	}
}

/** Chinese first where a card has both; among equals, the first on the card. */
function pick(candidates: Candidate[], by: (candidate: Candidate) => number = () => 0) {
	const zh = candidates.filter((candidate) => candidate.script === 'zh');
	const pool = zh.length > 0 ? zh : candidates;
	return pool.reduce<Candidate | undefined>(
		(best, candidate) => (best === undefined || by(candidate) > by(best) ? candidate : best),
		undefined
	);
}

function nameScore(candidate: Candidate, medianHeight: number): number {
	const size = candidate.line.height / medianHeight;
	const surname = candidate.script === 'zh' && hasSurname(candidate.value) ? 1 : 0;
	return size * 2 + surname + (candidate.weak ? -1 : 0);
}

const set = (reading: PaperCardReading, field: keyof PaperCardReading, candidate?: Candidate) => {
	if (!candidate) return;
	reading[field] = {
		value: candidate.value,
		unsure: candidate.weak === true || candidate.line.confidence < UNSURE_BELOW
	};
};

/** The fields of a card from what was recognised on it. */
export function extractPaperCard(recognised: readonly RecognisedLine[]): PaperCardReading {
	const reading = emptyReading();
	const lines = joinColumns(recognised.filter((line) => line.confidence > 20))
		.map(toLine)
		.filter((line) => line.text !== '');
	const found: Found = {
		names: [],
		titles: [],
		companies: [],
		departments: [],
		addresses: [],
		emails: [],
		websites: [],
		lines: []
	};
	for (const line of lines) readLine(line, found, reading);

	const heights = lines.map((line) => line.height).sort((a, b) => a - b);
	const medianHeight = heights[Math.floor(heights.length / 2)] ?? 1;
	const byName = (candidate: Candidate) => nameScore(candidate, medianHeight);
	const zhName = pick(
		found.names.filter((name) => name.script === 'zh'),
		byName
	);
	const enName = pick(
		found.names.filter((name) => name.script === 'en'),
		byName
	);
	set(reading, 'name', zhName ?? enName);
	if (zhName) set(reading, 'altName', enName);

	const bySize = (candidate: Candidate) => candidate.line.height;
	set(reading, 'company', pick(found.companies, bySize));
	set(reading, 'title', pick(found.titles));
	set(reading, 'department', pick(found.departments));
	set(reading, 'email', found.emails[0]);
	set(reading, 'line', found.lines[0]);
	const website = found.websites[0];
	if (website) set(reading, 'website', { ...website, value: withScheme(website.value) });
	set(reading, 'address', pick(joinAddressLines(found.addresses)));
	return reading;
}

function withScheme(url: string): string {
	return /^https?:\/\//i.test(url) ? url : `https://${url}`;
}

/** An English address often wraps onto a second line: lines read one after another join. */
function joinAddressLines(addresses: Candidate[]): Candidate[] {
	const joined: Candidate[] = [];
	for (const address of addresses) {
		const previous = joined.at(-1);
		if (
			previous &&
			previous.script === 'en' &&
			address.script === 'en' &&
			address.line.box.y0 - previous.line.box.y1 < previous.line.height
		) {
			joined[joined.length - 1] = {
				...previous,
				value: `${previous.value.replace(/,?\s*$/, '')}, ${address.value}`
			};
		} else {
			joined.push(address);
		}
	}
	return joined;
}

/**
 * Nothing a card is for was read: no way to reach them, no company, and at most a name the
 * app doubts (a sign or a slogan has short lines too).
 */
export function isEmptyReading(reading: PaperCardReading): boolean {
	const reached = (['company', 'mobile', 'office', 'email', 'line', 'website'] as const).some(
		(field) => reading[field].value !== ''
	);
	return !reached && (reading.name.value === '' || reading.name.unsure);
}
