import type { Handle } from '@sveltejs/kit';

// Runs only while prerendering. The pages arrive fully rendered, so the first paint needs no
// script: the scripts that hydrate them are still preloaded, but at low priority, so they never
// compete with the page itself on a slow connection.
export const handle: Handle = ({ event, resolve }) =>
	resolve(event, {
		transformPageChunk: ({ html }) =>
			html.replaceAll('rel="modulepreload">', 'rel="modulepreload" fetchpriority="low">')
	});
