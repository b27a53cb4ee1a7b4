import { assertTimeZone } from './followUps/rule';

/** The zone this device's clock is set to, as an IANA name. */
export function deviceTimeZone(): string {
	return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/**
 * Whether follow-ups can be computed in `zone`: the follow-up rule's own test (an IANA name with
 * a slash, or UTC, that this runtime knows), so no screen accepts a zone the rule would refuse.
 */
export function isTimeZone(zone: string | undefined): zone is string {
	if (!zone) return false;
	try {
		assertTimeZone(zone, 'timeZone');
		return true;
	} catch {
		return false;
	}
}
