import { onStored, type StoredOrigin, type StoredRecord } from '$lib/data/notices';
import { coalesce } from './coalesce';

/**
 * Calls `reload` when a committed write touches one of `stores` (and comes from `origins`), so a
 * screen's list stays on what is stored; bursts make one reload (`coalesce`). Returns how to stop.
 */
export function reloadOnStored(
	stores: readonly StoredRecord['store'][],
	origins: readonly StoredOrigin[],
	reload: () => Promise<void>
): () => void {
	const reloads = coalesce(reload);
	return onStored((written, origin) => {
		if (origins.includes(origin) && written.some(({ store }) => stores.includes(store))) {
			reloads.request();
		}
	});
}
