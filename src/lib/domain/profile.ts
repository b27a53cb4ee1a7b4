import * as z from 'zod/mini';
import { cardSchema } from './card/schema';
import { channelKinds, LABEL_MAX, normalizeChannel, type Card, type ChannelKind } from './card';
import { cleanText } from './card/text';
import { PROFILE_FIELD_MAX, shareableFields, type Profile } from './records';

// The card editor's model. What is typed is kept as typed (a draft), so a failed validation
// never rewrites or drops anything; only a valid draft becomes the stored profile.

export type ShareableField = (typeof shareableFields)[number];
export type TextField = 'name' | ShareableField;

export interface DraftChannel {
	/** Stable across reorders, so the focused row and its errors move with it. */
	id: string;
	kind: ChannelKind;
	value: string;
	label: string;
	shared: boolean;
}

export interface CardDraft {
	name: string;
	altName: string;
	title: string;
	company: string;
	hidden: ShareableField[];
	channels: DraftChannel[];
}

/** A draft read back from storage is untrusted like any record: this is its shape. */
export const cardDraftSchema = z.object({
	name: z.string(),
	altName: z.string(),
	title: z.string(),
	company: z.string(),
	hidden: z.array(z.enum(shareableFields)),
	channels: z.array(
		z.object({
			id: z.string(),
			kind: z.enum(channelKinds),
			value: z.string(),
			label: z.string(),
			shared: z.boolean()
		})
	)
});

/** The most channels a card carries (the codec's cap). */
export const DRAFT_CHANNELS_MAX = 20;
/** The longest value a channel field accepts as typed (the stored cap). */
export const CHANNEL_VALUE_MAX = 300;

export type FieldError = { code: 'required' } | { code: 'too_long'; max: number };
export type ChannelError =
	| { field: 'value'; code: 'required' | `invalid_${ChannelKind}` }
	| { field: 'value' | 'label'; code: 'too_long'; max: number }
	| { field: 'label'; code: 'label_required' };

export interface CardErrors {
	fields: Partial<Record<TextField, FieldError>>;
	/** By channel id. */
	channels: Record<string, ChannelError>;
}

export type DraftResult =
	{ ok: true; profile: Omit<Profile, 'updatedAt'> } | { ok: false; errors: CardErrors };

export type NewId = () => string;
const randomId: NewId = () => crypto.randomUUID();

export function emptyDraft(): CardDraft {
	return { name: '', altName: '', title: '', company: '', hidden: [], channels: [] };
}

export function draftFromProfile(profile: Profile | null, newId: NewId = randomId): CardDraft {
	if (!profile) return emptyDraft();
	return {
		name: profile.name,
		altName: profile.altName ?? '',
		title: profile.title ?? '',
		company: profile.company ?? '',
		hidden: [...profile.hidden],
		channels: profile.channels.map((channel) => ({
			id: newId(),
			kind: channel.kind,
			value: channel.value,
			label: channel.label ?? '',
			shared: channel.shared
		}))
	};
}

export function newChannel(kind: ChannelKind, newId: NewId = randomId): DraftChannel {
	return { id: newId(), kind, value: '', label: '', shared: true };
}

/** The list with the channel at `index` moved by `delta` places; unchanged at either end. */
export function moveChannel<T>(channels: readonly T[], index: number, delta: -1 | 1): T[] {
	const target = index + delta;
	const moved = [...channels];
	const item = moved[index];
	if (item === undefined || target < 0 || target >= moved.length) return moved;
	moved.splice(index, 1);
	moved.splice(target, 0, item);
	return moved;
}

function textError(raw: string, field: TextField): FieldError | null {
	const max = PROFILE_FIELD_MAX[field];
	const trimmed = raw.trim();
	if (field === 'name' && cleanText(raw, max) === '') return { code: 'required' };
	return trimmed.length > max ? { code: 'too_long', max } : null;
}

type CheckedChannel = { ok: true; channel: Profile['channels'][number] } | ChannelError;

function checkChannel(channel: DraftChannel): CheckedChannel {
	const label = channel.label.trim();
	if (label.length > LABEL_MAX) return { field: 'label', code: 'too_long', max: LABEL_MAX };
	if (channel.value.trim() === '') return { field: 'value', code: 'required' };
	if (channel.value.trim().length > CHANNEL_VALUE_MAX) {
		return { field: 'value', code: 'too_long', max: CHANNEL_VALUE_MAX };
	}
	if (channel.kind === 'other' && cleanText(label, LABEL_MAX) === '') {
		return { field: 'label', code: 'label_required' };
	}
	const normal = normalizeChannel({
		kind: channel.kind,
		value: channel.value,
		...(label ? { label } : {})
	});
	if (normal === null) return { field: 'value', code: `invalid_${channel.kind}` };
	// A website typed as a LinkedIn profile link is kept as LinkedIn: the codec's canonical kind.
	return { ok: true, channel: { ...normal, shared: channel.shared } };
}

/**
 * The profile a draft stands for, or every problem with it as codes the UI translates. Uses the
 * card codec's rules, so anything saved here also encodes into a QR link.
 */
export function validateCardDraft(draft: CardDraft): DraftResult {
	const errors: CardErrors = { fields: {}, channels: {} };
	for (const field of ['name', ...shareableFields] as const) {
		const error = textError(draft[field], field);
		if (error) errors.fields[field] = error;
	}
	const channels: Profile['channels'] = [];
	for (const channel of draft.channels.slice(0, DRAFT_CHANNELS_MAX)) {
		const checked = checkChannel(channel);
		if ('ok' in checked) channels.push(checked.channel);
		else errors.channels[channel.id] = checked;
	}
	if (Object.keys(errors.fields).length > 0 || Object.keys(errors.channels).length > 0) {
		return { ok: false, errors };
	}

	const text = (field: TextField) => cleanText(draft[field], PROFILE_FIELD_MAX[field]);
	const optional = (field: ShareableField) => (text(field) ? { [field]: text(field) } : {});
	const profile: Omit<Profile, 'updatedAt'> = {
		name: text('name'),
		...optional('altName'),
		...optional('title'),
		...optional('company'),
		hidden: shareableFields.filter((field) => draft.hidden.includes(field)),
		channels
	};
	// The codec's own schema has the last word, so a card saved here always encodes.
	if (!cardSchema.safeParse(cardOf(profile, () => true)).success) {
		return { ok: false, errors: { fields: { name: { code: 'required' } }, channels: {} } };
	}
	return { ok: true, profile };
}

function cardOf(
	profile: Omit<Profile, 'updatedAt'>,
	isShared: (field: ShareableField | Profile['channels'][number]) => boolean
): Card {
	const optional = (field: ShareableField) => {
		const value = profile[field];
		return value && isShared(field) ? { [field]: value } : {};
	};
	return {
		name: profile.name,
		...optional('altName'),
		...optional('title'),
		...optional('company'),
		channels: profile.channels
			.filter((channel) => isShared(channel))
			.map(({ kind, value, label }) => ({ kind, value, ...(label ? { label } : {}) }))
	};
}

/** What the QR and the card page carry: the name, and only the fields switched to shared. */
export function sharedCard(profile: Omit<Profile, 'updatedAt'>): Card {
	return cardOf(profile, (field) =>
		typeof field === 'string' ? !profile.hidden.includes(field) : field.shared
	);
}

/** Whether two drafts hold the same typing (the ids of channels aside). */
export function sameDraft(a: CardDraft, b: CardDraft): boolean {
	const strip = (draft: CardDraft) =>
		JSON.stringify({
			...draft,
			channels: draft.channels.map(({ kind, value, label, shared }) => [kind, value, label, shared])
		});
	return strip(a) === strip(b);
}
