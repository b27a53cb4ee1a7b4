import { connectionRepository } from '$lib/data/connections';
import {
	openRapportDatabase,
	StorageUnavailableError,
	type RapportDatabase,
	type StorageFailure
} from '$lib/data/db';
import { eventRepository } from '$lib/data/events';
import { followUpRepository } from '$lib/data/followUps';
import { requestPersistence, storageReport, type StorageReport } from '$lib/data/persistence';
import { profileRepository } from '$lib/data/profile';
import { settingsRepository } from '$lib/data/settings';
import type { EventRecord, Profile } from '$lib/domain/records';

export type StorageState =
	| { status: 'opening' }
	| { status: 'ready' }
	| { status: 'unavailable'; reason: StorageFailure }
	/** Another tab runs a different version of the schema; we stepped aside for it. */
	| { status: 'blocked' };

/** What every screen shares: the local database, my card, the current event, the due count. */
class AppState {
	storage = $state<StorageState>({ status: 'opening' });
	profile = $state<Profile | null>(null);
	currentEvent = $state<EventRecord | null>(null);
	dueCount = $state(0);
	connectionCount = $state(0);
	/** Stored records that failed validation: hidden, kept, and reported. */
	unreadable = $state(0);

	#db: RapportDatabase | null = null;
	#starting: Promise<void> | null = null;

	start(): Promise<void> {
		this.#starting ??= this.#open();
		return this.#starting;
	}

	async #open(): Promise<void> {
		try {
			this.#db = await openRapportDatabase({
				onBlocked: () => (this.storage = { status: 'blocked' }),
				onVersionChange: () => {
					this.#db = null;
					this.storage = { status: 'blocked' };
				}
			});
			// Load before announcing "ready", so screens mount with the stored data already there.
			await this.refresh();
			this.storage = { status: 'ready' };
		} catch (error) {
			this.storage = {
				status: 'unavailable',
				reason: error instanceof StorageUnavailableError ? error.reason : 'unknown'
			};
		}
	}

	/**
	 * The open database for feature modules (people, prompts, queue), once it is ready. Throws
	 * StorageUnavailableError when this device cannot save, so callers say why instead of hanging.
	 */
	async database(): Promise<RapportDatabase> {
		await this.start();
		return this.#requireDb();
	}

	async refresh(now = new Date()): Promise<void> {
		const db = this.#db;
		if (!db) return;
		const [profile, settings, connections, dueCount] = await Promise.all([
			profileRepository(db).get(),
			settingsRepository(db).get(),
			connectionRepository(db).list(),
			followUpRepository(db).countDue(now)
		]);
		this.profile = profile.profile;
		this.currentEvent = settings.currentEventId
			? await eventRepository(db).get(settings.currentEventId)
			: null;
		this.connectionCount = connections.items.length;
		this.dueCount = dueCount;
		this.unreadable = (profile.unreadable ? 1 : 0) + connections.unreadable;
	}

	async saveProfile(input: Omit<Profile, 'updatedAt'>): Promise<Profile> {
		const db = this.#requireDb();
		this.profile = await profileRepository(db).save({
			...input,
			updatedAt: new Date().toISOString()
		});
		await this.afterSave(db);
		return this.profile;
	}

	storageReport(): Promise<StorageReport> {
		return storageReport();
	}

	/** The first save is the moment the data becomes worth keeping, so we ask then, once. */
	async afterSave(db: RapportDatabase): Promise<void> {
		const settings = settingsRepository(db);
		if ((await settings.get()).persistenceRequestedAt) return;
		await requestPersistence();
		await settings.update({ persistenceRequestedAt: new Date().toISOString() });
	}

	#requireDb(): RapportDatabase {
		if (this.#db) return this.#db;
		const reason = this.storage.status === 'unavailable' ? this.storage.reason : 'unknown';
		throw new StorageUnavailableError(reason);
	}
}

export const app = new AppState();
