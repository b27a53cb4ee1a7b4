import { onPaperCardPhoto, paperCardPhotoRepository } from '$lib/data/paperCardPhotos';
import { app } from './app.svelte';

// The photo of a paper card kept with a person, on their page: shown, and deletable on its own.

export class KeptCardPhoto {
	/** An object URL of the photo, or null when none is kept. */
	url = $state<string | null>(null);
	deleted = $state(false);
	failed = $state(false);

	#connectionId = '';

	async load(connectionId: string): Promise<void> {
		this.#connectionId = connectionId;
		try {
			const photo = await paperCardPhotoRepository(await app.database()).get(connectionId);
			if (connectionId !== this.#connectionId) return;
			this.#show(photo);
		} catch {
			this.#show(null);
		}
	}

	/** Stays on what is stored when the photo is saved or deleted elsewhere; returns the stop. */
	follow(): () => void {
		return onPaperCardPhoto((connectionId) => {
			if (connectionId === this.#connectionId) void this.load(connectionId);
		});
	}

	async delete(): Promise<void> {
		this.failed = false;
		try {
			await paperCardPhotoRepository(await app.database()).delete(this.#connectionId);
			this.deleted = true;
		} catch {
			this.failed = true;
		}
	}

	#show(photo: Blob | null): void {
		if (this.url) URL.revokeObjectURL(this.url);
		this.url = photo ? URL.createObjectURL(photo) : null;
	}
}
