import { describe, expect, it } from 'vitest';
import type { Prompt, TopicTemplate } from './schema';
import {
	cardAt,
	createPosition,
	dealFor,
	defaultFilter,
	filterKey,
	hasPrevious,
	nextPosition,
	openPosition,
	positionOf,
	previousPosition,
	type DeckSource
} from './sequence';

const prompt = (id: string, depth: Prompt['depth'], contexts: Prompt['contexts']): Prompt => ({
	id,
	text: `text of ${id}`,
	depth,
	contexts
});

const prompts: Prompt[] = [
	prompt('w-any-1', 'warm-up', ['any']),
	prompt('w-any-2', 'warm-up', ['any']),
	prompt('w-talk', 'warm-up', ['talk']),
	prompt('w-career', 'warm-up', ['career']),
	prompt('c-any', 'connect', ['any']),
	prompt('r-talk', 'reflect', ['talk'])
];
const topicTemplates: TopicTemplate[] = [
	{
		id: 'stayed',
		text: 'What about {topic} stayed with you?',
		depth: 'warm-up',
		contexts: ['talk']
	}
];
const event = { id: 'e1', topic: '無障礙設計', context: 'talk' as const };

function source(overrides: Partial<DeckSource> = {}): DeckSource {
	return {
		prompts,
		topicTemplates,
		event: null,
		favourites: [],
		prepared: undefined,
		...overrides
	};
}

/** Every card of one round, starting from a fresh position. */
function round(deal: ReturnType<typeof dealFor>, seed = 7): string[] {
	let position = createPosition(deal, seed);
	const ids: string[] = [];
	const { total } = positionOf(deal, position);
	for (let i = 0; i < total; i++) {
		ids.push(cardAt(deal, position)?.id ?? 'none');
		position = nextPosition(deal, position);
	}
	return ids;
}

describe('the default filter', () => {
	it('is warm-up in the current event’s setting', () => {
		expect(defaultFilter({ id: 'e1', context: 'career' })).toEqual({
			view: 'warm-up',
			context: 'career'
		});
	});

	it('is warm-up in any setting when no event is current', () => {
		expect(defaultFilter(null)).toEqual({ view: 'warm-up', context: 'any' });
	});
});

describe('dealing', () => {
	it('deals only prompts that fit the depth and setting', () => {
		const ids = round(dealFor(source(), { view: 'warm-up', context: 'career' }));
		expect(ids.sort()).toEqual(['w-any-1', 'w-any-2', 'w-career']);
		expect(round(dealFor(source(), { view: 'warm-up', context: 'any' })).sort()).toEqual([
			'w-any-1',
			'w-any-2'
		]);
	});

	it('adds the current event’s topic prompts, filled in', () => {
		const deal = dealFor(source({ event }), { view: 'warm-up', context: 'talk' });
		const topic = deal.rest.get('topic:stayed');
		expect(topic).toMatchObject({ text: 'What about 無障礙設計 stayed with you?', topic: true });
		expect(dealFor(source(), { view: 'warm-up', context: 'talk' }).rest.has('topic:stayed')).toBe(
			false
		);
	});

	it('puts the prepared prompts and the person’s own first while their event is current', () => {
		const prepared = { ids: ['w-talk', 'c-any', 'w-any-2'], custom: ['What are you building?'] };
		const deal = dealFor(source({ event, prepared }), { view: 'warm-up', context: 'talk' });
		const ids = round(deal);
		// c-any is a connect prompt: outside this filter, so it waits for its own filter.
		expect(ids.slice(0, 3)).toEqual(['w-talk', 'w-any-2', 'custom:0']);
		expect(new Set(ids).size).toBe(ids.length);
		expect(ids).not.toContain('c-any');
		expect(cardAt(deal, createPosition(deal, 1))).toMatchObject({ prepared: true });
	});

	it('lists favourites across depths and settings, warm-up first, with nothing leading', () => {
		const deal = dealFor(
			source({
				event,
				favourites: ['r-talk', 'w-career'],
				prepared: { ids: ['w-talk'], custom: ['x'] }
			}),
			{ view: 'favourites', context: 'talk' }
		);
		expect(deal.lead).toEqual([]);
		expect(round(deal).sort()).toEqual(['r-talk', 'w-career']);
	});
});

describe('moving through the deck', () => {
	// Every depth of the talk deck: the two talk prompts and the three for any setting.
	const deal = dealFor(source(), { view: 'all', context: 'talk' });

	it('never repeats a card until the round is used up, then starts a new round', () => {
		let position = createPosition(deal, 99);
		const seen: string[] = [];
		for (let i = 0; i < 10; i++) {
			seen.push(cardAt(deal, position)?.id ?? 'none');
			position = nextPosition(deal, position);
		}
		expect(new Set(seen.slice(0, 5)).size).toBe(5);
		expect(new Set(seen.slice(5)).size).toBe(5);
		expect(seen[5]).not.toBe(seen[4]);
		expect(positionOf(deal, position)).toEqual({ index: 1, total: 5 });
	});

	it('goes back to the card before, but not past the first', () => {
		let position = createPosition(deal, 3);
		const first = cardAt(deal, position)?.id;
		expect(hasPrevious(deal, position)).toBe(false);
		position = nextPosition(deal, position);
		expect(positionOf(deal, position).index).toBe(2);
		position = previousPosition(deal, position);
		expect(cardAt(deal, position)?.id).toBe(first);
		expect(previousPosition(deal, position)).toEqual(position);
	});

	it('does not deal the prepared cards again in later rounds', () => {
		const led = dealFor(source({ event, prepared: { ids: [], custom: ['mine'] } }), {
			view: 'warm-up',
			context: 'talk'
		});
		let position = createPosition(led, 5);
		const { total } = positionOf(led, position);
		for (let i = 0; i < total; i++) position = nextPosition(led, position);
		expect(cardAt(led, position)?.id).not.toBe('custom:0');
		expect(positionOf(led, position)).toEqual({ index: 1, total: total - 1 });
		expect(hasPrevious(led, position)).toBe(false);
	});
});

describe('restoring the place', () => {
	const filter = { view: 'warm-up', context: 'talk' } as const;
	const deal = dealFor(source(), filter);

	it('comes back to the same card after a reload (a JSON round trip)', () => {
		let position = createPosition(deal, 11);
		position = nextPosition(deal, nextPosition(deal, position));
		const saved: unknown = JSON.parse(JSON.stringify(position));
		const restored = openPosition(deal, saved, 12345);
		expect(cardAt(deal, restored)).toEqual(cardAt(deal, position));
		expect(round(deal, 11)).toContain(cardAt(deal, restored)?.id);
		expect(nextPosition(deal, restored)).toEqual(nextPosition(deal, position));
	});

	it('starts afresh when the deck changed or the saved place is damaged', () => {
		const saved = JSON.parse(JSON.stringify(nextPosition(deal, createPosition(deal, 11))));
		const other = dealFor(source({ event }), filter);
		expect(openPosition(other, saved, 1).cursor).toBe(0);
		expect(openPosition(deal, { shuffle: 'nonsense', cursor: 3 }, 1).cursor).toBe(0);
		expect(openPosition(deal, { ...saved, cursor: 999 }, 1).cursor).toBe(
			positionOf(deal, createPosition(deal, 1)).total - 1
		);
	});

	it('keeps a place per filter and per event', () => {
		expect(filterKey(filter, 'e1')).not.toBe(filterKey(filter, 'e2'));
		expect(filterKey(filter, undefined)).not.toBe(
			filterKey({ ...filter, view: 'reflect' }, undefined)
		);
		expect(filterKey({ view: 'favourites', context: 'talk' }, 'e1')).toBe(
			filterKey({ view: 'favourites', context: 'any' }, 'e1')
		);
	});
});
