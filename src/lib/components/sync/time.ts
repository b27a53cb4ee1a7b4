const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * "5 minutes ago", "yesterday", or the date and time for anything older than a week; null
 * under a minute, where the caller says "just now". A time a little ahead (another device's
 * clock) counts as now.
 */
export function timeAgo(at: string, now: Date, locale: string): string | null {
	const elapsed = now.getTime() - Date.parse(at);
	if (Number.isNaN(elapsed) || elapsed < MINUTE) return null;
	const relative = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
	if (elapsed < HOUR) return relative.format(-Math.floor(elapsed / MINUTE), 'minute');
	if (elapsed < DAY) return relative.format(-Math.floor(elapsed / HOUR), 'hour');
	if (elapsed < 7 * DAY) return relative.format(-Math.floor(elapsed / DAY), 'day');
	return dateTime(at, locale);
}

export function dateTime(at: string, locale: string): string {
	return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(
		new Date(at)
	);
}

export function clockTime(at: string, locale: string): string {
	return new Intl.DateTimeFormat(locale, { timeStyle: 'short' }).format(new Date(at));
}
