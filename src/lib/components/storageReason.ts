import type { StorageFailure } from '$lib/domain/storage';
import { m } from '$lib/paraglide/messages';

const reasons: Record<StorageFailure, () => string> = {
	unsupported: m.storage_reason_unsupported,
	denied: m.storage_reason_denied,
	quota: m.storage_reason_quota,
	newer: m.storage_reason_newer,
	unknown: m.storage_reason_unknown
};

/** Why saving failed, as the clause the "couldn't save: {reason}" messages take. */
export function storageReason(failure: StorageFailure): string {
	return reasons[failure]();
}
