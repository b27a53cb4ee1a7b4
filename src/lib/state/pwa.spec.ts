import { afterEach, describe, expect, it, vi } from 'vitest';

afterEach(() => {
	vi.useRealTimers();
	vi.unstubAllGlobals();
	vi.resetModules();
});

/** A loaded page in a browser with service workers, and the state module fresh for it. */
async function loadedPage() {
	vi.useFakeTimers();
	const register = vi.fn(() => new Promise<never>(() => {}));
	vi.stubGlobal('navigator', { serviceWorker: { register, controller: null } });
	vi.stubGlobal('document', { readyState: 'complete' });
	vi.stubGlobal('window', { addEventListener: vi.fn() });
	const { pwa } = await import('./pwa.svelte');
	return { pwa, register };
}

describe('installing the service worker', () => {
	it('registers in a task of its own, not in the app’s start that asked for it', async () => {
		const { pwa, register } = await loadedPage();
		pwa.register();
		expect(register).not.toHaveBeenCalled();

		vi.runAllTimers();
		expect(register).toHaveBeenCalledWith('/sw.js', { scope: '/' });
	});
});
