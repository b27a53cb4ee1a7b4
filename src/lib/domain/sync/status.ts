// What sync tells the screens: its status, the outcome of an action, card exchanges in flight.

export type SyncOutcome = { ok: true } | { ok: false; code: string };

/** "{name} sent you their card", until dismissed. */
export interface ExchangeArrival {
	id: number;
	name: string;
	/** The person's page, where the note waits to be written. */
	connectionId: string;
}

export interface SyncStatus {
	/**
	 * `account-changed`: the signed-in account is not the one this device's data belongs to, so
	 * nothing syncs until the person chooses what becomes of that data.
	 */
	phase: 'idle' | 'syncing' | 'offline' | 'retrying' | 'signed-out' | 'account-changed';
	lastSyncedAt: string | null;
	/** Outbox entries not yet on the server (changes and queued card exchanges). */
	waiting: number;
	/** Changes the server refused for good, until dismissed; the records stay on the device. */
	rejected: RejectedChange[];
	/** When the next automatic attempt is due after a failure. */
	retryAt: string | null;
	/** The code of the last failure (a server code, `network` or `unknown`), null after a success. */
	lastError: string | null;
	/** Rows of the last sync that did not validate and were left out. */
	skipped: number;
	/** With `account-changed`: what this device holds of the other account. */
	deviceData: DeviceData | null;
}

/** What becomes of this device's data when another account signed in. */
export type AccountChoice = 'erase' | 'add';

export interface RejectedChange {
	table: string;
	recordId: string;
	code: string;
	message?: string;
	at: string;
}

export interface DeviceData {
	card: boolean;
	events: number;
	people: number;
	followUps: number;
}

/** What became of my card after I kept someone from a QR that carried an exchange token. */
export type ExchangeOutcome =
	| { status: 'sent' }
	/** Offline, or the network failed: in the outbox, sent on the next sync. */
	| { status: 'queued' }
	/** I have no card of my own yet, so there is nothing to send back. */
	| { status: 'no_card' }
	| { status: 'refused'; code: string };

/** The same, with the moment before the answer, for the screens that show it. */
export type ExchangeProgress = { status: 'sending' } | ExchangeOutcome;

export interface Account {
	userId: string;
	/** Null until an email is linked: the account then lives only on this device. */
	email: string | null;
	isAnonymous: boolean;
}

/** Sync as Settings shows it. */
export interface SyncView {
	/** False when the build has no Supabase project. */
	readonly configured: boolean;
	readonly usesCaptcha: boolean;
	readonly enabled: boolean;
	readonly account: Account | null;
	readonly status: SyncStatus | null;
	readonly sessionLost: boolean;
	readonly accountGone: boolean;
	/** Why sync could not start, as a code; null when it did. */
	readonly startFailure: string | null;
}

/** What Settings can ask of sync, each answered with what became of it. */
export interface SyncActions {
	enable(): Promise<SyncOutcome>;
	requestSignIn(email: string): Promise<SyncOutcome>;
	confirmSignIn(email: string, code: string): Promise<SyncOutcome>;
	linkEmail(email: string): Promise<SyncOutcome>;
	confirmLinkEmail(email: string, code: string): Promise<SyncOutcome>;
	signOut(options: { erase: boolean }): Promise<SyncOutcome>;
	keepDeviceOnly(): Promise<SyncOutcome>;
	resolveAccountChange(choice: AccountChoice): Promise<SyncOutcome>;
	deleteAccount(): Promise<SyncOutcome>;
	syncNow(): Promise<void>;
	dismissRejected(): Promise<void>;
}
