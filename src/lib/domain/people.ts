import type { Connection, FollowUp, StoredCard } from './records';
import { channelIdentity } from './samePerson';

function safeDecode(segment: string): string {
	try {
		return decodeURIComponent(segment);
	} catch {
		return segment;
	}
}

/**
 * A handle someone goes by, read from their channels: a LINE ID, an Instagram, X or LinkedIn
 * handle, or an e-mail address. Offered as the name of someone scanned from a bare profile link.
 */
export function handleOf(card: Pick<StoredCard, 'channels'>): string {
	for (const { kind, value } of card.channels) {
		if (kind === 'line' && !value.startsWith('https://')) return value;
		if (kind === 'instagram' || kind === 'x' || kind === 'linkedin') {
			const handle = safeDecode(value.split('/').pop() ?? '').replace(/^@/, '');
			if (handle) return handle;
		}
		if (kind === 'email') return value;
	}
	return '';
}

/**
 * The name to show for someone: their name, else the second name, else a handle; '' only when
 * the card holds none of these (an old record saved before every person had to have a name).
 */
export function personName(card: Pick<StoredCard, 'name' | 'altName' | 'channels'>): string {
	return card.name.trim() || card.altName?.trim() || handleOf(card);
}

/** A channel's identity, or for a website or free text its kind and exact value. */
function channelKey(channel: StoredCard['channels'][number]): string {
	return channelIdentity(channel) ?? `${channel.kind}:${channel.value}`;
}

/** Fields from a fresh scan win; channels are united, each identity once, so nothing is lost. */
export function mergeCards(previous: StoredCard, next: StoredCard): StoredCard {
	const seen = new Set<string>();
	const channels = [...next.channels, ...previous.channels].filter((channel) => {
		const key = channelKey(channel);
		if (seen.has(key)) return false;
		seen.add(key);
		return true;
	});
	return {
		...previous,
		...Object.fromEntries(
			Object.entries(next).filter(([, value]) => value !== undefined && value !== '')
		),
		channels
	};
}

/** Two notes written at different times, each kept once, older first. */
export function joinNotes(
	first: string | undefined,
	second: string | undefined
): string | undefined {
	const parts = [first?.trim(), second?.trim()].filter((part): part is string => Boolean(part));
	return [...new Set(parts)].join('\n\n') || undefined;
}

/** Records written together: a merge, or what it replaced. */
export interface MergeChange {
	connections: Connection[];
	followUps: FollowUp[];
}

const isOpen = (followUp: FollowUp) =>
	followUp.status === 'pending' || followUp.status === 'snoozed';
const laterOf = (a: string | undefined, b: string | undefined) =>
	a === undefined ? b : b === undefined ? a : Date.parse(a) >= Date.parse(b) ? a : b;

/**
 * Folds `other` into `keep`: `keep`'s fields win, channels are united, notes joined, the
 * earliest meeting (and its event) kept. `other` becomes a tombstone so sync carries the merge.
 * Follow-ups stay one per kind and cycle: `other`'s move over where `keep` has none; where both
 * have one, `keep`'s stays and takes `other`'s outcome if only that one was already dealt with.
 * `after` is what to write, `before` the same records as they were, for undo.
 */
export function mergePeople(
	keep: Connection,
	other: Connection,
	keepFollowUps: FollowUp[],
	otherFollowUps: FollowUp[],
	at: string
): { after: MergeChange; before: MergeChange } {
	const [earlier, later] =
		Date.parse(other.metAt) < Date.parse(keep.metAt) ? [other, keep] : [keep, other];
	const eventId = earlier.eventId ?? later.eventId;
	const talkPhrase = keep.talkPhrase ?? other.talkPhrase;
	const promptText = keep.promptText ?? other.promptText;
	const note = joinNotes(earlier.note, later.note);
	const lastContactedAt = laterOf(keep.lastContactedAt, other.lastContactedAt);
	const merged: Connection = {
		id: keep.id,
		card: mergeCards(other.card, keep.card),
		metAt: earlier.metAt,
		...(eventId ? { eventId } : {}),
		...(note ? { note } : {}),
		...(talkPhrase ? { talkPhrase } : {}),
		...(promptText ? { promptText } : {}),
		tags: [...new Set([...keep.tags, ...other.tags])],
		tier: keep.tier === 'none' ? other.tier : keep.tier,
		...(lastContactedAt ? { lastContactedAt } : {}),
		source: keep.source,
		updatedAt: at
	};
	const tombstone: Connection = { ...other, deletedAt: at, updatedAt: at };

	const keepByKey = new Map(
		keepFollowUps.map((followUp) => [`${followUp.kind}:${followUp.cycle}`, followUp])
	);
	const changed: { before: FollowUp; after: FollowUp }[] = [];
	for (const theirs of otherFollowUps) {
		const mine = keepByKey.get(`${theirs.kind}:${theirs.cycle}`);
		if (mine === undefined) {
			changed.push({ before: theirs, after: { ...theirs, connectionId: keep.id, updatedAt: at } });
		} else if (isOpen(mine) && !isOpen(theirs)) {
			changed.push({
				before: mine,
				after: {
					id: mine.id,
					connectionId: mine.connectionId,
					kind: mine.kind,
					cycle: mine.cycle,
					dueAt: mine.dueAt,
					status: theirs.status,
					...(theirs.doneAt ? { doneAt: theirs.doneAt } : {}),
					updatedAt: at
				}
			});
		}
	}
	return {
		after: { connections: [merged, tombstone], followUps: changed.map(({ after }) => after) },
		before: { connections: [keep, other], followUps: changed.map(({ before }) => before) }
	};
}

/** The same records stamped as changed at `at`, so they win over what they replace everywhere. */
export function restamp(change: MergeChange, at: string): MergeChange {
	return {
		connections: change.connections.map((connection) => ({ ...connection, updatedAt: at })),
		followUps: change.followUps.map((followUp) => ({ ...followUp, updatedAt: at }))
	};
}
