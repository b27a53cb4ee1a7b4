// What the server's answers mean for the outbox, and which message explains a refusal. The codes
// are docs/sync.md's; each has a message `sync_error_<code>` in messages/sync/*.json.

/**
 * Every code the database gives a person a reason for: docs/sync.md's, and `owned_elsewhere`,
 * the push result for an id that belongs to another account. (`sync_cursor_invalid` and
 * `sync_page_size_invalid` are the app's own mistakes: the engine recovers from the first, and
 * never sends the second.)
 */
export const serverErrorCodes = [
	'sync_batch_invalid',
	'missing_reference',
	'invalid_row',
	'unknown_table',
	'invalid_op',
	'owned_elsewhere',
	'quota_exceeded',
	'sync_batch_too_large',
	'not_signed_in',
	'exchange_event_not_found',
	'exchange_rate_limited',
	'exchange_token_invalid',
	'exchange_token_expired',
	'exchange_token_used',
	'exchange_own_token',
	'exchange_card_invalid'
] as const;

/** The server's codes plus the two the app adds: the network failed, or something unforeseen. */
export const syncErrorCodes = [...serverErrorCodes, 'network', 'unknown'] as const;
export type SyncErrorCode = (typeof syncErrorCodes)[number];
export type SyncErrorMessageKey = `sync_error_${SyncErrorCode}`;

export const syncErrorMessageKeys: readonly SyncErrorMessageKey[] = syncErrorCodes.map(
	(code): SyncErrorMessageKey => `sync_error_${code}`
);

const knownCodes: ReadonlySet<string> = new Set(syncErrorCodes);

/** The message that explains `code`; codes the app has no words for get the general one. */
export function syncErrorMessageKey(code: string): SyncErrorMessageKey {
	return knownCodes.has(code)
		? (`sync_error_${code}` as SyncErrorMessageKey)
		: 'sync_error_unknown';
}

/**
 * Auth refusals (as the transport spells them, `auth_<Supabase Auth error code>`) that mean
 * this device holds no usable session any more: sync stops until the person signs in again.
 */
export const signedOutCodes: ReadonlySet<string> = new Set([
	'auth_session_missing',
	'auth_session_not_found',
	'auth_session_expired',
	'auth_refresh_token_not_found',
	'auth_refresh_token_already_used',
	'auth_user_not_found',
	'auth_bad_jwt',
	'auth_no_authorization',
	'auth_user_banned',
	// The account was deleted while this device still held a valid session for it.
	'not_signed_in'
]);

export const isSignedOut = (code: string): boolean => signedOutCodes.has(code);

export interface PushOutcomeResult {
	index: number;
	status: string;
	code?: string;
	message?: string;
}

export interface SortedPush {
	/** Applied or stale: the server holds this change or a newer one, so the entry is done. */
	done: number[];
	/** Refers to a row the server does not have yet; retried after the others. */
	deferred: number[];
	/** Refused for good; listed for the person, the record stays on the device. */
	rejected: { index: number; code: string; message?: string }[];
	/** No usable answer for these: kept for the next run, not retried in this one. */
	unanswered: number[];
}

/**
 * Sorts a `sync_push` answer by what happens to each of the `sent` changes. Results are matched
 * by their `index`; a change without a result, or with a status this app does not know, is kept.
 */
export function sortPushResults(sent: number, results: readonly PushOutcomeResult[]): SortedPush {
	const byIndex = new Map(results.map((result) => [result.index, result]));
	const sorted: SortedPush = { done: [], deferred: [], rejected: [], unanswered: [] };
	for (let index = 0; index < sent; index++) {
		const result = byIndex.get(index);
		switch (result?.status) {
			case 'applied':
			case 'stale':
				sorted.done.push(index);
				break;
			case 'deferred':
				sorted.deferred.push(index);
				break;
			case 'rejected':
				sorted.rejected.push({
					index,
					code: result.code ?? 'unknown',
					...(result.message ? { message: result.message } : {})
				});
				break;
			default:
				sorted.unanswered.push(index);
		}
	}
	return sorted;
}

/**
 * A queued accept_exchange that the server refused. `exchange_token_used` on our own retry means
 * an earlier attempt got through (its answer was lost), so the card was delivered.
 */
export function exchangeRefusalOutcome(code: string): 'delivered' | 'rejected' {
	return code === 'exchange_token_used' ? 'delivered' : 'rejected';
}
