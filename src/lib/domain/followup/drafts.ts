import { isSafeUrl, normalizeChannel, safeHref, type Channel } from '../card';

/** The kinds of follow-up message offered: each answers a different "what do I even say?". */
export const draftKinds = ['thanks', 'value', 'meet'] as const;
export type DraftKind = (typeof draftKinds)[number];

/**
 * Already-translated message templates, as functions of their parameters (Paraglide's message
 * functions fit as they are). The draft is built from parts so that a missing event, note or
 * name of one's own simply leaves a sentence out instead of needing a template per combination.
 */
export interface DraftTemplates {
	greeting: (params: { name: string }) => string;
	metAtEvent: (params: { event: string }) => string;
	met: () => string;
	note: (params: { note: string }) => string;
	body: Record<DraftKind, () => string>;
	subject: Record<DraftKind, () => string>;
	subjectWithEvent: (params: { subject: string; event: string }) => string;
	signoff: (params: { me: string }) => string;
}

export interface DraftInput {
	name: string;
	eventName?: string;
	note?: string;
	/** The user's own name, from their card, to sign with. */
	myName?: string;
}

export interface Draft {
	subject: string;
	text: string;
}

/** A long note would swamp a short message, so only its start is quoted. */
export const DRAFT_NOTE_MAX = 80;

function shorten(note: string): string {
	const oneLine = note.replace(/\s+/g, ' ').trim();
	const chars = [...oneLine];
	return chars.length <= DRAFT_NOTE_MAX
		? oneLine
		: `${chars.slice(0, DRAFT_NOTE_MAX - 1).join('')}…`;
}

export function buildDraft(kind: DraftKind, input: DraftInput, templates: DraftTemplates): Draft {
	const event = input.eventName?.trim();
	const note = input.note?.trim();
	const me = input.myName?.trim();
	const opening = [
		templates.greeting({ name: input.name.trim() }),
		event ? templates.metAtEvent({ event }) : templates.met(),
		...(note ? [templates.note({ note: shorten(note) })] : [])
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
