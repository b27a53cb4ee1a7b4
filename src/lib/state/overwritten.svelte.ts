import { overwrittenRepository, restoreOverwritten } from '$lib/data/overwritten';
import type { OverwrittenText } from '$lib/domain/sync/merge';
import { onStored } from '$lib/data/notices';
import type { TextField } from '$lib/domain/sync/merge';
import { app } from './app.svelte';

// Text of mine on one person that another device's edit replaced (kept on this device only):
// shown on the person until I put it back or dismiss it.

export class OverwrittenTexts {
	items = $state<OverwrittenText[]>([]);
	readonly #connectionId: string;

	constructor(connectionId: string) {
		this.#connectionId = connectionId;
	}

	async load(): Promise<void> {
		const db = await app.database();
		this.items = await overwrittenRepository(db).forConnection(this.#connectionId);
	}

	/**
	 * Sync keeps a lost text in the same transaction that writes the person, so hearing of that
	 * write is hearing of the text: it shows while the person's page is open. Returns how to stop.
	 */
	follow(): () => void {
		return onStored((written) => {
			if (
				written.some(
					({ store, recordId }) => store === 'connections' && recordId === this.#connectionId
				)
			) {
				void this.load().catch(() => undefined);
			}
		});
	}

	/**
	 * Puts my text back as a new edit, which then syncs like any other; the write announces
	 * itself, so the person's open page shows it (PersonEditor.follow).
	 */
	async restore(field: TextField): Promise<void> {
		const item = this.items.find((held) => held.field === field);
		if (!item) return;
		const db = await app.database();
		await restoreOverwritten(db, this.#connectionId, item, Date.now());
		await this.dismiss(field);
	}

	async dismiss(field: TextField): Promise<void> {
		const db = await app.database();
		await overwrittenRepository(db).dismiss(this.#connectionId, field);
		this.items = this.items.filter((held) => held.field !== field);
	}
}
