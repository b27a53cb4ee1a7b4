import { registerSW } from 'virtual:pwa-register';

/**
 * The service worker's lifecycle as the shell sees it. A new version waits for the person to
 * choose "reload": reloading by itself could throw away a half-filled form.
 */
class PwaState {
	updateReady = $state(false);
	offlineReady = $state(false);
	#update: ((reload?: boolean) => Promise<void>) | null = null;

	register(): void {
		if (this.#update || !('serviceWorker' in navigator)) return;
		this.#update = registerSW({
			immediate: true,
			onNeedRefresh: () => (this.updateReady = true),
			onOfflineReady: () => (this.offlineReady = true)
		});
	}

	async applyUpdate(): Promise<void> {
		await this.#update?.(true);
	}

	postponeUpdate(): void {
		this.updateReady = false;
	}

	dismissOfflineReady(): void {
		this.offlineReady = false;
	}
}

export const pwa = new PwaState();
