import {
	createShuffle,
	filterPrompts,
	nextInShuffle,
	orderForEvent,
	resumeShuffle,
	topicPrompts,
	type ShuffleState
} from './deck';
import type { Depth, Prompt, PromptContext, TopicTemplate } from './schema';

// The order the prompt screen deals its cards in, kept apart from the page so it can be tested
// without a browser: which prompts a filter lets through, the prepared ones leading while their
// event is current, and a shuffle of the rest whose place survives a reload.

export const promptViews = ['warm-up', 'connect', 'reflect', 'all', 'favourites'] as const;
export type PromptView = (typeof promptViews)[number];

export interface DeckFilter {
	view: PromptView;
	context: PromptContext;
}

export interface CurrentEvent {
	id: string;
	topic?: string;
	context?: PromptContext;
}

export interface PreparedList {
	ids: string[];
	custom: string[];
}

export interface DeckCard {
	id: string;
	text: string;
	depth?: Depth;
	/** Chosen or written in advance for the current event. */
	prepared: boolean;
	/** Filled in from the current event's topic. */
	topic: boolean;
}

export interface DeckSource {
	prompts: readonly Prompt[];
	topicTemplates: readonly TopicTemplate[];
	event: CurrentEvent | null;
	favourites: readonly string[];
	prepared: PreparedList | undefined;
}

/** Where the screen is in one filter's deck: the shuffle of the rest and the card on show. */
export interface DeckPosition {
	shuffle: ShuffleState;
	/** Index of the card on show: first the prepared cards, then the shuffle's current cycle. */
	cursor: number;
}

/** A nervous person wants the easiest questions for the room they are in. */
export function defaultFilter(event: CurrentEvent | null): DeckFilter {
	return { view: 'warm-up', context: event?.context ?? 'any' };
}

/** Positions are remembered per filter and per event (its topic and prepared list change the deck). */
export function filterKey(filter: DeckFilter, eventId: string | undefined): string {
	const context = filter.view === 'favourites' ? '*' : filter.context;
	return `${eventId ?? '-'}|${filter.view}|${context}`;
}

export const customCardId = (index: number) => `custom:${index}`;

/** Every prompt on offer right now: the deck plus, while an event with a topic is current, its templates. */
export function allPrompts(source: DeckSource): Prompt[] {
	return [...source.prompts, ...topicPrompts(source.topicTemplates, source.event?.topic)];
}

/** The prompts a filter lets through; favourites ignore depth and setting, warm-up first. */
export function promptsFor(source: DeckSource, filter: DeckFilter): Prompt[] {
	const prompts = allPrompts(source);
	if (filter.view === 'favourites') {
		const favourites = new Set(source.favourites);
		return orderForEvent(
			prompts.filter((prompt) => favourites.has(prompt.id)),
			{ prepared: [], favourites: [] }
		);
	}
	return filterPrompts(prompts, {
		depth: filter.view === 'all' ? undefined : filter.view,
		context: filter.context
	});
}

const toCard = (prompt: Prompt, prepared: boolean): DeckCard => ({
	id: prompt.id,
	text: prompt.text,
	depth: prompt.depth,
	prepared,
	topic: prompt.id.startsWith('topic:')
});

/**
 * The cards dealt first: while an event is current, the prepared prompts that fit the filter,
 * then the person's own (they have no depth, and were written for this very event). Favourites
 * are a list of their own and lead with nothing.
 */
export function leadCards(source: DeckSource, filter: DeckFilter, pool: Prompt[]): DeckCard[] {
	if (!source.event || !source.prepared || filter.view === 'favourites') return [];
	const byId = new Map(pool.map((prompt) => [prompt.id, prompt]));
	const chosen = [...new Set(source.prepared.ids)]
		.map((id) => byId.get(id))
		.filter((prompt) => prompt !== undefined);
	return [
		...chosen.map((prompt) => toCard(prompt, true)),
		...source.prepared.custom.map((text, index) => ({
			id: customCardId(index),
			text,
			prepared: true,
			topic: false
		}))
	];
}

export interface Deal {
	lead: DeckCard[];
	/** The shuffled part by id. */
	rest: Map<string, DeckCard>;
}

export function dealFor(source: DeckSource, filter: DeckFilter): Deal {
	const pool = promptsFor(source, filter);
	const lead = leadCards(source, filter, pool);
	const led = new Set(lead.map((card) => card.id));
	return {
		lead,
		rest: new Map(
			pool
				.filter((prompt) => !led.has(prompt.id))
				.map((prompt) => [prompt.id, toCard(prompt, false)])
		)
	};
}

const total = (deal: Deal, position: DeckPosition) =>
	deal.lead.length + position.shuffle.order.length;
/** After the first round the prepared cards have been seen, so later rounds are the shuffle alone. */
const firstIndex = (deal: Deal, position: DeckPosition) =>
	position.shuffle.cycle > 0 ? deal.lead.length : 0;

function withCursor(deal: Deal, position: DeckPosition, cursor: number): DeckPosition {
	const dealt = Math.max(0, cursor - deal.lead.length + 1);
	return { shuffle: { ...position.shuffle, position: dealt }, cursor };
}

/** The saved place if it still fits this deal, otherwise a fresh shuffle from the first card. */
export function openPosition(deal: Deal, saved: unknown, seed: number): DeckPosition {
	const ids = [...deal.rest.keys()];
	const savedShuffle = isRecord(saved) ? saved.shuffle : undefined;
	const shuffle = resumeShuffle(savedShuffle, ids, seed);
	const restored =
		isRecord(savedShuffle) &&
		savedShuffle.rng === shuffle.rng &&
		Array.isArray(savedShuffle.order) &&
		savedShuffle.order.join('\n') === shuffle.order.join('\n');
	const cursor =
		isRecord(saved) && restored && Number.isInteger(saved.cursor) ? Number(saved.cursor) : 0;
	const position: DeckPosition = { shuffle, cursor: 0 };
	const last = Math.max(0, total(deal, position) - 1);
	return withCursor(deal, position, Math.min(Math.max(cursor, firstIndex(deal, position)), last));
}

export function createPosition(deal: Deal, seed: number): DeckPosition {
	return withCursor(deal, { shuffle: createShuffle([...deal.rest.keys()], seed), cursor: 0 }, 0);
}

export function cardAt(deal: Deal, position: DeckPosition): DeckCard | undefined {
	const { cursor } = position;
	if (cursor < deal.lead.length) return deal.lead[cursor];
	const id = position.shuffle.order[cursor - deal.lead.length];
	return id === undefined ? undefined : deal.rest.get(id);
}

/** The next card; at the end of a round a new shuffle starts that never opens on the card just seen. */
export function nextPosition(deal: Deal, position: DeckPosition): DeckPosition {
	if (position.cursor + 1 < total(deal, position)) {
		return withCursor(deal, position, position.cursor + 1);
	}
	if (position.shuffle.order.length === 0) return position;
	const { state } = nextInShuffle({ ...position.shuffle, position: position.shuffle.order.length });
	return { shuffle: state, cursor: deal.lead.length };
}

export function previousPosition(deal: Deal, position: DeckPosition): DeckPosition {
	if (!hasPrevious(deal, position)) return position;
	return withCursor(deal, position, position.cursor - 1);
}

export function hasPrevious(deal: Deal, position: DeckPosition): boolean {
	return position.cursor > firstIndex(deal, position);
}

/** "3 / 42" within the current round. */
export function positionOf(deal: Deal, position: DeckPosition): { index: number; total: number } {
	const first = firstIndex(deal, position);
	return { index: position.cursor - first + 1, total: total(deal, position) - first };
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null;
}
