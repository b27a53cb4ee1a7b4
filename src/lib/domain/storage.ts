// What the device's storage can do, as every layer speaks of it.

export type StorageFailure = 'unsupported' | 'denied' | 'quota' | 'newer' | 'unknown';

export type StorageState =
	| { status: 'opening' }
	| { status: 'ready' }
	| { status: 'unavailable'; reason: StorageFailure }
	/** Another tab runs a different version of the schema; we stepped aside for it. */
	| { status: 'blocked' };

export interface StorageReport {
	/** null when the browser cannot say. */
	persisted: boolean | null;
	usage: number | null;
	quota: number | null;
}
