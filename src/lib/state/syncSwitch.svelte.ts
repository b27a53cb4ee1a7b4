// Whether this person turned "Back up & sync" on, kept apart from the sync state so the shell
// can ask on every visit without loading any of it: people who never turn sync on download
// none of its code. It sits in localStorage beside supabase-js's session, so clearing the site's
// storage drops both together, and reading it needs neither IndexedDB nor a schema.

const KEY = 'rapport.sync';
const ON = 'on';

class SyncSwitch {
	/** Read after mount: the prerendered page always starts with sync off. */
	on = $state(false);

	read(): boolean {
		try {
			this.on = localStorage.getItem(KEY) === ON;
		} catch {
			// Storage denied: sync cannot keep a session either, so it counts as off.
			this.on = false;
		}
		return this.on;
	}

	set(on: boolean): void {
		this.on = on;
		try {
			if (on) localStorage.setItem(KEY, ON);
			else localStorage.removeItem(KEY);
		} catch {
			// Not remembered across visits; sync still runs for this one.
		}
	}
}

export const syncSwitch = new SyncSwitch();
