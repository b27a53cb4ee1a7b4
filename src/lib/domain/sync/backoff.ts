// How long to wait before retrying a failed sync. Exponential, capped, and with full jitter
// (a random wait between zero and the exponential bound): when a server comes back after an
// outage, the devices that were waiting spread their retries out instead of arriving together.

export const BACKOFF_BASE_MS = 2_000;
export const BACKOFF_CAP_MS = 5 * 60_000;

export interface BackoffOptions {
	baseMs?: number;
	capMs?: number;
	/** A number in [0, 1), like Math.random; injected so tests can pin it. */
	random?: () => number;
}

/** The upper bound of the wait after `failures` failures in a row (1 for the first). */
export function backoffBound(failures: number, options: BackoffOptions = {}): number {
	const base = options.baseMs ?? BACKOFF_BASE_MS;
	const cap = options.capMs ?? BACKOFF_CAP_MS;
	const exponent = Math.max(0, failures - 1);
	// 2 ** exponent overflows to Infinity long after it passed the cap, and Math.min handles that.
	return Math.min(cap, base * 2 ** exponent);
}

/** The wait in whole milliseconds before the next attempt after `failures` failures in a row. */
export function backoffDelay(failures: number, options: BackoffOptions = {}): number {
	const random = options.random ?? Math.random;
	const draw = Math.min(Math.max(random(), 0), 1);
	return Math.floor(draw * backoffBound(failures, options));
}
