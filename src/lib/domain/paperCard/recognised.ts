// What the recogniser hands the extraction: lines of text with where they sit on the card and
// how sure it was of them. The OCR layer fills this in; nothing here knows which engine it was.

/** A rectangle in the pixels of the recognised image, top-left (x0, y0) to bottom-right. */
export interface Box {
	x0: number;
	y0: number;
	x1: number;
	y1: number;
}

export interface RecognisedLine {
	text: string;
	/** 0–100, as recognisers report it. */
	confidence: number;
	box: Box;
}

export const paperCardFields = [
	'name',
	'altName',
	'title',
	'company',
	'department',
	'mobile',
	'office',
	'officeExtension',
	'fax',
	'email',
	'website',
	'line',
	'address'
] as const;
export type PaperCardField = (typeof paperCardFields)[number];

/** One field of the review form: what was read, and whether the app doubts it. */
export interface FieldReading {
	value: string;
	unsure: boolean;
}

export type PaperCardReading = Record<PaperCardField, FieldReading>;

export function emptyReading(): PaperCardReading {
	return Object.fromEntries(
		paperCardFields.map((field) => [field, { value: '', unsure: false }])
	) as PaperCardReading;
}
