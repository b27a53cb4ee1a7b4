import { LABEL_MAX, normalizeChannel, type Channel, type ChannelKind } from './card';

// What a person's edit form takes as typed: tags on one line, contact details row by row.

export const TAG_MAX = 50;

/** Tags typed as one line: split on commas (either width) and 、, trimmed, without repeats. */
export function parseTags(text: string): string[] {
	const tags = text
		.split(/[,，、]/)
		.map((tag) => tag.trim().slice(0, TAG_MAX))
		.filter(Boolean);
	return [...new Set(tags)];
}

export interface ChannelDraft {
	kind: ChannelKind;
	value: string;
	label: string;
}

/** Which part of a typed channel is wrong: the value for its kind, or the label's length. */
export type ChannelProblem = 'value' | 'label';

export type ChannelCheck =
	{ ok: true; channels: Channel[] } | { ok: false; problems: (ChannelProblem | null)[] };

/**
 * Checks typed channels with the card codec and returns them canonical (a phone as digits, a
 * profile as its https link). A row left completely empty is dropped rather than refused.
 */
export function checkChannels(drafts: ChannelDraft[]): ChannelCheck {
	const problems: (ChannelProblem | null)[] = [];
	const channels: Channel[] = [];
	for (const draft of drafts) {
		const value = draft.value.trim();
		const label = draft.label.trim();
		if (!value && !label) {
			problems.push(null);
			continue;
		}
		if (label.length > LABEL_MAX) {
			problems.push('label');
			continue;
		}
		const channel = normalizeChannel({ kind: draft.kind, value, ...(label ? { label } : {}) });
		// A website that is really a LinkedIn profile becomes one; any other change of kind is not
		// what the person asked for.
		if (channel === null || (channel.kind !== draft.kind && draft.kind !== 'website')) {
			problems.push('value');
			continue;
		}
		problems.push(null);
		channels.push(channel);
	}
	return problems.some(Boolean) ? { ok: false, problems } : { ok: true, channels };
}

export const toDrafts = (channels: Channel[]): ChannelDraft[] =>
	channels.map((channel) => ({
		kind: channel.kind,
		value: channel.value,
		label: channel.label ?? ''
	}));

/** The current instant as stored (kept out of the rune module, where a Date reads as state). */
export const nowIso = (): string => new Date().toISOString();
