/**
 * The service worker's lifecycle as the shell sees it. A new version waits for the person to
 * choose "reload": reloading by itself could throw away a half-filled form. Registration is
 * written out here rather than taken from workbox-window, which cost 2 KB of first-load JS for
 * the same three events.
 */
class PwaState {
	updateReady = $state(false);
	offlineReady = $state(false);
	#registration: ServiceWorkerRegistration | null = null;

	register(): void {
		if (this.#registration || !('serviceWorker' in navigator)) return;
		// Installing precaches the whole app; waiting for `load` keeps that off the first paint, and
		// a task of its own keeps registering out of the app's start, a phone's longest task.
		const register = () => setTimeout(() => void this.#register());
		if (document.readyState === 'complete') register();
		else window.addEventListener('load', register, { once: true });
	}

	async #register(): Promise<void> {
		const firstInstall = navigator.serviceWorker.controller === null;
		let registration: ServiceWorkerRegistration;
		try {
			registration = await navigator.serviceWorker.register('/sw.js', { scope: '/' });
		} catch {
			// Without a worker the app still runs; it just will not open offline.
			return;
		}
		// A browser that blocks workers by policy may answer with no registration at all.
		if (!registration) return;
		this.#registration = registration;
		if (registration.waiting && !firstInstall) this.updateReady = true;
		registration.addEventListener('updatefound', () => {
			const worker = registration.installing;
			worker?.addEventListener('statechange', () => {
				if (worker.state === 'installed' && navigator.serviceWorker.controller) {
					this.updateReady = true;
				} else if (worker.state === 'activated' && firstInstall) {
					this.offlineReady = true;
				}
			});
		});
	}

	/** The generated worker skips waiting on this message; the page reloads once it took over. */
	applyUpdate(): void {
		const waiting = this.#registration?.waiting;
		if (!waiting) {
			location.reload();
			return;
		}
		navigator.serviceWorker.addEventListener('controllerchange', () => location.reload(), {
			once: true
		});
		waiting.postMessage({ type: 'SKIP_WAITING' });
	}

	postponeUpdate(): void {
		this.updateReady = false;
	}

	dismissOfflineReady(): void {
		this.offlineReady = false;
	}
}

export const pwa = new PwaState();
