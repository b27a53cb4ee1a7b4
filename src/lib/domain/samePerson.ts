import { normalizeChannel, type Channel } from './card/card';

// One rule for "this is someone I already have", used when a card is kept, when a backup is
// restored and when People suggests a merge. People are recognised by what identifies them to
// others: a LINE ID, an e-mail address, a phone number or a social profile. A website is not
// one (colleagues share the company's) and neither is free text. Without a shared identity the
// same name at the same company decides it; a name alone does not (two 陳怡君 are common).

/** The parts of a card the rule reads; both a scanned card and a stored one fit. */
export interface PersonCard {
	name: string;
	altName?: string;
	company?: string;
	channels: readonly Channel[];
}

/** Anything that carries a card and may be a tombstone: a connection, a restored record. */
export interface SamePersonCandidate {
	card: PersonCard;
	deletedAt?: string;
}

/** Taiwan's country code: numbers written the local way (0912-345-678) are Taiwanese. */
const HOME_COUNTRY_CODE = '886';
// Case-insensitive profile handles; a LINE add-friend token (line.me/ti/p/AbC…) is not.
const CASE_INSENSITIVE_PROFILES = new Set<Channel['kind']>([
	'linkedin',
	'instagram',
	'facebook',
	'x'
]);

/**
 * A phone number in E.164 (`+886912345678`), or null when it is not one. Local Taiwanese numbers
 * (`0912-345-678`, `(02) 2345-6789`) gain +886 and lose the trunk 0; `00` is the international
 * prefix; a lone `0` after the country code (`+886 0912…`) is dropped as people often type it.
 */
export function phoneToE164(raw: string): string | null {
	const normal = normalizeChannel({ kind: 'phone', value: raw });
	if (normal === null) return null;
	const value = normal.value;
	let international: string;
	if (value.startsWith('+')) international = value.slice(1);
	else if (value.startsWith('00')) international = value.slice(2);
	else if (value.startsWith('0')) international = HOME_COUNTRY_CODE + value.slice(1);
	else if (value.startsWith(HOME_COUNTRY_CODE) && value.length >= 11) international = value;
	else return null;
	if (international.startsWith(`${HOME_COUNTRY_CODE}0`)) {
		international = HOME_COUNTRY_CODE + international.slice(HOME_COUNTRY_CODE.length + 1);
	}
	// E.164 allows at most 15 digits; fewer than 8 is an extension or a short code.
	return /^[1-9][0-9]{7,14}$/.test(international) ? `+${international}` : null;
}

/**
 * The identity a channel gives its owner, as `kind:value` in one canonical spelling, or null for
 * channels that do not identify one person (websites, free text, unusable values).
 */
export function channelIdentity(channel: Channel): string | null {
	const normal = normalizeChannel(channel);
	if (normal === null) return null;
	switch (normal.kind) {
		case 'phone': {
			const e164 = phoneToE164(normal.value);
			return e164 === null ? null : `phone:${e164}`;
		}
		case 'email':
			return `email:${normal.value.toLowerCase()}`;
		case 'line':
			return `line:${normal.value}`;
		case 'website':
		case 'other':
			return null;
		default:
			return `${normal.kind}:${
				CASE_INSENSITIVE_PROFILES.has(normal.kind) ? normal.value.toLowerCase() : normal.value
			}`;
	}
}

/** Every identity a card carries, without repeats. */
export function cardIdentities(card: PersonCard): Set<string> {
	const identities = new Set<string>();
	for (const channel of card.channels) {
		const identity = channelIdentity(channel);
		if (identity !== null) identities.add(identity);
	}
	return identities;
}

const fold = (text: string | undefined) =>
	(text ?? '').normalize('NFKC').replace(/\s+/g, ' ').trim().toLowerCase();

function namesOf(card: PersonCard): string[] {
	return [card.name, card.altName].map(fold).filter((name) => name !== '');
}

function sameNameAndCompany(a: PersonCard, b: PersonCard): boolean {
	const company = fold(a.company);
	if (company === '' || company !== fold(b.company)) return false;
	const names = namesOf(a);
	return namesOf(b).some((name) => names.includes(name));
}

function shareIdentity(a: PersonCard, b: PersonCard): boolean {
	const identities = cardIdentities(a);
	return [...cardIdentities(b)].some((identity) => identities.has(identity));
}

/**
 * Whether two cards are the same person: a shared identity (LINE ID, e-mail, phone, profile),
 * or one of their names (name or second name) at the same, named company.
 */
export function isSamePerson(a: PersonCard, b: PersonCard): boolean {
	return shareIdentity(a, b) || sameNameAndCompany(a, b);
}

/**
 * The person among `people` that `card` belongs to, or undefined. Tombstones are never matched.
 * A shared identity outranks a name match, and among equals the first in `people` wins.
 */
export function findSamePerson<T extends SamePersonCandidate>(
	card: PersonCard,
	people: readonly T[]
): T | undefined {
	const living = people.filter((person) => person.deletedAt === undefined);
	return (
		living.find((person) => shareIdentity(card, person.card)) ??
		living.find((person) => sameNameAndCompany(card, person.card))
	);
}
