import { onStored, type StoredOrigin, type StoredRecord } from '$lib/data/notices';

/**
 * Calls `reload` when a committed write touches one of `stores` (and comes from `origins`): a
 * screen's list stays on what is stored. A pull arrives page by page, so notices that come in
 * while a reload runs make one more reload, not one each. Returns how to stop.
 */
export function reloadOnStored(
	stores: readonly StoredRecord['store'][],
	origins: readonly StoredOrigin[],
	reload: () => Promise<void>
): () => void {
	let running: Promise<void> | null = null;
	let again = false;
	return onStored((written, origin) => {
		if (!origins.includes(origin) || !written.some(({ store }) => stores.includes(store))) return;
		if (running) {
			again = true;
			return;
		}
		running = (async () => {
			do {
				again = false;
				await reload();
			} while (again);
			running = null;
		})();
	});
}
