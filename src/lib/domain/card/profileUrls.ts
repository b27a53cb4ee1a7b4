import type { ChannelKind } from './card';
import { tidyUrl } from './text';

// Profile links of the networks people show at meetups in Taiwan, reduced to one canonical https
// URL each (every one of these networks serves its profiles over https): the compact QR payload stores only the handle, and two scans of the same person compare
// equal however their app spelled the link (tw.linkedin.com, m.facebook.com, twitter.com, …).

export type ChannelMatch = { kind: ChannelKind; value: string };

export const URL_MAX = 300;

/** Personal IDs are lower-case letters, digits, `.`, `-` and `_`; official accounts start with @. */
export const LINE_ID = /^@?[a-z0-9._-]{1,20}$/;
export const LINE_TOKEN = /^[A-Za-z0-9_-]{4,64}$/;
const PATH_SEGMENT = /^[A-Za-z0-9%._~-]{1,100}$/;
const LINKEDIN_HANDLE = PATH_SEGMENT;
const INSTAGRAM_USER = /^[A-Za-z0-9._]{1,30}$/;
const X_HANDLE = /^[A-Za-z0-9_]{1,15}$/;
const THREADS_HANDLE = /^@[A-Za-z0-9._]{1,30}$/;
const DOMAIN_START = /^(?:[a-z0-9-]+\.)+[a-z]{2,}(?::\d+)?(?:[/?#]|$)/i;

// First path segments that are features of the site rather than someone's profile.
const INSTAGRAM_RESERVED = new Set(['p', 'reel', 'reels', 'explore', 'stories', 'accounts', 'tv']);
const FACEBOOK_RESERVED = new Set([
	'events',
	'groups',
	'watch',
	'marketplace',
	'sharer',
	'sharer.php',
	'dialog',
	'login',
	'plugins',
	'photo.php',
	'story.php',
	'permalink.php',
	'hashtag'
]);
const X_RESERVED = new Set([
	'home',
	'i',
	'intent',
	'search',
	'share',
	'hashtag',
	'explore',
	'settings',
	'messages',
	'notifications'
]);

/**
 * An http(s) URL with the scheme it came with; a bare `example.com/…` counts, as https. Null for
 * anything else. The scheme is never rewritten: an http-only site behind an upgraded link is a
 * broken link, and what keeps a link safe is the scheme allow-list (safety.ts), not https.
 */
export function parseWebUrl(raw: string): URL | null {
	const text = tidyUrl(raw);
	const withScheme = /^https?:\/\//i.test(text)
		? text
		: DOMAIN_START.test(text)
			? `https://${text}`
			: null;
	if (withScheme === null || withScheme.length > URL_MAX) return null;
	let url: URL;
	try {
		url = new URL(withScheme);
	} catch {
		return null;
	}
	// Credentials in a link only serve to disguise its real host.
	if (
		(url.protocol !== 'https:' && url.protocol !== 'http:') ||
		url.username ||
		url.password ||
		!url.hostname.includes('.')
	) {
		return null;
	}
	return url;
}

function hostIs(host: string, domain: string): boolean {
	return host === domain || host.endsWith(`.${domain}`);
}

function decodeSegment(segment: string): string | null {
	try {
		return decodeURIComponent(segment);
	} catch {
		return null;
	}
}

function lineChannel(target: string): ChannelMatch | null {
	const decoded = decodeSegment(target);
	if (decoded === null) return null;
	if (decoded.startsWith('~') || decoded.startsWith('@')) {
		const id = (decoded.startsWith('~') ? decoded.slice(1) : decoded).toLowerCase();
		return LINE_ID.test(id) ? { kind: 'line', value: id } : null;
	}
	return LINE_TOKEN.test(target) ? { kind: 'line', value: `https://line.me/ti/p/${target}` } : null;
}

/** The profile a link points to on LinkedIn, LINE, Instagram, Facebook, X or Threads. */
export function profileFromUrl(raw: string): ChannelMatch | null {
	const legacyLine = /^line:\/\/(?:R\/)?ti\/p\/([^/?#]+)$/i.exec(tidyUrl(raw));
	if (legacyLine?.[1]) return lineChannel(legacyLine[1]);

	const url = parseWebUrl(raw);
	if (url === null) return null;
	const host = url.hostname;
	const segments = url.pathname.split('/').filter(Boolean);
	const [first = '', second = ''] = segments;

	if (hostIs(host, 'linkedin.com')) {
		return first === 'in' && LINKEDIN_HANDLE.test(second)
			? { kind: 'linkedin', value: `https://www.linkedin.com/in/${second}` }
			: null;
	}
	if (host === 'line.me' || host === 'www.line.me') {
		const rest = first.toLowerCase() === 'r' ? segments.slice(1) : segments;
		return rest.length === 3 && rest[0] === 'ti' && rest[1] === 'p' && rest[2]
			? lineChannel(rest[2])
			: null;
	}
	if (host === 'lin.ee') {
		return segments.length === 1 && LINE_TOKEN.test(first)
			? { kind: 'line', value: `https://lin.ee/${first}` }
			: null;
	}
	if (hostIs(host, 'instagram.com') || host === 'instagr.am') {
		return segments.length === 1 && INSTAGRAM_USER.test(first) && !INSTAGRAM_RESERVED.has(first)
			? { kind: 'instagram', value: `https://www.instagram.com/${first}` }
			: null;
	}
	if (hostIs(host, 'facebook.com') || hostIs(host, 'fb.com') || host === 'fb.me') {
		if (first === 'profile.php') {
			const id = url.searchParams.get('id') ?? '';
			return /^[0-9]{1,30}$/.test(id)
				? { kind: 'facebook', value: `https://www.facebook.com/profile.php?id=${id}` }
				: null;
		}
		return segments.length >= 1 &&
			segments.length <= 4 &&
			segments.every((segment) => PATH_SEGMENT.test(segment)) &&
			!FACEBOOK_RESERVED.has(first)
			? { kind: 'facebook', value: `https://www.facebook.com/${segments.join('/')}` }
			: null;
	}
	if (hostIs(host, 'x.com') || hostIs(host, 'twitter.com')) {
		return segments.length === 1 && X_HANDLE.test(first) && !X_RESERVED.has(first.toLowerCase())
			? { kind: 'x', value: `https://x.com/${first}` }
			: null;
	}
	// Threads shares the X field on the card: the same kind of public short-post profile.
	if (hostIs(host, 'threads.net') || hostIs(host, 'threads.com')) {
		return segments.length === 1 && THREADS_HANDLE.test(first)
			? { kind: 'x', value: `https://www.threads.com/${first}` }
			: null;
	}
	return null;
}

/** A website as people type it: its own scheme (https when none), no lone `/` after the host. */
export function websiteFromUrl(raw: string): string | null {
	const url = parseWebUrl(raw);
	if (url === null) return null;
	const href = url.href === `${url.origin}/` ? url.origin : url.href;
	return href.length <= URL_MAX ? href : null;
}

/** What a URL field in a vCard or MECARD becomes: the network's profile, else a website. */
export function channelFromUrl(raw: string): ChannelMatch | null {
	const profile = profileFromUrl(raw);
	if (profile) return profile;
	const website = websiteFromUrl(raw);
	return website === null ? null : { kind: 'website', value: website };
}

/** The add-friend link for a LINE channel value (an ID, an @official account or a link). */
export function lineUrl(value: string): string {
	if (value.startsWith('https://')) return value;
	// Official accounts (@…) only resolve through the /R/ path.
	return value.startsWith('@')
		? `https://line.me/R/ti/p/${encodeURIComponent(value)}`
		: `https://line.me/ti/p/~${encodeURIComponent(value)}`;
}
