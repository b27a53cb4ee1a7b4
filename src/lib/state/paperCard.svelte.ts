import { promptStateRepository } from '$lib/data/promptState';
import {
	emptyReading,
	extractPaperCard,
	isEmptyReading,
	linesFromWords,
	startingFrame,
	type CropFrame,
	paperCardToCard,
	type PaperCardLabels,
	type PaperCardReading
} from '$lib/domain/paperCard';
import { personName } from '$lib/domain/people';
import { app } from './app.svelte';
import { findKept, keepConnection, type KeptMatch } from './keepConnection';
import { parseTags } from '$lib/domain/personEdit';
import type { Saved } from './scan.svelte';

// The paper-card page's state: a photo in, a review form out, then the same keep step as a QR
// scan. The recogniser (data/paperCardOcr, tesseract.js in a worker) and the photo preparation
// are imported when the first photo is chosen, never before.

export type PaperCardProblem = 'dark' | 'blurry' | 'no_card' | 'file' | 'failed';

export const PAPER_CARD_START_MARK = 'rapport:paper-card-start';
export const PAPER_CARD_READ_MARK = 'rapport:paper-card-read';

type Ocr = typeof import('$lib/data/paperCardOcr');
type Photo = typeof import('./paperCardPhoto');

/** Thrown inside a read that the person cancelled, so nothing after it runs. */
class Cancelled extends Error {}

type Until = <T>(work: Promise<T>) => Promise<T>;

export class PaperCardSession {
	step = $state<'choose' | 'frame' | 'reading' | 'review' | 'saved'>('choose');
	/** The frame drawn round the card by hand, when the app could not find the card itself. */
	frame = $state<CropFrame>(startingFrame());
	/** The first use's download, 0–1; null once the recogniser is ready (or not needed yet). */
	loading = $state<number | null>(null);
	problem = $state<PaperCardProblem | null>(null);
	cancelled = $state(false);

	reading = $state<PaperCardReading>(emptyReading());
	/** An object URL of the card as read, shown beside the form. */
	photoUrl = $state<string | null>(null);
	keepPhoto = $state(false);

	nameMissing = $state(false);
	note = $state('');
	talkPhrase = $state('');
	tags = $state('');
	match = $state<KeptMatch | null>(null);
	keepAs = $state<'update' | 'new'>('update');
	promptText = $state<string | undefined>(undefined);
	saving = $state(false);
	saveFailed = $state(false);
	saved = $state<Saved | null>(null);

	#image: HTMLCanvasElement | null = null;
	#generation = 0;
	#stop: (() => void) | null = null;

	/** Reads a card photo: straight to the form when the card stands out, else to framing it. */
	async read(file: Blob): Promise<void> {
		this.#clear();
		performance.mark(PAPER_CARD_START_MARK);
		await this.#run(async (until, ocr, photo) => {
			let prepared: Awaited<ReturnType<Photo['preparePhoto']>>;
			try {
				prepared = await until(photo.preparePhoto(file));
			} catch (error) {
				if (error instanceof Cancelled) throw error;
				this.#fail('file');
				return;
			}
			if (prepared.problem) {
				this.#fail(prepared.problem);
				return;
			}
			this.#image = prepared.image;
			if (!prepared.bounded) {
				this.frame = startingFrame();
				this.photoUrl = URL.createObjectURL(await photo.photoToKeep(prepared.image));
				this.step = 'frame';
				return;
			}
			await this.#readImage(until, ocr, photo, prepared.image);
		});
	}

	/** Reads the part of the photo inside the frame, or all of it. */
	async readFramed(whole = false): Promise<void> {
		const image = this.#image;
		if (this.step !== 'frame' || !image) return;
		const frame = whole ? null : $state.snapshot(this.frame);
		performance.mark(PAPER_CARD_START_MARK);
		await this.#run(async (until, ocr, photo) => {
			const card = frame ? photo.framed(image, frame) : image;
			this.#image = card;
			await this.#readImage(until, ocr, photo, card);
		});
	}

	async #readImage(until: Until, ocr: Ocr, photo: Photo, image: HTMLCanvasElement) {
		const lines = await until(this.#recognise(ocr, image));
		const reading = extractPaperCard(lines.flatMap(linesFromWords));
		if (isEmptyReading(reading)) {
			this.#fail('no_card');
			return;
		}
		await this.#review(reading, image, photo);
	}

	/** One read, which the person can stop at any point: `until` gives up when they do. */
	async #run(work: (until: Until, ocr: Ocr, photo: Photo) => Promise<void>): Promise<void> {
		const generation = ++this.#generation;
		this.problem = null;
		this.cancelled = false;
		this.step = 'reading';
		const stopped = new Promise<never>((_, reject) => {
			this.#stop = () => reject(new Cancelled());
		});
		const until: Until = (work) => Promise.race([work, stopped]);
		try {
			const [ocr, photo] = await until(
				Promise.all([import('$lib/data/paperCardOcr'), import('./paperCardPhoto')] as const)
			);
			await work(until, ocr, photo);
		} catch (error) {
			if (generation !== this.#generation) return;
			if (error instanceof Cancelled) {
				this.cancelled = true;
				this.step = 'choose';
			} else {
				this.#fail('failed');
			}
		} finally {
			if (generation === this.#generation) {
				this.loading = null;
				this.#stop = null;
			}
		}
	}

	async #recognise(ocr: Ocr, image: HTMLCanvasElement) {
		if (!ocr.recogniserLoaded()) this.loading = 0;
		return ocr.recognise(image, (share) => {
			this.loading = share < 1 ? share : null;
		});
	}

	async #review(reading: PaperCardReading, image: HTMLCanvasElement, photo: Photo) {
		this.reading = reading;
		// The whole photo shown for framing gives way to the card as it was read.
		if (this.photoUrl) URL.revokeObjectURL(this.photoUrl);
		this.photoUrl = URL.createObjectURL(await photo.photoToKeep(image));
		this.step = 'review';
		performance.mark(PAPER_CARD_READ_MARK);
		await this.#offerKeepStep();
	}

	/** The prompt that worked, and whom this card may belong to, as a QR scan offers them. */
	async #offerKeepStep(): Promise<void> {
		try {
			const worked = (await promptStateRepository(await app.database()).get()).worked;
			if (worked) {
				this.promptText = worked.text;
				this.talkPhrase = worked.text;
			}
			this.match = await findKept(paperCardToCard(this.reading, NO_LABELS));
		} catch {
			// Without storage there is no prompt to offer; saving will say why it cannot.
		}
	}

	#fail(problem: PaperCardProblem): void {
		this.problem = problem;
		this.step = 'choose';
	}

	/** Stops a read: the recogniser is ended (a fresh one starts next time), nothing is kept. */
	async cancel(): Promise<void> {
		const stop = this.#stop;
		this.#generation++;
		this.#stop = null;
		if (!stop) return;
		stop();
		this.cancelled = true;
		this.step = 'choose';
		this.loading = null;
		const { stopRecogniser } = await import('$lib/data/paperCardOcr');
		await stopRecogniser();
	}

	/** The review form, empty: for a card the app could not read. */
	async typeInstead(): Promise<void> {
		this.#clear();
		this.step = 'review';
		await this.#offerKeepStep();
	}

	async save(labels: PaperCardLabels): Promise<void> {
		if (this.step !== 'review' || this.saving) return;
		const card = paperCardToCard(this.reading, labels);
		const updating = this.match !== null && this.keepAs === 'update';
		this.nameMissing = card.name === '' && !updating;
		if (this.nameMissing) return;
		this.saving = true;
		this.saveFailed = false;
		try {
			const result = await keepConnection({
				card,
				source: 'scan',
				note: this.note,
				talkPhrase: this.talkPhrase,
				tags: parseTags(this.tags),
				sameAs: updating ? this.match?.connection.id : null,
				...(this.promptText ? { promptText: this.promptText } : {})
			});
			const image = this.#image;
			if (this.keepPhoto && image) await this.#keepPhoto(result.connection.id, image);
			this.saved = {
				connectionId: result.connection.id,
				name: personName(result.connection.card),
				updated: result.updated
			};
			this.step = 'saved';
		} catch {
			this.saveFailed = true;
		} finally {
			this.saving = false;
		}
	}

	async #keepPhoto(connectionId: string, image: HTMLCanvasElement): Promise<void> {
		const [{ photoToKeep }, { paperCardPhotoRepository }] = await Promise.all([
			import('./paperCardPhoto'),
			import('$lib/data/paperCardPhotos')
		]);
		await paperCardPhotoRepository(await app.database()).save(
			connectionId,
			await photoToKeep(image)
		);
	}

	#clear(): void {
		if (this.photoUrl) URL.revokeObjectURL(this.photoUrl);
		this.photoUrl = null;
		this.frame = startingFrame();
		this.#image = null;
		this.problem = null;
		this.cancelled = false;
		this.reading = emptyReading();
		this.keepPhoto = false;
		this.nameMissing = false;
		this.note = '';
		this.talkPhrase = '';
		this.tags = '';
		this.match = null;
		this.keepAs = 'update';
		this.promptText = undefined;
		this.saveFailed = false;
		this.saved = null;
	}

	/** Back to choosing a photo, for the next card. */
	reset(): void {
		this.#generation++;
		this.#clear();
		this.step = 'choose';
	}
}

/** Labels do not matter to who someone is: the duplicate check reads the card without them. */
const NO_LABELS: PaperCardLabels = {
	mobile: '',
	office: '',
	fax: '',
	address: '',
	extension: () => ''
};
