import { restoreBackup, type CheckedBackup, type RestoreReport } from '$lib/data/yourData';
import { readBackupFile } from '$lib/data/yourDataReader';
import type { BackupFailure, DamagedRecord } from '$lib/domain/yourData';
import { app } from './app.svelte';

// Settings → Your data, bringing it back: a backup file checked and previewed, then merged into
// the device (rules in domain/yourData/restore.ts). Offline, without an account.

export type RestorePhase = 'idle' | 'checking' | 'preview' | 'restoring' | 'done';
/** Why a file was refused, or why the device could not take it. */
export type RestoreProblem = BackupFailure | 'unreadable_file' | 'storage';

/** Choosing a file, the preview of what it holds, then the restore with its progress. */
export class RestoreFlow {
	phase = $state<RestorePhase>('idle');
	problem = $state<RestoreProblem | null>(null);
	fileName = $state('');
	progress = $state({ done: 0, total: 0 });
	/** The preview while `preview`, then what the restore did once `done`. */
	report = $state<RestoreReport | null>(null);
	damaged = $derived<DamagedRecord[]>(this.report?.damaged ?? []);

	#backup: CheckedBackup | null = null;

	async choose(file: File): Promise<void> {
		this.#reset();
		this.fileName = file.name;
		this.phase = 'checking';
		const read = await readBackupFile(file, (done, total) => {
			this.progress = { done, total };
		});
		if (!read.ok) {
			this.phase = 'idle';
			this.problem = read.reason;
			return;
		}
		this.#backup = read.checked;
		await this.#run(false);
	}

	async confirm(): Promise<void> {
		if (this.phase !== 'preview' || !this.#backup) return;
		await this.#run(true);
		this.#backup = null;
		await app.refresh();
	}

	cancel(): void {
		this.#reset();
	}

	#reset(): void {
		this.phase = 'idle';
		this.problem = null;
		this.report = null;
		this.#backup = null;
		this.progress = { done: 0, total: 0 };
	}

	async #run(write: boolean): Promise<void> {
		const backup = this.#backup;
		if (!backup) return;
		this.phase = write ? 'restoring' : 'checking';
		try {
			this.report = await restoreBackup(await app.database(), backup, {
				write,
				onProgress: (done, total) => (this.progress = { done, total })
			});
			this.phase = write ? 'done' : 'preview';
		} catch {
			// Chunks already written stay (each is whole); the rest can be restored again safely.
			this.problem = 'storage';
			this.phase = 'idle';
		}
	}
}
