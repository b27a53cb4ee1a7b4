import type { RapportDatabase } from '$lib/data/db';
import { followUpMovesFor } from '$lib/domain/coach/followUpMoves';
import { promptDeckRepository, type OpenerEdits } from '$lib/data/promptDeck';
import { promptStateRepository } from '$lib/data/promptState';
import {
	buildOpener,
	CUSTOM_PROMPT_MAX,
	filterLines,
	loadDeck,
	validatePreparedList,
	type Deck,
	type DeckLocale,
	type FollowUpMove,
	type OpenerCard,
	type OpenerVariant,
	type PreparedListError
} from '$lib/domain/prompts';
import type { PromptState } from '$lib/domain/records';
import { app } from './app.svelte';
import {
	allPrompts,
	cardAt,
	createPosition,
	customCardId,
	dealFor,
	defaultFilter,
	filterKey,
	hasPrevious,
	nextPosition,
	openPosition,
	positionOf,
	previousPosition,
	type CurrentEvent,
	type Deal,
	type DeckCard,
	type DeckFilter,
	type DeckPosition,
	type DeckSource,
	type PreparedList,
	type PromptView
} from '$lib/domain/prompts/sequence';

// The prompt screen's state: loads the deck for the reader's language, deals it for the current
// filter and event, and keeps favourites, the prepared list, "this one worked", the place in each
// filter and the edited opener on the device. Only the /prompts route imports it, so the deck,
// its schema and zod stay out of the first load.

export type PromptsStatus = 'loading' | 'ready' | 'failed';

const nowIso = () => new Date(Date.now()).toISOString();
const newSeed = () => crypto.getRandomValues(new Uint32Array(1))[0] ?? Date.now();

export class PromptsScreen {
	status = $state<PromptsStatus>('loading');
	deck = $state.raw<Deck | null>(null);
	saved = $state.raw<PromptState>({ favourites: [], prepared: {} });
	filter = $state.raw<DeckFilter>(defaultFilter(null));
	/** What is being dealt: fixed when the screen opens or the filter changes, so favouriting or
	 * preparing a card never reshuffles the deck under the person's thumb. */
	deal = $state.raw<Deal | null>(null);
	position = $state.raw<DeckPosition | null>(null);
	openerEdits = $state.raw<OpenerEdits>({});
	/** Something could not be written on this device; it lasts only as long as the page. */
	saveFailed = $state(false);

	readonly locale: DeckLocale;
	#db: RapportDatabase | null = null;
	#positions: Record<string, unknown> = {};
	#writes: Promise<unknown> = Promise.resolve();

	constructor(locale: DeckLocale) {
		this.locale = locale;
	}

	event = $derived<CurrentEvent | null>(
		app.currentEvent
			? {
					id: app.currentEvent.id,
					topic: app.currentEvent.topic,
					context: app.currentEvent.context
				}
			: null
	);
	eventName = $derived(app.currentEvent?.name ?? null);
	prepared = $derived<PreparedList>(
		(this.event && this.saved.prepared[this.event.id]) || { ids: [], custom: [] }
	);
	/** Ways to leave and to offer something, for the setting the deck is filtered by. */
	exits = $derived(this.deck ? filterLines(this.deck.exits, this.filter.context) : []);
	offers = $derived(this.deck ? filterLines(this.deck.offers, this.filter.context) : []);
	card = $derived(this.deal && this.position ? cardAt(this.deal, this.position) : undefined);
	place = $derived(this.deal && this.position ? positionOf(this.deal, this.position) : null);
	canGoBack = $derived(this.deal && this.position ? hasPrevious(this.deal, this.position) : false);

	async start(): Promise<void> {
		let deck: Deck;
		try {
			deck = await loadDeck(this.locale);
		} catch {
			this.status = 'failed';
			return;
		}
		try {
			const db = await app.database();
			const [saved, record] = await Promise.all([
				promptStateRepository(db).get(),
				promptDeckRepository(db).get()
			]);
			this.#db = db;
			this.saved = saved;
			this.#positions = Object.fromEntries(
				Object.entries(record.positions).map(([key, entry]) => [key, entry.value])
			);
			this.openerEdits = record.openers[this.locale] ?? {};
		} catch {
			// No storage on this device: the deck still works, nothing is remembered.
			this.#db = null;
		}
		this.deck = deck;
		this.filter = defaultFilter(this.event);
		this.#open(this.filter);
		this.status = 'ready';
	}

	#source(): DeckSource | null {
		if (!this.deck) return null;
		return {
			prompts: this.deck.prompts,
			topicTemplates: this.deck.topicTemplates,
			event: this.event,
			favourites: this.saved.favourites,
			prepared: this.event ? this.saved.prepared[this.event.id] : undefined
		};
	}

	#open(filter: DeckFilter): void {
		const source = this.#source();
		if (!source) return;
		const deal = dealFor(source, filter);
		const saved = this.#positions[filterKey(filter, this.event?.id)];
		this.filter = filter;
		this.deal = deal;
		this.position =
			saved === undefined ? createPosition(deal, newSeed()) : openPosition(deal, saved, newSeed());
		this.#rememberPosition();
	}

	setView(view: PromptView): void {
		this.#open({ ...this.filter, view });
	}

	setContext(context: DeckFilter['context']): void {
		this.#open({ ...this.filter, context });
	}

	next(): void {
		if (!this.deal || !this.position) return;
		this.position = nextPosition(this.deal, this.position);
		this.#rememberPosition();
	}

	previous(): void {
		if (!this.deal || !this.position) return;
		this.position = previousPosition(this.deal, this.position);
		this.#rememberPosition();
	}

	#rememberPosition(): void {
		const key = filterKey(this.filter, this.event?.id);
		const position = this.position;
		this.#positions[key] = position;
		void this.#write((db) => promptDeckRepository(db).savePosition(key, position));
	}

	/** Writes in the order they were asked for, so two quick taps never undo each other. */
	#write(action: (db: RapportDatabase) => Promise<unknown>): Promise<void> {
		const db = this.#db;
		const run = this.#writes.then(async () => {
			if (!db) throw new Error('no storage');
			await action(db);
		});
		this.#writes = run.catch(() => undefined);
		return run.then(
			() => undefined,
			() => {
				this.saveFailed = true;
			}
		);
	}

	#updateSaved(change: (state: PromptState) => PromptState): Promise<void> {
		this.saved = change(this.saved);
		return this.#write(async (db) => {
			const repository = promptStateRepository(db);
			await repository.save(change(await repository.get()));
		});
	}

	isFavourite(id: string): boolean {
		return this.saved.favourites.includes(id);
	}

	toggleFavourite(card: DeckCard): Promise<void> {
		return this.#updateSaved((state) => ({
			...state,
			favourites: state.favourites.includes(card.id)
				? state.favourites.filter((id) => id !== card.id)
				: [...state.favourites, card.id]
		}));
	}

	isPrepared(card: DeckCard): boolean {
		return this.prepared.ids.includes(card.id) || this.#customIndex(card) !== undefined;
	}

	#customIndex(card: DeckCard): number | undefined {
		const index = this.prepared.custom.findIndex((_, i) => customCardId(i) === card.id);
		return index === -1 ? undefined : index;
	}

	#knownIds(): string[] {
		const source = this.#source();
		return source ? allPrompts(source).map((prompt) => prompt.id) : [];
	}

	/** The list's own problems, for the status line: too few, or a prompt gone from the deck. */
	preparedProblems = $derived.by<PreparedListError[]>(() => {
		const result = validatePreparedList(this.prepared.ids, this.prepared.custom, {
			knownIds: this.deck ? this.#knownIds() : undefined
		});
		return result.ok ? [] : result.errors;
	});

	#setPrepared(list: PreparedList): Promise<void> {
		const event = this.event;
		if (!event) return Promise.resolve();
		return this.#updateSaved((state) => ({
			...state,
			prepared: { ...state.prepared, [event.id]: list }
		}));
	}

	/**
	 * Adds the card to the event's list, or takes it off. Returns what stops an addition (the
	 * list is full, say) and changes nothing then.
	 */
	async togglePrepared(card: DeckCard): Promise<PreparedListError[]> {
		const { ids, custom } = this.prepared;
		const customIndex = this.#customIndex(card);
		if (customIndex !== undefined) {
			await this.removeCustom(customIndex);
			return [];
		}
		if (ids.includes(card.id)) {
			await this.#setPrepared({ ids: ids.filter((id) => id !== card.id), custom });
			return [];
		}
		const next = [...ids, card.id];
		const problems = blocking(validatePreparedList(next, custom), custom.length);
		if (problems.length) return problems;
		await this.#setPrepared({ ids: next, custom });
		return [];
	}

	async addCustom(text: string): Promise<PreparedListError[]> {
		const { ids, custom } = this.prepared;
		const result = validatePreparedList(ids, [...custom, text]);
		const problems = blocking(result, custom.length);
		if (problems.length) return problems;
		await this.#setPrepared({ ids, custom: [...custom, text.trim()] });
		return [];
	}

	removeId(id: string): Promise<void> {
		const { ids, custom } = this.prepared;
		return this.#setPrepared({ ids: ids.filter((other) => other !== id), custom });
	}

	removeCustom(index: number): Promise<void> {
		const { ids, custom } = this.prepared;
		return this.#setPrepared({ ids, custom: custom.filter((_, i) => i !== index) });
	}

	/** The prepared list as it reads, for the "prepare" panel. */
	preparedItems = $derived.by(() => {
		const source = this.#source();
		const texts: Record<string, string | undefined> = Object.fromEntries(
			source ? allPrompts(source).map((p) => [p.id, p.text]) : []
		);
		return [
			...this.prepared.ids.map((id) => ({
				key: id,
				text: texts[id],
				remove: () => this.removeId(id)
			})),
			...this.prepared.custom.map((text, index) => ({
				key: customCardId(index),
				text,
				remove: () => this.removeCustom(index)
			}))
		];
	});

	/** Follow-up questions to offer once this card worked, the first one to show first. */
	followUpMoves(card: DeckCard): FollowUpMove[] {
		return this.deck ? followUpMovesFor(this.deck.followUpMoves, card.depth, card.id) : [];
	}

	isWorked(card: DeckCard): boolean {
		return this.saved.worked?.id === card.id && this.saved.worked.text === card.text;
	}

	/** "This one worked": kept until the next connection is saved, where it is offered as the note. */
	toggleWorked(card: DeckCard, at = nowIso()): Promise<void> {
		const worked = this.isWorked(card) ? undefined : { id: card.id, text: card.text, at };
		return this.#updateSaved((state) => ({ ...state, worked }));
	}

	opener(variant: OpenerVariant, placeholder: Required<OpenerCard>): string {
		const edited = this.openerEdits[variant];
		if (edited !== undefined) return edited;
		if (!this.deck) return '';
		const profile = app.profile;
		const card: OpenerCard = profile
			? { name: profile.name, title: profile.title, company: profile.company }
			: placeholder;
		return buildOpener(this.deck.opener, card, variant);
	}

	/** `undefined` puts the generated opener back. */
	editOpener(variant: OpenerVariant, text: string | undefined): Promise<void> {
		const edits = { ...this.openerEdits, [variant]: text };
		if (text === undefined) delete edits[variant];
		this.openerEdits = edits;
		return this.#write((db) => promptDeckRepository(db).saveOpener(this.locale, edits));
	}
}

/**
 * What stops an addition: a full list, or a problem with the one own prompt just written. "Too
 * few" only says the list is not finished yet.
 */
function blocking(
	result: ReturnType<typeof validatePreparedList>,
	newCustomIndex: number
): PreparedListError[] {
	if (result.ok) return [];
	return result.errors.filter(
		(error) =>
			error.code === 'too_many' ||
			error.code === 'duplicate_id' ||
			('index' in error && error.index === newCustomIndex)
	);
}

export { CUSTOM_PROMPT_MAX };
