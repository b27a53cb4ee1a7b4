// A person's id is only known on the device, so this page cannot be prerendered: the SPA
// fallback (200.html, also served by the service worker offline) renders it in the browser.
export const prerender = false;
