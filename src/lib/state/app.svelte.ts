import { openRapportDatabase, StorageUnavailableError, type RapportDatabase } from '$lib/data/db';
import { onQueued, onStored } from '$lib/data/notices';
import type { StorageReport } from '$lib/domain/storage';
import { readShellSummary, type ShellSummary } from '$lib/data/shell';
import { isEventOver } from '$lib/domain/eventPhase';
import type { EventRecord, Profile } from '$lib/domain/records';
import type { StorageState } from '$lib/domain/storage';
import { coalesce } from './coalesce';

// Asked for on the first save, and read in settings: never needed to show a screen.
const persistence = () => import('$lib/data/persistence');

// The repositories validate with the record schemas; the shell (home, layout) needs none of that,
// so they are loaded only once a screen asks for the database or something is saved.
const repositories = () =>
	Promise.all([
		import('$lib/data/profile'),
		import('$lib/data/settings'),
		import('$lib/data/events')
	]).then(([profile, settings, events]) => ({
		profiles: profile.profileRepository,
		settings: settings.settingsRepository,
		events: events.eventRepository
	}));

/**
 * What every screen shares: the local database, my card, the current event, the due count.
 * `summary.event` is the chosen event even once it is over (home recaps it then);
 * `currentEvent` is only ever an event that is not over yet.
 * Kept to cheap reads: it refreshes after every change, so it must not grow with the number of
 * people (their screens read and validate their own records).
 *
 * Two layers: `summary` and `dueCount` are read on every visit for the shell; `profile` and
 * `currentEvent` are validated records, loaded when a screen calls `database()`.
 */
class AppState {
	storage = $state<StorageState>({ status: 'opening' });
	summary = $state<ShellSummary>({ event: null, eventToday: false, dueCount: 0 });
	dueCount = $derived(this.summary.dueCount);
	profile = $state<Profile | null>(null);
	currentEvent = $state<EventRecord | null>(null);
	/** Stored records that failed validation: hidden, kept, and reported. */
	unreadable = $state(0);

	#db: RapportDatabase | null = null;
	#opening: Promise<void> | null = null;
	#starting: Promise<void> | null = null;
	#records: Promise<void> | null = null;
	#refreshes = coalesce(() => this.#refresh(new Date()));

	/** Opens the database and loads what every screen shows; safe to call again. */
	start(): Promise<void> {
		this.#starting ??= this.#open().then(async () => {
			if (!this.#db) return;
			// Load before announcing "ready", so screens mount with the stored data already there.
			await this.#refresh(new Date());
			this.#follow();
			this.storage = { status: 'ready' };
		});
		return this.#starting;
	}

	#open(): Promise<void> {
		this.#opening ??= openRapportDatabase({
			onBlocked: () => (this.storage = { status: 'blocked' }),
			onVersionChange: () => {
				this.#db = null;
				this.storage = { status: 'blocked' };
			}
		}).then(
			(db) => {
				this.#db = db;
			},
			(error: unknown) => {
				this.storage = {
					status: 'unavailable',
					reason: error instanceof StorageUnavailableError ? error.reason : 'unknown'
				};
			}
		);
		return this.#opening;
	}

	/**
	 * The open database for feature modules (people, prompts, queue), once the shell's own cheap
	 * reads are done, so a screen can rely on `profile` and `currentEvent`. Throws
	 * StorageUnavailableError when this device cannot save, so callers say why instead of hanging.
	 */
	/** Loads the validated records (`profile`, `currentEvent`) if this device can store any. */
	async load(): Promise<void> {
		await this.start();
		if (this.#db) await this.database();
	}

	async database(): Promise<RapportDatabase> {
		await this.start();
		const db = this.#requireDb();
		this.#records ??= this.#loadRecords(db);
		await this.#records;
		return db;
	}

	async #loadRecords(db: RapportDatabase): Promise<void> {
		const { profiles, settings, events } = await repositories();
		const [profile, current] = await Promise.all([profiles(db).get(), settings(db).get()]);
		this.profile = profile.profile;
		this.unreadable = profile.unreadable ? 1 : 0;
		const chosen = current.currentEventId ? await events(db).get(current.currentEventId) : null;
		// Once it is over, the chosen event is no longer where people are being met.
		this.currentEvent = chosen && !isEventOver(chosen, new Date()) ? chosen : null;
	}

	/**
	 * Every committed write announces itself (saved here, a setting, a restore, or brought in by
	 * sync), so the shell keeps itself current and nobody has to remember to refresh it. The
	 * first save is the moment the data becomes worth keeping: persistence is asked for then.
	 */
	#follow(): void {
		onStored(() => this.#refreshes.request());
		onQueued((written) => {
			if (written.length > 0) void this.#askPersistenceOnce();
		});
	}

	/** Resolves once the shell shows every write announced so far. */
	settled(): Promise<void> {
		return this.#refreshes.settled();
	}

	async #refresh(now: Date): Promise<void> {
		const db = this.#db;
		if (!db) return;
		this.summary = await readShellSummary(db, now);
		if (this.#records) {
			this.#records = this.#loadRecords(db);
			await this.#records;
		}
	}

	async saveProfile(input: Omit<Profile, 'updatedAt'>): Promise<Profile> {
		const db = this.#requireDb();
		const { profiles } = await repositories();
		this.profile = await profiles(db).save({
			...input,
			updatedAt: new Date().toISOString()
		});
		return this.profile;
	}

	async storageReport(): Promise<StorageReport> {
		return (await persistence()).storageReport();
	}

	async #askPersistenceOnce(): Promise<void> {
		const db = this.#db;
		if (!db) return;
		const settings = (await repositories()).settings(db);
		if ((await settings.get()).persistenceRequestedAt) return;
		await (await persistence()).requestPersistence();
		await settings.update({ persistenceRequestedAt: new Date().toISOString() });
	}

	#requireDb(): RapportDatabase {
		if (this.#db) return this.#db;
		const reason = this.storage.status === 'unavailable' ? this.storage.reason : 'unknown';
		throw new StorageUnavailableError(reason);
	}
}

export const app = new AppState();
