import type { BackupFailure, Collection, DamagedRecord } from './backup';
import type { Tally } from './restore';

// What an export or a restore came to, as the Your data screen tells it.

export type ExportKind = 'contacts' | 'csv' | 'backup';

export type ExportOutcome = { ok: true; people: number } | { ok: false };

/** Why a file was refused, or why the device could not take it. */
export type RestoreProblem = BackupFailure | 'unreadable_file' | 'storage';

export type HandOverOutcome = 'shared' | 'downloaded' | 'cancelled';

export type SaveToContactsOutcome =
	{ ok: true; outcome: HandOverOutcome; fileName: string } | { ok: false };

export interface RestoreReport {
	/** Records in the file that could be read, per collection. */
	found: Record<Collection, number> & { profile: number };
	tally: Record<Collection | 'profile', Tally>;
	damaged: DamagedRecord[];
}

export type RestorePhase = 'idle' | 'checking' | 'preview' | 'restoring' | 'done';

/** A restore as its panel shows it. */
export interface RestoreView {
	readonly phase: RestorePhase;
	readonly problem: RestoreProblem | null;
	readonly fileName: string;
	readonly progress: { done: number; total: number };
	/** The preview while `preview`, then what the restore did once `done`. */
	readonly report: RestoreReport | null;
	readonly damaged: DamagedRecord[];
}

/** What the person can do in a restore: choose a file, then confirm or cancel its preview. */
export interface RestoreActions {
	choose(file: File): Promise<void>;
	confirm(): Promise<void>;
	cancel(): void;
}
