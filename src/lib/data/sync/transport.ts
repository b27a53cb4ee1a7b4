// What the sync engine and the account screens need from the server, as an interface: the real
// one is supabaseTransport.ts (supabase-js, imported only when sync is on); unit tests use fakes.
// The wire format is docs/sync.md.

import type { SyncTable, WireRow } from '$lib/domain/sync/rows';
import type { Account } from '$lib/domain/sync/status';

export type { SyncTable, WireRow };

export interface WireChange {
	table: SyncTable;
	op: 'upsert' | 'delete';
	row: WireRow;
}

export type PushStatus = 'applied' | 'stale' | 'deferred' | 'rejected';

export interface PushResult {
	index: number;
	table: string;
	id: string | null;
	status: PushStatus;
	code?: string;
	message?: string;
	/**
	 * The row as the server now holds it, when that differs from what was sent (a newer winner,
	 * a clamped time, a per-field merge): applied like a pulled change.
	 */
	row?: unknown;
}

export interface PullPage {
	/** As the server sent them: the engine validates every row before it stores it. */
	changes: { table: string; row: unknown }[];
	cursor: string | null;
	more: boolean;
}

export interface ExchangeToken {
	token: string;
	expiresAt: string;
}

/**
 * A failure the server answered on purpose (an RPC error code from docs/sync.md, or an auth
 * error), as opposed to the network failing. `code` is what the app translates.
 */
export class ServerRefusal extends Error {
	constructor(
		readonly code: string,
		message?: string
	) {
		super(message ?? code);
		this.name = 'ServerRefusal';
	}
}

/** The network or the server failed; the call may be retried. */
export class TransportFailure extends Error {
	constructor(message: string, options?: { cause?: unknown }) {
		super(message, options);
		this.name = 'TransportFailure';
	}
}

export interface SyncTransport {
	/** The signed-in account, or null. Restores a saved session first. */
	account(): Promise<Account | null>;
	/**
	 * `captchaToken`: what Supabase Auth asks for when the project has CAPTCHA protection on
	 * (README.md, "CAPTCHA"); both sign-ins that create or email an account take one.
	 */
	signInAnonymously(captchaToken?: string): Promise<Account>;
	/** Sends a one-time code to link this email to the current (anonymous) account. */
	linkEmail(email: string): Promise<void>;
	/** Confirms the code sent by linkEmail. */
	confirmLinkEmail(email: string, code: string): Promise<Account>;
	/** On another device: sends a one-time code to sign in to an account that has this email. */
	requestEmailSignIn(email: string, captchaToken?: string): Promise<void>;
	confirmEmailSignIn(email: string, code: string): Promise<Account>;
	signOut(): Promise<void>;
	/** Removes the account and every row of it on the server. */
	deleteAccount(): Promise<void>;
	push(changes: WireChange[]): Promise<PushResult[]>;
	pull(cursor: string | null, pageSize?: number): Promise<PullPage>;
	/** `revokeOthers`: every earlier token of mine stops taking cards ("show a new QR"). */
	createExchangeToken(
		eventId: string | null,
		options?: { revokeOthers?: boolean }
	): Promise<ExchangeToken>;
	acceptExchange(token: string, card: Record<string, unknown>): Promise<void>;
	/**
	 * A database function of a feature that rides on the account (reminders: docs/reminders.md),
	 * answered as the server sent it; failures as for the calls above. Its data module validates.
	 */
	call(name: string, args: Record<string, unknown>): Promise<unknown>;
	/** An Edge Function of the project, called with the session's JWT: its JSON answer. */
	invoke(name: string, body: Record<string, unknown>): Promise<unknown>;
}
