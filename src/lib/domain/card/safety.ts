import { normalizeChannel, type Channel } from './card';
import { lineUrl } from './profileUrls';
import { squeezeUrl, tidyUrl } from './text';

const SAFE_PROTOCOLS = new Set(['http:', 'https:', 'mailto:', 'tel:', 'sms:', 'line:']);

/**
 * Whether a link may be made clickable: http(s), mailto, tel, sms or LINE only. The scheme is
 * read the way a browser would after dropping whitespace and control characters, and in any
 * case, so `JaVaScRiPt:`, `java\tscript:` and ` data:` are all refused.
 */
export function isSafeUrl(url: string): boolean {
	const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(squeezeUrl(url))?.[1]?.toLowerCase();
	if (scheme === undefined || !SAFE_PROTOCOLS.has(`${scheme}:`)) return false;
	try {
		return SAFE_PROTOCOLS.has(new URL(tidyUrl(url)).protocol);
	} catch {
		return false;
	}
}

function hrefFor(channel: Channel): string | null {
	switch (channel.kind) {
		case 'phone':
			return `tel:${channel.value}`;
		case 'email':
			return `mailto:${channel.value}`;
		case 'line':
			return lineUrl(channel.value);
		case 'other':
			return isSafeUrl(channel.value) ? new URL(tidyUrl(channel.value)).href : null;
		default:
			return channel.value;
	}
}

/**
 * The link to open a channel with (tel:, mailto:, https:, line.me), or null when it must be shown
 * as plain text. The channel is canonicalised first, so any channel, trusted or not, may be given.
 */
export function safeHref(channel: Channel): string | null {
	const normal = normalizeChannel(channel);
	if (normal === null) return null;
	const href = hrefFor(normal);
	return href !== null && isSafeUrl(href) ? href : null;
}
