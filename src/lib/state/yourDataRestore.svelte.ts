import { openRestore, type RestoreSession } from '$lib/data/yourDataRestore';
import type { DamagedRecord } from '$lib/domain/yourData';
import { app } from './app.svelte';
import type {
	RestoreActions,
	RestorePhase,
	RestoreProblem,
	RestoreReport,
	RestoreView
} from '$lib/domain/yourData/outcomes';

// Settings → Your data, bringing it back: a backup file checked and previewed, then merged into
// the device (rules in domain/yourData/restore.ts). Offline, without an account.

/** Choosing a file, the preview of what it holds, then the restore with its progress. */
export class RestoreFlow implements RestoreView, RestoreActions {
	phase = $state<RestorePhase>('idle');
	problem = $state<RestoreProblem | null>(null);
	fileName = $state('');
	progress = $state({ done: 0, total: 0 });
	/** The preview while `preview`, then what the restore did once `done`. */
	report = $state<RestoreReport | null>(null);
	damaged = $derived<DamagedRecord[]>(this.report?.damaged ?? []);

	#session: RestoreSession | null = null;

	#onProgress = (done: number, total: number) => {
		this.progress = { done, total };
	};

	async choose(file: File): Promise<void> {
		this.#reset();
		this.fileName = file.name;
		this.phase = 'checking';
		try {
			const opened = await openRestore(await app.database(), file, this.#onProgress);
			if (!opened.ok) {
				this.phase = 'idle';
				this.problem = opened.reason;
				return;
			}
			this.#session = opened.session;
			this.report = opened.session.preview;
			this.phase = 'preview';
		} catch {
			this.#failed();
		}
	}

	async confirm(): Promise<void> {
		const session = this.#session;
		if (this.phase !== 'preview' || !session) return;
		this.#session = null;
		this.phase = 'restoring';
		try {
			this.report = await session.restore(this.#onProgress);
			this.phase = 'done';
		} catch {
			// Chunks already written stay (each is whole); the rest can be restored again safely.
			this.#failed();
		}
	}

	cancel(): void {
		this.#reset();
	}

	#failed(): void {
		this.problem = 'storage';
		this.phase = 'idle';
	}

	#reset(): void {
		this.#session?.close();
		this.#session = null;
		this.phase = 'idle';
		this.problem = null;
		this.report = null;
		this.progress = { done: 0, total: 0 };
	}
}
