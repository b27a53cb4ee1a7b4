import type { StorageReport } from '$lib/domain/storage';

function storageManager(): StorageManager | undefined {
	return typeof navigator === 'undefined' ? undefined : navigator.storage;
}

export async function storageReport(): Promise<StorageReport> {
	const storage = storageManager();
	const [persisted, estimate] = await Promise.all([
		storage?.persisted ? storage.persisted().catch(() => null) : Promise.resolve(null),
		storage?.estimate ? storage.estimate().catch(() => null) : Promise.resolve(null)
	]);
	return { persisted, usage: estimate?.usage ?? null, quota: estimate?.quota ?? null };
}

/** Asks the browser not to evict our data; it may say no, and that is not an error. */
export async function requestPersistence(): Promise<boolean | null> {
	const storage = storageManager();
	if (!storage?.persist) return null;
	return storage.persist().catch(() => null);
}
