import type { Handle } from '@sveltejs/kit';
import { building } from '$app/environment';
import { bootAfterFirstPaint } from '$lib/server/bootAfterFirstPaint';

// The prerendered pages arrive whole, so their first paint needs no script: see
// bootAfterFirstPaint. Only while prerendering: the dev server sends its policy as a header, which
// a rewritten start script would no longer match.
export const handle: Handle = ({ event, resolve }) =>
	resolve(event, {
		transformPageChunk: ({ html }) => (building ? bootAfterFirstPaint(html) : html)
	});
