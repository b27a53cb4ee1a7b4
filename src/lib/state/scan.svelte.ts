import type { Html5Qrcode } from 'html5-qrcode';
import { promptStateRepository } from '$lib/data/promptState';
import { parseScan, type Card, type ScanFailure } from '$lib/domain/card';
import { splitExchangeToken } from '$lib/domain/card/exchange';
import { app } from './app.svelte';
import { handleOf, personName } from '$lib/domain/people';
import { findKept, keepAndSendBack, type KeptMatch } from './keepConnection';
import { parseTags } from '$lib/domain/personEdit';
import type { ExchangeOutcome, ExchangeProgress } from '$lib/domain/sync/status';

// The scanner page's state. html5-qrcode (≈ 100 KB gz) drives the camera and the viewfinder; the
// decoder (./qrDecoder, ZXing-C++ WebAssembly) reads the frames at the camera's full resolution.
// Both are imported the moment the camera or a photo is asked for, never before, so not even
// this page's first paint waits for them.

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
/**
 * The part of a camera frame the decoder reads, in the video's own pixels: a centred square a
 * little larger than the scan box drawn on screen, so a code held partly outside it still reads,
 * at full resolution (html5-qrcode's own loop shrinks the frame to the viewfinder's CSS size,
 * which loses a dense code at 640×480).
 */
export function regionOfInterest(
	width: number,
	height: number
): { x: number; y: number; side: number } {
	const side = Math.floor(Math.min(width, height) * 0.9);
	return { x: Math.floor((width - side) / 2), y: Math.floor((height - side) / 2), side };
}

/** How long the camera looks without reading anything before the page says what helps. */
export const SCAN_HELP_AFTER_MS = 3000;

/**
 * What the camera is asked for: the rear camera at 1920×1080 if it can (a dense code needs the
 * pixels; 640×480 is the fallback browsers pick without asking), focusing continuously where
 * the platform supports it (an unsupported advanced constraint is skipped, not an error).
 */
export function cameraConstraints(cameraId?: string): MediaTrackConstraints {
	return {
		...(cameraId ? { deviceId: { exact: cameraId } } : { facingMode: 'environment' }),
		width: { ideal: 1920 },
		height: { ideal: 1080 },
		// `focusMode` is not in TypeScript's DOM types yet; Chrome on Android supports it.
		advanced: [{ focusMode: 'continuous' } as MediaTrackConstraintSet]
	};
}

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
type Decoder = typeof import('./qrDecoder');

export class ScanSession {
	camera = $state<'off' | 'starting' | 'on'>('off');
	problem = $state<CameraProblem | null>(null);
	cameras = $state<CameraChoice[]>([]);
	cameraId = $state('');
	torchSupported = $state(false);
	torchOn = $state(false);
	photo = $state<'idle' | 'reading' | 'failed'>('idle');
	/** Nothing read for a while: the page says what helps (closer, less glare, held parallel). */
	struggling = $state(false);

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
	#scanner: Html5Qrcode | null = null;
	#library: Promise<Library> | null = null;
	#decoder: Promise<Decoder> | null = null;
	#helpTimer: ReturnType<typeof setTimeout> | undefined;
	#exchangeToken: string | null = null;
	/** Bumped on every stop, so a start that finishes after it knows it is no longer wanted. */
	#generation = 0;

	constructor(viewfinderId: string) {
		this.#viewfinderId = viewfinderId;
	}

	#loadDecoder(): Promise<Decoder> {
		this.#decoder ??= import('./qrDecoder');
		return this.#decoder;
	}

	async #create(elementId: string): Promise<Html5Qrcode> {
		this.#library ??= import('html5-qrcode');
		const { Html5Qrcode, Html5QrcodeSupportedFormats } = await this.#library;
		return new Html5Qrcode(elementId, {
			verbose: false,
			formatsToSupport: [Html5QrcodeSupportedFormats.QR_CODE]
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
			const [scanner, decoder] = await Promise.all([
				this.#create(this.#viewfinderId),
				this.#loadDecoder()
			]);
			if (generation !== this.#generation) return;
			this.#scanner = scanner;
			let done = false;
			const found = (text: string) => {
				if (done) return;
				done = true;
				performance.mark(SCAN_DECODED_MARK);
				void this.stop().then(() => this.accept(text));
			};
			performance.mark(SCAN_START_MARK);
			await scanner.start(
				{ facingMode: 'environment' },
				{
					fps: 15,
					qrbox: scanBox,
					disableFlip: true,
					videoConstraints: cameraConstraints(cameraId)
				},
				found,
				undefined
			);
			if (generation !== this.#generation) {
				await this.#release(scanner);
				return;
			}
			this.camera = 'on';
			void this.#pauseOwnDecoding(scanner, generation);
			this.#helpTimer = setTimeout(() => (this.struggling = true), SCAN_HELP_AFTER_MS);
			void this.#readFrames(decoder, generation, found);
			this.#readTrack(scanner);
			await this.#listCameras();
		} catch (error) {
			if (generation !== this.#generation) return;
			this.problem = cameraProblemFrom(error);
			this.camera = 'off';
			this.#scanner = null;
		}
	}

	/**
	 * html5-qrcode keeps the camera and the viewfinder, but its own decoding (a shrunken frame,
	 * JavaScript ZXing) only competes with ours for the CPU. It can be paused once its viewfinder
	 * is set up, which happens when the video starts playing, possibly after start() resolved.
	 * The page hides its "paused" banner.
	 */
	async #pauseOwnDecoding(scanner: Html5Qrcode, generation: number): Promise<void> {
		const video = document.getElementById(this.#viewfinderId)?.querySelector('video');
		if (!video) return;
		if (video.paused || video.readyState < video.HAVE_FUTURE_DATA) {
			await new Promise((resolve) => video.addEventListener('playing', resolve, { once: true }));
		}
		if (generation !== this.#generation) return;
		try {
			scanner.pause(false);
		} catch {
			// Not pausable after all: both loops read, and the first code either finds is taken.
		}
	}

	/** Reads the viewfinder's video, frame after frame, until a code is found or the camera stops. */
	async #readFrames(
		decoder: Decoder,
		generation: number,
		found: (text: string) => void
	): Promise<void> {
		const video = document.getElementById(this.#viewfinderId)?.querySelector('video');
		const canvas = document.createElement('canvas');
		const context = canvas.getContext('2d', { willReadFrequently: true });
		if (!video || !context) return;
		while (generation === this.#generation) {
			if (video.readyState >= video.HAVE_CURRENT_DATA && video.videoWidth > 0) {
				const { x, y, side } = regionOfInterest(video.videoWidth, video.videoHeight);
				canvas.width = canvas.height = side;
				context.drawImage(video, x, y, side, side, 0, 0, side, side);
				try {
					const text = await decoder.decodeFrame(context.getImageData(0, 0, side, side));
					if (text && generation === this.#generation) found(text);
				} catch {
					// One unreadable frame (the camera stopping under it): the next one is read.
				}
			}
			// One frame's wait (about 1/15 s) leaves the main thread to the page in between.
			await new Promise((resolve) => setTimeout(resolve, 66));
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
		clearTimeout(this.#helpTimer);
		this.struggling = false;
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
			const text = await (await this.#loadDecoder()).decodePhoto(file);
			if (text === null) {
				this.photo = 'failed';
				return;
			}
			this.photo = 'idle';
			await this.accept(text);
		} catch {
			// Not a picture the browser can open (a HEIC on Chrome, a damaged file).
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
		let sendingBack: Promise<ExchangeOutcome | null> | null;
		try {
			const result = await keepAndSendBack(
				{
					card: { ...decoded.card, name },
					source: 'scan',
					note: this.note,
					talkPhrase: this.talkPhrase,
					tags: parseTags(this.tags),
					sameAs: updating ? this.match?.connection.id : null,
					...(this.promptText ? { promptText: this.promptText } : {})
				},
				this.#exchangeToken
			);
			sendingBack = result.sendingBack;
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
		this.#exchangeToken = null;
		const saved = this.saved;
		if (sendingBack) {
			this.exchange = { status: 'sending' };
			const outcome = await sendingBack;
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
