import { phoneToE164 } from '../samePerson';

// The phone numbers of one recognised line, each with what its label says it is. A line may
// hold several ("T 02-2345-6789  F 02-2345-6790"), with or without labels between them.

export type PhoneKind = 'mobile' | 'office' | 'fax';

export interface FoundPhone {
	kind: PhoneKind;
	/** Whether a label said so, rather than the shape of the number. */
	labelled: boolean;
	e164: string;
	extension: string;
}

// Digit runs joined by one separator each; "(02)" and "+886" open a number.
const NUMBER = /(?:\+\s?\d{1,3}[\s.-]*|\(\d{2,4}\)\s?)?\d+(?:[\s.-]{1,3}\d+)*/g;
const EXTENSION = /^\s*(?:分機|轉|ext\b\.?|x|#)\s*[:：.]?\s*(\d{1,6})/i;

const FAX = /傳真|fax|(?:^|[^a-z])f\s*[.:：]?\s*$/i;
const MOBILE = /手機|行動|mobile|mob\b|cell|(?:^|[^a-z])m\s*[.:：]?\s*$/i;
const OFFICE = /電話|總機|專線|直撥|tel|phone|office|(?:^|[^a-z])[tpo]\s*[.:：]?\s*$/i;

function kindOfLabel(label: string): PhoneKind | null {
	if (FAX.test(label)) return 'fax';
	if (MOBILE.test(label)) return 'mobile';
	if (OFFICE.test(label)) return 'office';
	return null;
}

const isMobileNumber = (e164: string) => /^\+8869\d{8}$/.test(e164);

/** How many digits a number may have, by how it starts: +886 numbers are 12, local ones 9–10. */
function maxDigits(start: string): number {
	const digits = start.replace(/\D/g, '');
	if (!start.startsWith('+')) return 10;
	// "+886 0912 …": the trunk 0 people write after the country code does not count.
	if (digits.startsWith('886')) return digits.startsWith('8860') ? 13 : 12;
	return 15;
}

/**
 * Cuts a run like "02 2345 6789 0912 345 678" (no label between) into numbers: groups are
 * added while the number can still grow.
 */
function splitRun(run: string): { text: string; offset: number }[] {
	const groups = [...run.matchAll(/(?:\+\s?\d{1,3}|\(\d{2,4}\)|\d+)/g)];
	const numbers: { text: string; offset: number }[] = [];
	let start = -1;
	let end = 0;
	let digits = 0;
	for (const group of groups) {
		const index = group.index ?? 0;
		const count = group[0].replace(/\D/g, '').length;
		const limit = start < 0 ? 0 : maxDigits(run.slice(start, end));
		if (start >= 0 && digits + count > limit) {
			numbers.push({ text: run.slice(start, end), offset: start });
			start = -1;
		}
		if (start < 0) {
			start = index;
			digits = 0;
		}
		digits += count;
		end = index + group[0].length;
	}
	if (start >= 0) numbers.push({ text: run.slice(start, end), offset: start });
	return numbers;
}

export function phonesIn(line: string): FoundPhone[] {
	const found: FoundPhone[] = [];
	let labelStart = 0;
	// "+886 (0)2 …": blanked to spaces of the same length, so offsets stay those of the line.
	const text = line.replace(/\(0\)/g, '   ');
	for (const match of text.matchAll(NUMBER)) {
		const runStart = match.index ?? 0;
		for (const part of splitRun(match[0])) {
			const start = runStart + part.offset;
			// A colon or a bar after a label is often read as a 1 ("電話 107-352-6732"), and no
			// Taiwanese number starts with 10.
			const e164 =
				phoneToE164(part.text) ?? (/^10/.test(part.text) ? phoneToE164(part.text.slice(1)) : null);
			const digits = part.text.replace(/\D/g, '').length;
			if (e164 === null || digits < 8) continue;
			const after = text.slice(start + part.text.length);
			const extension = EXTENSION.exec(after)?.[1] ?? '';
			const labelKind = kindOfLabel(text.slice(labelStart, start));
			found.push({
				kind: labelKind ?? (isMobileNumber(e164) ? 'mobile' : 'office'),
				labelled: labelKind !== null,
				e164,
				extension
			});
			labelStart = start + part.text.length;
		}
	}
	return found;
}
