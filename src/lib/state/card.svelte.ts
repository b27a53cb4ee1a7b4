import { StorageUnavailableError } from '$lib/data/db';
import type { StorageFailure } from '$lib/domain/storage';
import { draftRepository } from '$lib/data/drafts';
import { encodeCardUrl } from '$lib/domain/card';
import {
	cardDraftSchema,
	draftFromProfile,
	emptyDraft,
	sameDraft,
	sharedCard,
	validateCardDraft,
	type CardDraft,
	type CardErrors
} from '$lib/domain/profile';
import type { Profile } from '$lib/domain/records';
import { app } from './app.svelte';
import { downloadFile, fileNameFor } from './files';
import type { QrMatrix } from '$lib/domain/card/qr';
import type { ShareOutcome } from '$lib/domain/card/qr';
import type { QrActionOutcome } from '$lib/domain/card/qr';

// My card and my QR, here and on the card page. Not imported by the shell: the card codec is too
// big for the first load.

export { fileNameFor };

const DRAFT_KEY = 'card';
const AUTOSAVE_MS = 400;

const noErrors = (): CardErrors => ({ fields: {}, channels: {} });

export type SaveOutcome =
	| { ok: true; profile: Profile }
	| { ok: false; reason: 'invalid' }
	| { ok: false; reason: 'storage'; failure: StorageFailure };

const failureOf = (error: unknown): StorageFailure =>
	error instanceof StorageUnavailableError ? error.reason : 'unknown';

/** The `/c` link for my card with only the shared fields, or null when it cannot be encoded. */
export function cardUrlFor(profile: Profile | null, origin: string): string | null {
	if (!profile) return null;
	try {
		return encodeCardUrl(sharedCard(profile), origin);
	} catch {
		return null;
	}
}

/**
 * The card editor: the draft as typed, autosaved (debounced) so a reload or a failed validation
 * loses nothing, and cleared once the card is saved.
 */
export class CardEditor {
	draft = $state<CardDraft>(emptyDraft());
	errors = $state<CardErrors>(noErrors());
	loaded = $state(false);
	/** A draft from an earlier visit that differs from the saved card was put back. */
	restored = $state(false);

	#timer: ReturnType<typeof setTimeout> | undefined;
	#writing: Promise<void> = Promise.resolve();

	async load(): Promise<void> {
		await app.load();
		const fromProfile = draftFromProfile(app.profile);
		let stored: unknown;
		try {
			stored = await draftRepository(await app.database()).get(DRAFT_KEY);
		} catch {
			stored = undefined;
		}
		const parsed = cardDraftSchema.safeParse(stored);
		this.restored = parsed.success && !sameDraft(parsed.data, fromProfile);
		this.draft = parsed.success ? parsed.data : fromProfile;
		this.loaded = true;
	}

	/** Call after every edit: the draft is written shortly after the typing pauses. */
	changed(): void {
		clearTimeout(this.#timer);
		this.#timer = setTimeout(() => void this.flush(), AUTOSAVE_MS);
	}

	/** Writes the draft now (also on leaving the page). */
	flush(): Promise<void> {
		clearTimeout(this.#timer);
		const snapshot = $state.snapshot(this.draft);
		this.#writing = this.#writing.then(async () => {
			try {
				await draftRepository(await app.database()).save(DRAFT_KEY, snapshot);
			} catch {
				// Nowhere to keep it: the storage notice already says why, and the form keeps it.
			}
		});
		return this.#writing;
	}

	async discard(): Promise<void> {
		clearTimeout(this.#timer);
		await this.#writing;
		this.draft = draftFromProfile(app.profile);
		this.errors = noErrors();
		this.restored = false;
		await this.#clearStored();
	}

	async save(): Promise<SaveOutcome> {
		const result = validateCardDraft(this.draft);
		if (!result.ok) {
			this.errors = result.errors;
			await this.flush();
			return { ok: false, reason: 'invalid' };
		}
		this.errors = noErrors();
		let profile: Profile;
		try {
			profile = await app.saveProfile(result.profile);
		} catch (error) {
			await this.flush();
			return { ok: false, reason: 'storage', failure: failureOf(error) };
		}
		clearTimeout(this.#timer);
		await this.#writing;
		await this.#clearStored();
		// Show the values as saved (a phone without its dashes), keeping each row's identity.
		const ids = this.draft.channels.map((channel) => channel.id);
		const saved = draftFromProfile(profile);
		saved.channels = saved.channels.map((channel, index) => ({
			...channel,
			id: ids[index] ?? channel.id
		}));
		this.draft = saved;
		this.restored = false;
		return { ok: true, profile };
	}

	async #clearStored(): Promise<void> {
		try {
			await draftRepository(await app.database()).clear(DRAFT_KEY);
		} catch {
			// Nothing could have been stored either.
		}
	}
}

/** A quick card made on the card page: a name and one channel, saved as my card. */
export async function saveQuickCard(
	name: string,
	channel: CardDraft['channels'][number]
): Promise<{ ok: true; profile: Profile } | { ok: false; errors: CardErrors } | SaveOutcome> {
	const result = validateCardDraft({ ...emptyDraft(), name, channels: [channel] });
	if (!result.ok) return { ok: false, errors: result.errors };
	try {
		return { ok: true, profile: await app.saveProfile(result.profile) };
	} catch (error) {
		return { ok: false, reason: 'storage', failure: failureOf(error) };
	}
}

/** The QR of `text` at error correction M; the generator loads only when a QR is shown. */
export async function qrFor(text: string): Promise<QrMatrix> {
	const { encode } = await import('uqr');
	const { data, size } = encode(text, { ecc: 'M', border: 0 });
	let path = '';
	data.forEach((row, y) => {
		let x = 0;
		while (x < row.length) {
			if (!row[x]) {
				x++;
				continue;
			}
			const start = x;
			while (row[x]) x++;
			path += `M${start} ${y}h${x - start}v1h-${x - start}z`;
		}
	});
	return { size, path, data };
}

/** Keeps the screen on while the QR shows, re-asking after the tab was hidden (which drops it). */
export class ScreenAwake {
	active = $state(false);
	#wanted = false;
	#sentinel: WakeLockSentinel | null = null;
	#onVisibility = () => {
		if (this.#wanted && document.visibilityState === 'visible') void this.#request();
	};

	async acquire(): Promise<void> {
		this.#wanted = true;
		document.addEventListener('visibilitychange', this.#onVisibility);
		await this.#request();
	}

	async release(): Promise<void> {
		this.#wanted = false;
		document.removeEventListener('visibilitychange', this.#onVisibility);
		const sentinel = this.#sentinel;
		this.#sentinel = null;
		this.active = false;
		await sentinel?.release().catch(() => undefined);
	}

	async #request(): Promise<void> {
		if (!('wakeLock' in navigator)) return;
		try {
			const sentinel = await navigator.wakeLock.request('screen');
			if (!this.#wanted) {
				await sentinel.release();
				return;
			}
			this.#sentinel = sentinel;
			this.active = true;
			sentinel.addEventListener('release', () => {
				if (this.#sentinel === sentinel) this.active = false;
			});
		} catch {
			// Refused (low battery, a hidden tab): the brightness hint still applies.
			this.active = false;
		}
	}
}

/** The Web Share sheet where there is one, else the clipboard. */
export async function shareLink(url: string, title: string): Promise<ShareOutcome> {
	if (typeof navigator.share === 'function') {
		try {
			await navigator.share({ title, url });
			return 'shared';
		} catch (error) {
			if (error instanceof DOMException && error.name === 'AbortError') return 'cancelled';
		}
	}
	try {
		await navigator.clipboard.writeText(url);
		return 'copied';
	} catch {
		return 'failed';
	}
}

/** A PNG of the QR, black on white with the quiet zone, the name underneath. */
export async function saveQrImage(qr: QrMatrix, caption: string, fileName: string): Promise<void> {
	const scale = 12;
	const quiet = 4;
	const side = (qr.size + 2 * quiet) * scale;
	const captionHeight = caption ? 6 * scale : 0;
	const canvas = document.createElement('canvas');
	canvas.width = side;
	canvas.height = side + captionHeight;
	const context = canvas.getContext('2d');
	if (!context) throw new Error('No 2D canvas');
	context.fillStyle = '#ffffff';
	context.fillRect(0, 0, canvas.width, canvas.height);
	context.fillStyle = '#000000';
	qr.data.forEach((row, y) =>
		row.forEach((dark, x) => {
			if (dark) context.fillRect((x + quiet) * scale, (y + quiet) * scale, scale, scale);
		})
	);
	if (caption) {
		context.font = `600 ${3 * scale}px system-ui, sans-serif`;
		context.textAlign = 'center';
		context.textBaseline = 'middle';
		context.fillText(caption, side / 2, side + captionHeight / 2 - scale, side - 2 * scale);
	}
	const blob = await new Promise<Blob>((resolve, reject) =>
		canvas.toBlob((png) => (png ? resolve(png) : reject(new Error('toBlob'))), 'image/png')
	);
	downloadFile(blob, fileName);
}

/** The full-screen QR: what it shows, the screen kept awake, and the share and save actions. */
export class QrScreen {
	url = $state<string | null>(null);
	name = $state('');
	qr = $state<QrMatrix | null>(null);
	failed = $state(false);
	outcome = $state<QrActionOutcome | null>(null);
	readonly awake = new ScreenAwake();

	async show(url: string, name: string): Promise<void> {
		this.url = url;
		this.name = name;
		this.qr = null;
		this.failed = false;
		this.outcome = null;
		const [qr] = await Promise.allSettled([qrFor(url), this.awake.acquire()]);
		if (this.url !== url) return;
		if (qr.status === 'fulfilled') this.qr = qr.value;
		else this.failed = true;
	}

	async hide(): Promise<void> {
		this.url = null;
		this.qr = null;
		await this.awake.release();
	}

	async share(title: string): Promise<void> {
		if (!this.url) return;
		this.outcome = null;
		const outcome = await shareLink(this.url, title);
		this.outcome = outcome === 'cancelled' ? null : outcome;
	}

	async saveImage(fileName: string): Promise<void> {
		if (!this.qr) return;
		try {
			await saveQrImage(this.qr, this.name, fileNameFor(fileName, 'png', 'qr'));
			this.outcome = 'image_saved';
		} catch {
			this.outcome = 'image_failed';
		}
	}
}
