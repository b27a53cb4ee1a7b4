import type { Connection } from '../records';
import { isNewer } from './rows';

// Two devices edit one person offline: one adds a note, the other a tag. Both edits survive,
// because the personal fields merge one by one on their own edit times (docs/sync.md); every
// other field follows the whole row's last writer, exactly as the server merges them.

export const mergedFields = ['note', 'talkPhrase', 'tags', 'tier'] as const;
export type MergedField = (typeof mergedFields)[number];
/** The free-text fields a person would miss: when theirs loses, the device keeps it in view. */
export const textFields = ['note', 'talkPhrase'] as const;
export type TextField = (typeof textFields)[number];

export interface LostText {
	field: TextField;
	text: string;
}

type Fields = Record<string, unknown>;

const fieldTime = (record: Connection, field: MergedField): string =>
	record.fieldUpdatedAt?.[field] ?? record.updatedAt;

const later = (a: string, b: string) => (isNewer(a, b) ? a : b);

/**
 * Stamps the personal fields that differ between `before` and `after` with `after.updatedAt`.
 * Every save of a connection goes through this, so the merge knows which edit is whose. A new
 * connection needs no stamps: a field without one counts as edited at the row's time.
 */
export function stampEditedFields(before: Connection | null, after: Connection): Connection {
	if (!before) return after;
	const previous = before as unknown as Fields;
	const next = after as unknown as Fields;
	const times: NonNullable<Connection['fieldUpdatedAt']> = {};
	for (const field of mergedFields) {
		// An unchanged field keeps the time it had, which without a stamp was its row's: left
		// out, it would count as edited now and beat another device's real edit.
		times[field] =
			JSON.stringify(previous[field]) === JSON.stringify(next[field])
				? (after.fieldUpdatedAt?.[field] ?? fieldTime(before, field))
				: after.updatedAt;
	}
	return { ...after, fieldUpdatedAt: times };
}

/**
 * `local` (an edit not yet on the server) merged with `incoming` (the server's row): each
 * personal field from whichever side edited it later, the rest from the later row (a tie keeps
 * the local side, which is still to be pushed). `lost` names local text that gave way to a
 * different text.
 */
export function mergeConnection(
	local: Connection,
	incoming: Connection
): { record: Connection; lost: LostText[] } {
	const rowWinner = isNewer(incoming.updatedAt, local.updatedAt) ? incoming : local;
	const merged = { ...rowWinner } as unknown as Fields;
	const times: NonNullable<Connection['fieldUpdatedAt']> = {};
	const lost: LostText[] = [];
	for (const field of mergedFields) {
		const incomingWins = isNewer(fieldTime(incoming, field), fieldTime(local, field));
		const value = ((incomingWins ? incoming : local) as unknown as Fields)[field];
		if (value === undefined) delete merged[field];
		else merged[field] = value;
		times[field] = later(fieldTime(incoming, field), fieldTime(local, field));
	}
	for (const field of textFields) {
		const mine = (local as unknown as Fields)[field];
		if (typeof mine === 'string' && mine !== '' && mine !== merged[field]) {
			lost.push({ field, text: mine });
		}
	}
	return {
		record: {
			...(merged as unknown as Connection),
			fieldUpdatedAt: times,
			updatedAt: later(incoming.updatedAt, local.updatedAt)
		},
		lost
	};
}

/**
 * The server answered a push of `sent` with `held`: the local text fields edited after
 * `editedSince` that it replaced with other text.
 */
export function overwrittenTexts(
	sent: Connection,
	held: Connection,
	editedSince: string | null
): LostText[] {
	return textFields.flatMap((field): LostText[] => {
		const mine = (sent as unknown as Fields)[field];
		const theirs = (held as unknown as Fields)[field];
		const editedAt = sent.fieldUpdatedAt?.[field];
		const fresh =
			editedAt !== undefined && (editedSince === null || isNewer(editedAt, editedSince));
		return typeof mine === 'string' && mine !== '' && mine !== theirs && fresh
			? [{ field, text: mine }]
			: [];
	});
}

export type OverwrittenText = LostText & { at: string };
