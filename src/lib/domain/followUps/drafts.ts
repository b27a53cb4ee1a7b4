import { isSafeUrl, normalizeChannel, safeHref, type Channel } from '../card';

/** The kinds of follow-up message offered: each answers a different "what do I even say?". */
export const draftKinds = ['thanks', 'value', 'meet'] as const;
export type DraftKind = (typeof draftKinds)[number];

/**
 * Already-translated message templates, as functions of their parameters (Paraglide's message
 * functions fit as they are). The draft is built from parts so that a missing event, talk
 * phrase or name simply leaves a sentence out instead of needing a template per combination.
 */
export interface DraftTemplates {
	greeting: (params: { name: string }) => string;
	greetingNoName: () => string;
	metAtEvent: (params: { event: string }) => string;
	met: () => string;
	talk: (params: { phrase: string }) => string;
	body: Record<DraftKind, () => string>;
	subject: Record<DraftKind, () => string>;
	subjectWithEvent: (params: { subject: string; event: string }) => string;
	signoff: (params: { me: string }) => string;
}

/** A person's names as their card holds them: `altName` is the second name, in another script. */
export interface DraftName {
	name: string;
	altName?: string;
}

/**
 * What a draft may say. There is deliberately no note here: the private note is written about
 * the person and never reaches them; only the talk phrase, written to be shared, is cited.
 */
export interface DraftInput {
	recipient: DraftName;
	/** The language the draft is written in, which decides the name it greets by. */
	language: DraftLanguage;
	eventName?: string;
	talkPhrase?: string;
	/** The user's own card, to sign with. */
	me?: DraftName;
}

export type DraftLanguage = 'zh-TW' | 'en';

export interface Draft {
	subject: string;
	text: string;
}

const HAN = /\p{Script=Han}/u;
const LATIN = /\p{Script=Latin}/u;

/**
 * The name a reader of `language` knows this person by: in English the Latin-script one (the
 * second name "Amy Chen" on a card named 陳怡君), in Chinese the one written in Chinese; the
 * card's name when neither fits, and '' when the card has none.
 */
export function nameFor(person: DraftName, language: DraftLanguage): string {
	const names = [person.name, person.altName ?? ''].map((name) => name.trim()).filter(Boolean);
	const fits =
		language === 'en'
			? (name: string) => LATIN.test(name) && !HAN.test(name)
			: (name: string) => HAN.test(name);
	return names.find(fits) ?? names[0] ?? '';
}

/**
 * How the draft greets them: an English draft by the given name ("Hi Amy," for Amy Chen, as
 * Latin names put it first), a Chinese one by the whole Chinese name (陳怡君，你好！).
 */
export function greetingName(person: DraftName, language: DraftLanguage): string {
	const name = nameFor(person, language);
	if (language !== 'en' || HAN.test(name)) return name;
	return name.split(' ')[0] ?? name;
}

/** A talk phrase is a few words cited mid-sentence: one line, no closing full stop. */
function tidyPhrase(phrase: string): string {
	return phrase
		.replace(/\s+/g, ' ')
		.trim()
		.replace(/[。.!！]+$/u, '');
}

export function buildDraft(kind: DraftKind, input: DraftInput, templates: DraftTemplates): Draft {
	const event = input.eventName?.trim();
	const phrase = tidyPhrase(input.talkPhrase ?? '');
	const name = greetingName(input.recipient, input.language);
	const me = input.me ? nameFor(input.me, input.language) : '';
	const opening = [
		name ? templates.greeting({ name }) : templates.greetingNoName(),
		event ? templates.metAtEvent({ event }) : templates.met(),
		...(phrase ? [templates.talk({ phrase })] : [])
	];
	const text = [
		opening.join('\n'),
		templates.body[kind](),
		...(me ? [templates.signoff({ me })] : [])
	].join('\n\n');
	const subject = templates.subject[kind]();
	return {
		subject: event ? templates.subjectWithEvent({ subject, event }) : subject,
		text
	};
}

export const draftChannels = ['line', 'email', 'sms', 'phone', 'linkedin'] as const;
export type DraftChannel = (typeof draftChannels)[number];

export interface DraftLink {
	channel: DraftChannel;
	href: string;
}

// encodeURIComponent, not URLSearchParams: mail and SMS apps read "+" literally, not as a space.
const query = (params: Record<string, string>) =>
	Object.entries(params)
		.map(([key, value]) => `${key}=${encodeURIComponent(value)}`)
		.join('&');

function linkFor(channel: DraftChannel, shared: Channel, draft: Draft): string | null {
	if (channel === 'line') {
		// The share link opens LINE with the text ready and lets the person pick the chat; LINE has
		// no link that both addresses someone by ID and carries a message.
		return `https://line.me/R/msg/text/?${encodeURIComponent(draft.text)}`;
	}
	if (channel === 'linkedin' || channel === 'phone') return safeHref(shared);
	const normal = normalizeChannel(shared);
	if (normal === null) return null;
	return channel === 'email'
		? `mailto:${normal.value}?${query({ subject: draft.subject, body: draft.text })}`
		: `sms:${normal.value}?${query({ body: draft.text })}`;
}

const offeredBy: Partial<Record<Channel['kind'], DraftChannel[]>> = {
	line: ['line'],
	email: ['email'],
	phone: ['sms', 'phone'],
	linkedin: ['linkedin']
};

/**
 * One link per way to send the draft, only for channels this person shared (the first of each
 * kind), LINE first as it is how most people in Taiwan keep in touch. Channels come from scanned cards, so each is canonicalised
 * by the card codec and every link is checked against its allow-list of schemes; a channel that
 * fails either is left out rather than linked.
 */
export function draftLinks(channels: readonly Channel[], draft: Draft): DraftLink[] {
	const links: DraftLink[] = [];
	const seen = new Set<DraftChannel>();
	for (const shared of channels) {
		for (const channel of offeredBy[shared.kind] ?? []) {
			if (seen.has(channel) || (channel === 'line' && normalizeChannel(shared) === null)) continue;
			const href = linkFor(channel, shared, draft);
			if (href === null || !isSafeUrl(href)) continue;
			seen.add(channel);
			links.push({ channel, href });
		}
	}
	return links.sort((a, b) => draftChannels.indexOf(a.channel) - draftChannels.indexOf(b.channel));
}
