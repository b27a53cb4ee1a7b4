import type { Html5Qrcode } from 'html5-qrcode';
import { promptStateRepository } from '$lib/data/promptState';
import { parseScan, type Card, type ScanFailure } from '$lib/domain/card';
import { splitExchangeToken } from '$lib/domain/card/exchange';
import { app } from './app.svelte';
import { handleOf, personName } from '$lib/domain/people';
import { findKept, keepConnection, type KeptMatch } from './keepConnection';
import { parseTags } from './people.svelte';
import type { ExchangeProgress } from './exchangeToken.svelte';
import { syncSwitch } from './syncSwitch.svelte';

// The scanner page's state. html5-qrcode (≈ 100 KB gz) is imported the moment the camera or a
// photo is asked for, never before, so not even this page's first paint waits for it.

export type CameraProblem =
	'denied' | 'no_camera' | 'insecure' | 'in_use' | 'unsupported' | 'failed';

/** What html5-qrcode's start() rejected with (a string wrapping the DOMException, or an Error). */
export function cameraProblemFrom(error: unknown): CameraProblem {
	const text =
		error instanceof Error ? `${error.name}: ${error.message}` : String(error ?? 'unknown');
	if (/NotAllowed|Permission|SecurityError/i.test(text)) return 'denied';
	if (/NotFound|DevicesNotFound|Overconstrained|device not found/i.test(text)) return 'no_camera';
	if (/NotReadable|TrackStart|Could not start video/i.test(text)) return 'in_use';
	if (/not supported/i.test(text)) return 'unsupported';
	return 'failed';
}

/** Why the camera cannot even be asked for, or null when it can. */
export function cameraPrecondition(scope: {
	isSecureContext: boolean;
	navigator: { mediaDevices?: { getUserMedia?: unknown } };
}): CameraProblem | null {
	if (!scope.isSecureContext) return 'insecure';
	if (typeof scope.navigator.mediaDevices?.getUserMedia !== 'function') return 'unsupported';
	return null;
}

/**
 * The scan box inside a viewfinder of this size: a square of 70% of the shorter side, so a
 * phone held at a comfortable distance fills it, never under html5-qrcode's minimum of 50 px.
 */
export function scanBox(width: number, height: number): { width: number; height: number } {
	const side = Math.max(50, Math.floor(Math.min(width, height) * 0.7));
	return { width: side, height: side };
}

/** An app added to the iPhone home screen asks for the camera again every time it opens. */
export function isIosHomeScreenApp(nav: Navigator & { standalone?: boolean }): boolean {
	return nav.standalone === true;
}

export interface CameraChoice {
	id: string;
	label: string;
}

export type Decoded =
	{ ok: true; text: string; card: Card } | { ok: false; text: string; reason: ScanFailure };

export interface Saved {
	connectionId: string;
	name: string;
	updated: boolean;
}

export const SCAN_START_MARK = 'rapport:scan-start';
export const SCAN_DECODED_MARK = 'rapport:scan-decoded';

type Library = typeof import('html5-qrcode');

export class ScanSession {
	camera = $state<'off' | 'starting' | 'on'>('off');
	problem = $state<CameraProblem | null>(null);
	cameras = $state<CameraChoice[]>([]);
	cameraId = $state('');
	torchSupported = $state(false);
	torchOn = $state(false);
	photo = $state<'idle' | 'reading' | 'failed'>('idle');

	decoded = $state<Decoded | null>(null);
	/** Asked for only when the scan had none (a bare profile link): nobody is saved nameless. */
	name = $state('');
	needsName = $state(false);
	/** The handle the card carries, offered as the name. */
	nameSuggestion = $state('');
	nameMissing = $state(false);
	note = $state('');
	talkPhrase = $state('');
	tags = $state('');
	/** Someone already kept whom this card belongs to, and whether to update them. */
	match = $state<KeptMatch | null>(null);
	keepAs = $state<'update' | 'new'>('update');
	/** The prompt marked "this one worked", offered as the talk phrase and kept with the connection. */
	promptText = $state<string | undefined>(undefined);
	saving = $state(false);
	saveFailed = $state(false);
	saved = $state<Saved | null>(null);
	/** My card on its way back to them, when their QR carried an exchange token. */
	exchange = $state<ExchangeProgress | null>(null);

	#viewfinderId: string;
	#photoId: string;
	#scanner: Html5Qrcode | null = null;
	#library: Promise<Library> | null = null;
	#exchangeToken: string | null = null;
	/** Bumped on every stop, so a start that finishes after it knows it is no longer wanted. */
	#generation = 0;

	constructor(viewfinderId: string, photoId: string) {
		this.#viewfinderId = viewfinderId;
		this.#photoId = photoId;
	}

	#load(): Promise<Library> {
		this.#library ??= import('html5-qrcode');
		return this.#library;
	}

	async #create(elementId: string): Promise<Html5Qrcode> {
		const { Html5Qrcode, Html5QrcodeSupportedFormats } = await this.#load();
		return new Html5Qrcode(elementId, {
			verbose: false,
			formatsToSupport: [Html5QrcodeSupportedFormats.QR_CODE],
			// Where the platform has a native detector (Android Chrome, Safari 17+) it is faster.
			useBarCodeDetectorIfSupported: true
		});
	}

	/** Starts the rear camera, or the chosen one; must follow a tap (iOS requires a gesture). */
	async start(cameraId?: string): Promise<void> {
		const precondition = cameraPrecondition(window);
		if (precondition) {
			this.problem = precondition;
			return;
		}
		await this.stop();
		const generation = this.#generation;
		this.problem = null;
		this.camera = 'starting';
		try {
			const scanner = await this.#create(this.#viewfinderId);
			if (generation !== this.#generation) return;
			this.#scanner = scanner;
			let done = false;
			performance.mark(SCAN_START_MARK);
			await scanner.start(
				cameraId ? { deviceId: { exact: cameraId } } : { facingMode: 'environment' },
				{ fps: 15, qrbox: scanBox, disableFlip: true },
				(text) => {
					if (done) return;
					done = true;
					performance.mark(SCAN_DECODED_MARK);
					void this.stop().then(() => this.accept(text));
				},
				undefined
			);
			if (generation !== this.#generation) {
				await this.#release(scanner);
				return;
			}
			this.camera = 'on';
			this.#readTrack(scanner);
			await this.#listCameras();
		} catch (error) {
			if (generation !== this.#generation) return;
			this.problem = cameraProblemFrom(error);
			this.camera = 'off';
			this.#scanner = null;
		}
	}

	#readTrack(scanner: Html5Qrcode): void {
		try {
			const capabilities = scanner.getRunningTrackCapabilities() as MediaTrackCapabilities & {
				torch?: boolean;
			};
			this.torchSupported = capabilities.torch === true;
			this.cameraId = scanner.getRunningTrackSettings().deviceId ?? '';
		} catch {
			this.torchSupported = false;
		}
		this.torchOn = false;
	}

	async #listCameras(): Promise<void> {
		try {
			const devices = await navigator.mediaDevices.enumerateDevices();
			this.cameras = devices
				.filter((device) => device.kind === 'videoinput' && device.deviceId)
				.map((device) => ({ id: device.deviceId, label: device.label }));
		} catch {
			this.cameras = [];
		}
	}

	async switchCamera(id: string): Promise<void> {
		if (id === this.cameraId && this.camera === 'on') return;
		await this.start(id);
	}

	async toggleTorch(): Promise<void> {
		const scanner = this.#scanner;
		if (!scanner || !this.torchSupported) return;
		const next = !this.torchOn;
		try {
			// `torch` is not in TypeScript's DOM types yet; Chrome on Android supports it.
			const torch = { torch: next } as MediaTrackConstraintSet;
			await scanner.applyVideoConstraints({ advanced: [torch] });
			this.torchOn = next;
		} catch {
			this.torchSupported = false;
		}
	}

	async #release(scanner: Html5Qrcode): Promise<void> {
		try {
			if (scanner.isScanning) await scanner.stop();
			scanner.clear();
		} catch {
			// Already stopped (the page hid while it was stopping): nothing is left to release.
		}
	}

	/** Lets go of the camera: on leaving the page, hiding it, or after a decode. */
	async stop(): Promise<void> {
		this.#generation++;
		const scanner = this.#scanner;
		this.#scanner = null;
		this.camera = 'off';
		this.torchOn = false;
		if (scanner) await this.#release(scanner);
	}

	async scanPhoto(file: File): Promise<void> {
		await this.stop();
		this.photo = 'reading';
		try {
			const scanner = await this.#create(this.#photoId);
			const text = await scanner.scanFile(file, false);
			scanner.clear();
			this.photo = 'idle';
			await this.accept(text);
		} catch {
			this.photo = 'failed';
		}
	}

	/** A decoded QR: a card to preview, or the reason it is not one. */
	async accept(text: string): Promise<void> {
		const result = parseScan(text);
		this.saved = null;
		this.saveFailed = false;
		this.exchange = null;
		this.#exchangeToken =
			result.ok && result.format === 'rapport' ? splitExchangeToken(text).token : null;
		this.decoded = result.ok
			? { ok: true, text, card: result.card }
			: { ok: false, text, reason: result.reason };
		if (!result.ok) return;
		this.#clearForm();
		this.needsName = result.card.name === '';
		this.nameSuggestion = this.needsName ? handleOf(result.card) : '';
		try {
			const worked = (await promptStateRepository(await app.database()).get()).worked;
			if (worked) {
				this.promptText = worked.text;
				this.talkPhrase = worked.text;
			}
			this.match = await findKept(result.card);
		} catch {
			// Without storage there is no prompt to offer; saving will say why it cannot.
		}
	}

	#clearForm(): void {
		this.name = '';
		this.needsName = false;
		this.nameSuggestion = '';
		this.nameMissing = false;
		this.note = '';
		this.talkPhrase = '';
		this.tags = '';
		this.promptText = undefined;
		this.match = null;
		this.keepAs = 'update';
	}

	async save(): Promise<void> {
		const decoded = this.decoded;
		if (!decoded?.ok || this.saving) return;
		const name = this.needsName ? this.name.trim() : decoded.card.name;
		// Updating someone already kept keeps their name; anyone new must have one.
		const updating = this.match !== null && this.keepAs === 'update';
		this.nameMissing = name === '' && !updating;
		if (this.nameMissing) return;
		this.saving = true;
		this.saveFailed = false;
		try {
			const result = await keepConnection({
				card: { ...decoded.card, name },
				source: 'scan',
				note: this.note,
				talkPhrase: this.talkPhrase,
				tags: parseTags(this.tags),
				sameAs: updating ? this.match?.connection.id : null,
				...(this.promptText ? { promptText: this.promptText } : {})
			});
			this.saved = {
				connectionId: result.connection.id,
				name: personName(result.connection.card),
				updated: result.updated
			};
			this.decoded = null;
		} catch {
			this.saveFailed = true;
			this.saving = false;
			return;
		}
		this.saving = false;
		const token = this.#exchangeToken;
		this.#exchangeToken = null;
		const saved = this.saved;
		if (token && syncSwitch.on) {
			// Sync's code loads only when there is a card to send back.
			this.exchange = { status: 'sending' };
			const { exchangeToken } = await import('./exchangeToken.svelte');
			const outcome = await exchangeToken.acceptScannedExchange(token);
			if (this.saved === saved) this.exchange = outcome;
		}
	}

	/** Back to the camera for the next person; keeps nothing of the last one on screen. */
	reset(): void {
		this.decoded = null;
		this.saved = null;
		this.saveFailed = false;
		this.exchange = null;
		this.#exchangeToken = null;
		this.#clearForm();
		this.photo = 'idle';
	}
}
