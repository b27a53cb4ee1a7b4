import * as z from 'zod/mini';
import {
	depths,
	type Depth,
	type Opener,
	type Prompt,
	type PromptContext,
	type SettingLine
} from './schema';

// Pure deck logic for the prompt cards: filtering, event ordering, a shuffle that can be saved and
// resumed, filling slots, and checking a "prepare for this event" list. No DOM, no storage.

export type PromptFilter = { depth?: Depth; context?: PromptContext };

/**
 * Whether something written for `contexts` fits an event of the given context: it lists that
 * context or `any`. So `any` (an event of no particular kind) takes only what fits every setting:
 * a card about "your table's exercise" makes no sense outside a workshop.
 */
function fitsSetting(contexts: readonly PromptContext[], context: PromptContext | undefined) {
	return context === undefined || contexts.includes(context) || contexts.includes('any');
}

/** Prompts of the given depth that fit the given context (see `fitsSetting`). */
export function filterPrompts<T extends Prompt>(prompts: readonly T[], filter: PromptFilter): T[] {
	const { depth, context } = filter;
	return prompts.filter(
		(prompt) =>
			(depth === undefined || prompt.depth === depth) && fitsSetting(prompt.contexts, context)
	);
}

/** Exits and offers that fit the given context, by the same rule as prompts. */
export function filterLines<T extends SettingLine>(
	lines: readonly T[],
	context: PromptContext
): T[] {
	return lines.filter((line) => fitsSetting(line.contexts, context));
}

const depthRank = (depth: Depth) => depths.indexOf(depth);

/**
 * The order cards are dealt in while an event is current: the prepared prompts first, in the
 * order they were chosen; then favourites; then the rest. Favourites and the rest go from warm-up
 * to reflect, keeping the deck's own order within a depth. Unknown ids are ignored and no prompt
 * appears twice.
 */
export function orderForEvent<T extends Prompt>(
	prompts: readonly T[],
	options: { prepared: readonly string[]; favourites: readonly string[] }
): T[] {
	const byId = new Map(prompts.map((prompt) => [prompt.id, prompt]));
	const taken = new Set<string>();
	const prepared: T[] = [];
	for (const id of options.prepared) {
		const prompt = byId.get(id);
		if (prompt && !taken.has(id)) {
			prepared.push(prompt);
			taken.add(id);
		}
	}
	const favourites = new Set(options.favourites);
	const byDepth = (list: T[]) =>
		list
			.map((prompt, index) => ({ prompt, index }))
			.sort((a, b) => depthRank(a.prompt.depth) - depthRank(b.prompt.depth) || a.index - b.index)
			.map(({ prompt }) => prompt);
	const remaining = prompts.filter((prompt) => !taken.has(prompt.id));
	const unique = remaining.filter(
		(prompt, index) => remaining.findIndex((other) => other.id === prompt.id) === index
	);
	return [
		...prepared,
		...byDepth(unique.filter((prompt) => favourites.has(prompt.id))),
		...byDepth(unique.filter((prompt) => !favourites.has(prompt.id)))
	];
}

// --- Shuffle -------------------------------------------------------------------------------------

/**
 * Where a shuffle is: plain JSON, so the page can keep it and carry on after a reload. `order` is
 * the current cycle, `position` the index of the next card in it, `rng` the PRNG state.
 */
export const shuffleStateSchema = z
	.strictObject({
		ids: z.array(z.string()),
		order: z.array(z.string()),
		position: z.int().check(z.minimum(0)),
		rng: z.int().check(z.minimum(0), z.maximum(0xffffffff)),
		cycle: z.int().check(z.minimum(0))
	})
	.check(
		z.refine(
			(state) =>
				state.position <= state.order.length &&
				state.order.length === state.ids.length &&
				sameMembers(state.order, state.ids),
			'order is a permutation of ids'
		)
	);
export type ShuffleState = z.infer<typeof shuffleStateSchema>;

function sameMembers(a: readonly string[], b: readonly string[]): boolean {
	if (a.length !== b.length) return false;
	const set = new Set(a);
	return set.size === a.length && b.every((id) => set.has(id));
}

/** One step of mulberry32: returns a float in [0, 1) and the next state. */
function mulberry32(state: number): { value: number; state: number } {
	const next = (state + 0x6d2b79f5) >>> 0;
	let t = next;
	t = Math.imul(t ^ (t >>> 15), t | 1);
	t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
	return { value: ((t ^ (t >>> 14)) >>> 0) / 4294967296, state: next };
}

/** Fisher–Yates with the seeded PRNG. */
function permute(ids: readonly string[], rng: number): { order: string[]; rng: number } {
	const order = [...ids];
	let state = rng;
	for (let i = order.length - 1; i > 0; i--) {
		const step = mulberry32(state);
		state = step.state;
		const j = Math.floor(step.value * (i + 1));
		[order[i], order[j]] = [order[j] as string, order[i] as string];
	}
	return { order, rng: state };
}

/** A fresh shuffle over the given ids (duplicates dropped). Any number works as a seed. */
export function createShuffle(ids: readonly string[], seed: number): ShuffleState {
	const unique = [...new Set(ids)];
	const { order, rng } = permute(unique, seed >>> 0);
	return { ids: unique, order, position: 0, rng, cycle: 0 };
}

/**
 * The next card and the state after it. Each cycle deals every id exactly once; when a cycle is
 * used up a new one is shuffled, and its first card is never the card just shown. An empty deck
 * gives `id: undefined`.
 */
export function nextInShuffle(state: ShuffleState): {
	id: string | undefined;
	state: ShuffleState;
} {
	if (state.ids.length === 0) return { id: undefined, state };
	let current = state;
	if (current.position >= current.order.length) {
		const last = current.order[current.order.length - 1];
		const { order, rng } = permute(current.ids, current.rng);
		const first = order[0];
		const tail = order[order.length - 1];
		if (order.length > 1 && first === last && tail !== undefined && first !== undefined) {
			// Swap the repeat with the last card of the new cycle: still a permutation, no repeat.
			order[0] = tail;
			order[order.length - 1] = first;
		}
		current = { ids: current.ids, order, position: 0, rng, cycle: current.cycle + 1 };
	}
	const id = current.order[current.position];
	return { id, state: { ...current, position: current.position + 1 } };
}

/**
 * A saved shuffle if it is still valid for this deck (same ids, in any order), otherwise a fresh
 * one. Use it when the page restores its place after a reload or a filter change.
 */
export function resumeShuffle(saved: unknown, ids: readonly string[], seed: number): ShuffleState {
	const parsed = shuffleStateSchema.safeParse(saved);
	const unique = [...new Set(ids)];
	if (parsed.success && sameMembers(parsed.data.ids, unique)) return parsed.data;
	return createShuffle(unique, seed);
}

// --- Slots ---------------------------------------------------------------------------------------

function fill(template: string, values: Record<string, string>): string {
	let result = template;
	for (const [slot, value] of Object.entries(values)) {
		// A function replacement, so a `$` typed by the user is kept as it is.
		result = result.replaceAll(`{${slot}}`, () => value);
	}
	return result;
}

const clean = (value: string | undefined) => value?.trim().replace(/\s+/g, ' ') ?? '';

/** A topic template with the event's topic in its `{topic}` slot (trimmed, spaces collapsed). */
export function fillTopic(template: string, topic: string): string {
	return fill(template, { topic: clean(topic) });
}

/**
 * The topic templates as ready-to-show prompts for an event's topic, ids prefixed with `topic:`.
 * No topic, no templates.
 */
export function topicPrompts<T extends Prompt>(
	templates: readonly T[],
	topic: string | undefined
): T[] {
	if (!clean(topic)) return [];
	return templates.map((template) => ({
		...template,
		id: `topic:${template.id}`,
		text: fillTopic(template.text, clean(topic))
	}));
}

export type OpenerCard = { name: string; title?: string; company?: string };
export type OpenerVariant = 'full' | 'short';

/**
 * The opener for My card. `full` picks the template that matches the fields present, so a missing
 * company or title never leaves a gap; `short` (for loud rooms) keeps the name and, if given, the
 * company.
 */
export function buildOpener(opener: Opener, card: OpenerCard, variant: OpenerVariant): string {
	const name = clean(card.name);
	const title = clean(card.title);
	const company = clean(card.company);
	let template: string;
	if (variant === 'short') template = company ? opener.shortWithCompany : opener.short;
	else if (company && title) template = opener.full;
	else if (company) template = opener.companyOnly;
	else if (title) template = opener.titleOnly;
	else template = opener.nameOnly;
	return fill(template, { name, title, company });
}

// --- Prepare for this event ----------------------------------------------------------------------

export const PREPARED_MIN = 3;
export const PREPARED_MAX = 5;
export const CUSTOM_PROMPT_MAX = 200;

export type PreparedListError =
	| { code: 'too_few'; min: number; count: number }
	| { code: 'too_many'; max: number; count: number }
	| { code: 'duplicate_id'; id: string }
	| { code: 'unknown_id'; id: string }
	| { code: 'custom_empty'; index: number }
	| { code: 'custom_too_long'; index: number; max: number }
	| { code: 'custom_duplicate'; index: number };

export type PreparedListResult =
	{ ok: true; ids: string[]; custom: string[] } | { ok: false; errors: PreparedListError[] };

/**
 * Checks a "prepare for this event" list: 3–5 items in all, counting chosen prompt ids and the
 * person's own prompts. Own prompts are trimmed, must not be empty and are at most 200 characters.
 * With `knownIds`, ids that are not in the deck are reported too. Errors are codes; the UI says
 * them in the reader's language.
 */
export function validatePreparedList(
	ids: readonly string[],
	custom: readonly string[],
	options: { knownIds?: Iterable<string> } = {}
): PreparedListResult {
	const errors: PreparedListError[] = [];
	const known = options.knownIds ? new Set(options.knownIds) : undefined;
	const seenIds = new Set<string>();
	for (const id of ids) {
		if (seenIds.has(id)) errors.push({ code: 'duplicate_id', id });
		else if (known && !known.has(id)) errors.push({ code: 'unknown_id', id });
		seenIds.add(id);
	}
	const trimmed = custom.map((text) => text.trim());
	const seenTexts = new Set<string>();
	trimmed.forEach((text, index) => {
		if (!text) errors.push({ code: 'custom_empty', index });
		else if ([...text].length > CUSTOM_PROMPT_MAX) {
			errors.push({ code: 'custom_too_long', index, max: CUSTOM_PROMPT_MAX });
		} else if (seenTexts.has(text)) errors.push({ code: 'custom_duplicate', index });
		seenTexts.add(text);
	});
	const count = ids.length + custom.length;
	if (count < PREPARED_MIN) errors.push({ code: 'too_few', min: PREPARED_MIN, count });
	if (count > PREPARED_MAX) errors.push({ code: 'too_many', max: PREPARED_MAX, count });
	return errors.length ? { ok: false, errors } : { ok: true, ids: [...ids], custom: trimmed };
}
