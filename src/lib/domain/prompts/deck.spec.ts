import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	buildOpener,
	createShuffle,
	CUSTOM_PROMPT_MAX,
	fillTopic,
	filterLines,
	filterPrompts,
	nextInShuffle,
	orderForEvent,
	resumeShuffle,
	topicPrompts,
	validatePreparedList,
	type ShuffleState
} from './deck';
import type { Opener, Prompt, SettingLine } from './schema';

const prompt = (id: string, depth: Prompt['depth'], contexts: Prompt['contexts']): Prompt => ({
	id,
	text: `Prompt ${id}?`,
	depth,
	contexts
});

const deck: Prompt[] = [
	prompt('a', 'reflect', ['any']),
	prompt('b', 'warm-up', ['talk']),
	prompt('c', 'connect', ['career', 'conference']),
	prompt('d', 'warm-up', ['any']),
	prompt('e', 'warm-up', ['meetup']),
	prompt('f', 'connect', ['talk'])
];
const ids = (list: readonly { id: string }[]) => list.map((item) => item.id);

describe('filterPrompts', () => {
	it('keeps everything without a filter', () => {
		expect(ids(filterPrompts(deck, {}))).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
	});

	it('filters by depth', () => {
		expect(ids(filterPrompts(deck, { depth: 'warm-up' }))).toEqual(['b', 'd', 'e']);
	});

	it('matches a context listed by the prompt, or `any`', () => {
		expect(ids(filterPrompts(deck, { context: 'talk' }))).toEqual(['a', 'b', 'd', 'f']);
		expect(ids(filterPrompts(deck, { context: 'conference' }))).toEqual(['a', 'c', 'd']);
	});

	it('keeps only prompts written for any setting under `any`', () => {
		expect(ids(filterPrompts(deck, { context: 'any' }))).toEqual(['a', 'd']);
		expect(ids(filterPrompts(deck, { depth: 'connect', context: 'any' }))).toEqual([]);
	});

	it('combines depth and context', () => {
		expect(ids(filterPrompts(deck, { depth: 'warm-up', context: 'talk' }))).toEqual(['b', 'd']);
		expect(filterPrompts(deck, { depth: 'reflect', context: 'workshop' })).toEqual([deck[0]]);
	});
});

describe('filterLines', () => {
	const line = (id: string, contexts: SettingLine['contexts']): SettingLine => ({
		id,
		text: `Line ${id}.`,
		contexts
	});
	const exits = [
		line('coffee', ['any']),
		line('table', ['workshop']),
		line('speaker', ['talk', 'conference']),
		line('lunch', ['any'])
	];

	it('keeps only the lines written for any setting under `any`', () => {
		expect(ids(filterLines(exits, 'any'))).toEqual(['coffee', 'lunch']);
	});

	it('adds the lines written for the setting chosen', () => {
		expect(ids(filterLines(exits, 'workshop'))).toEqual(['coffee', 'table', 'lunch']);
		expect(ids(filterLines(exits, 'conference'))).toEqual(['coffee', 'speaker', 'lunch']);
		expect(ids(filterLines(exits, 'career'))).toEqual(['coffee', 'lunch']);
	});
});

describe('orderForEvent', () => {
	it('puts prepared prompts first in their chosen order, then favourites, warm-up first', () => {
		const ordered = orderForEvent(deck, { prepared: ['f', 'a'], favourites: ['c', 'e'] });
		expect(ids(ordered)).toEqual(['f', 'a', 'e', 'c', 'b', 'd']);
	});

	it('ignores unknown ids and never deals a prompt twice', () => {
		const ordered = orderForEvent(deck, {
			prepared: ['zzz', 'b', 'b'],
			favourites: ['b', 'nope']
		});
		expect(ids(ordered)).toEqual(['b', 'd', 'e', 'c', 'f', 'a']);
	});

	it('keeps every prompt exactly once for any prepared and favourite lists', () => {
		const anyIds = fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'x'), { maxLength: 8 });
		fc.assert(
			fc.property(anyIds, anyIds, (prepared, favourites) => {
				const ordered = ids(orderForEvent(deck, { prepared, favourites }));
				expect([...ordered].sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
				const known = [...new Set(prepared.filter((id) => id !== 'x'))];
				expect(ordered.slice(0, known.length)).toEqual(known);
			})
		);
	});
});

/** Deals `count` cards, returning the ids and the state after them. */
function deal(state: ShuffleState, count: number): { dealt: string[]; state: ShuffleState } {
	const dealt: string[] = [];
	let current = state;
	for (let i = 0; i < count; i++) {
		const step = nextInShuffle(current);
		if (step.id !== undefined) dealt.push(step.id);
		current = step.state;
	}
	return { dealt, state: current };
}

const idSets = fc.uniqueArray(fc.string({ minLength: 1, maxLength: 6 }), {
	minLength: 1,
	maxLength: 40
});
const seeds = fc.oneof(fc.integer(), fc.double({ noNaN: true }), fc.constant(0));

describe('shuffle', () => {
	it('deals every id exactly once per cycle, for any deck and seed', () => {
		fc.assert(
			fc.property(idSets, seeds, fc.integer({ min: 1, max: 4 }), (list, seed, cycles) => {
				const { dealt } = deal(createShuffle(list, seed), list.length * cycles);
				for (let cycle = 0; cycle < cycles; cycle++) {
					const block = dealt.slice(cycle * list.length, (cycle + 1) * list.length);
					expect([...block].sort()).toEqual([...list].sort());
				}
			})
		);
	});

	it('never shows the same card twice in a row, across cycle boundaries too', () => {
		fc.assert(
			fc.property(idSets, seeds, (list, seed) => {
				const { dealt } = deal(createShuffle(list, seed), list.length * 4);
				if (list.length > 1) {
					dealt.forEach((id, index) => {
						if (index > 0) expect(id).not.toBe(dealt[index - 1]);
					});
				} else {
					expect(new Set(dealt)).toEqual(new Set(list));
				}
			})
		);
	});

	it('is deterministic for a seed and survives a JSON round trip', () => {
		fc.assert(
			fc.property(idSets, fc.integer(), fc.nat({ max: 60 }), (list, seed, first) => {
				const straight = deal(createShuffle(list, seed), first + 30).dealt;
				const half = deal(createShuffle(list, seed), first);
				const restored = JSON.parse(JSON.stringify(half.state)) as unknown;
				const resumed = deal(resumeShuffle(restored, list, seed + 1), 30).dealt;
				expect([...half.dealt, ...resumed]).toEqual(straight);
			})
		);
	});

	it('gives different orders for different seeds', () => {
		const list = Array.from({ length: 30 }, (_, index) => `p${index}`);
		const first = deal(createShuffle(list, 1), 30).dealt;
		const second = deal(createShuffle(list, 2), 30).dealt;
		expect(first).not.toEqual(second);
		expect(createShuffle(list, 1)).toEqual(createShuffle(list, 1));
	});

	it('counts cycles and keeps the state plain data', () => {
		const { state } = deal(createShuffle(['a', 'b', 'c'], 7), 4);
		expect(state.cycle).toBe(1);
		expect(state.position).toBe(1);
		expect(JSON.parse(JSON.stringify(state))).toEqual(state);
	});

	it('drops duplicate ids and handles an empty deck', () => {
		expect(createShuffle(['a', 'a', 'b'], 3).ids).toEqual(['a', 'b']);
		const empty = createShuffle([], 3);
		expect(nextInShuffle(empty)).toEqual({ id: undefined, state: empty });
		expect(deal(createShuffle(['solo'], 9), 3).dealt).toEqual(['solo', 'solo', 'solo']);
	});

	it('starts afresh when the saved state does not fit the deck', () => {
		const saved = deal(createShuffle(['a', 'b', 'c'], 5), 2).state;
		expect(resumeShuffle(saved, ['c', 'a', 'b'], 1)).toEqual(saved);
		expect(resumeShuffle(saved, ['a', 'b'], 1)).toEqual(createShuffle(['a', 'b'], 1));
		expect(resumeShuffle({ nonsense: true }, ['a'], 1)).toEqual(createShuffle(['a'], 1));
		expect(resumeShuffle({ ...saved, order: ['a', 'a', 'b'] }, ['a', 'b', 'c'], 1)).toEqual(
			createShuffle(['a', 'b', 'c'], 1)
		);
		expect(resumeShuffle({ ...saved, position: 9 }, ['a', 'b', 'c'], 1).position).toBe(0);
	});
});

describe('slots', () => {
	it('fills the topic, trimmed, and keeps `$` as typed', () => {
		expect(fillTopic('What stayed with you from {topic}?', '  Web  accessibility ')).toBe(
			'What stayed with you from Web accessibility?'
		);
		expect(fillTopic('今天關於{topic}的分享', '$& 與 $1')).toBe('今天關於$& 與 $1的分享');
	});

	it('turns topic templates into prompts only when there is a topic', () => {
		const templates = [prompt('t', 'connect', ['talk'])].map((item) => ({
			...item,
			text: 'Why {topic}?'
		}));
		expect(topicPrompts(templates, '  ')).toEqual([]);
		expect(topicPrompts(templates, undefined)).toEqual([]);
		expect(topicPrompts(templates, 'Svelte')).toEqual([
			{ id: 'topic:t', text: 'Why Svelte?', depth: 'connect', contexts: ['talk'] }
		]);
	});

	const opener: Opener = {
		full: 'Hi, I’m {name}, {title} at {company}.',
		companyOnly: 'Hi, I’m {name} from {company}.',
		titleOnly: 'Hi, I’m {name}, {title}.',
		nameOnly: 'Hi, I’m {name}.',
		short: 'Hi, I’m {name}!',
		shortWithCompany: '{name}, {company}!'
	};

	it('builds the full opener from whatever the card has', () => {
		const card = { name: ' Amy  Chen ', title: 'Designer', company: 'Acme' };
		expect(buildOpener(opener, card, 'full')).toBe('Hi, I’m Amy Chen, Designer at Acme.');
		expect(buildOpener(opener, { ...card, title: '  ' }, 'full')).toBe(
			'Hi, I’m Amy Chen from Acme.'
		);
		expect(buildOpener(opener, { name: 'Amy', title: 'Designer' }, 'full')).toBe(
			'Hi, I’m Amy, Designer.'
		);
		expect(buildOpener(opener, { name: 'Amy', company: '' }, 'full')).toBe('Hi, I’m Amy.');
		expect(buildOpener(opener, { name: '$1 $&' }, 'full')).toBe('Hi, I’m $1 $&.');
	});

	it('builds the short opener for loud rooms', () => {
		expect(buildOpener(opener, { name: 'Amy', title: 'PM', company: 'Acme' }, 'short')).toBe(
			'Amy, Acme!'
		);
		expect(buildOpener(opener, { name: 'Amy', title: 'PM' }, 'short')).toBe('Hi, I’m Amy!');
	});
});

describe('validatePreparedList', () => {
	it('accepts 3 to 5 items, counting ids and own prompts together', () => {
		expect(validatePreparedList(['a', 'b'], ['  My own question?  '])).toEqual({
			ok: true,
			ids: ['a', 'b'],
			custom: ['My own question?']
		});
		expect(validatePreparedList(['a', 'b', 'c', 'd', 'e'], []).ok).toBe(true);
		expect(validatePreparedList([], ['x', 'y', 'z']).ok).toBe(true);
	});

	it('asks for at least 3 and at most 5', () => {
		expect(validatePreparedList(['a'], ['b'])).toEqual({
			ok: false,
			errors: [{ code: 'too_few', min: 3, count: 2 }]
		});
		expect(validatePreparedList(['a', 'b', 'c', 'd'], ['e', 'f'])).toEqual({
			ok: false,
			errors: [{ code: 'too_many', max: 5, count: 6 }]
		});
	});

	it('rejects empty, too long and repeated own prompts', () => {
		const long = '問'.repeat(CUSTOM_PROMPT_MAX + 1);
		expect(validatePreparedList(['a'], ['   ', long, 'Hi?', ' Hi? '])).toEqual({
			ok: false,
			errors: [
				{ code: 'custom_empty', index: 0 },
				{ code: 'custom_too_long', index: 1, max: 200 },
				{ code: 'custom_duplicate', index: 3 }
			]
		});
		expect(validatePreparedList(['a', 'b'], ['😀'.repeat(CUSTOM_PROMPT_MAX)]).ok).toBe(true);
	});

	it('rejects repeated and, when told the deck, unknown ids', () => {
		expect(validatePreparedList(['a', 'a', 'zzz'], [], { knownIds: ['a', 'b'] })).toEqual({
			ok: false,
			errors: [
				{ code: 'duplicate_id', id: 'a' },
				{ code: 'unknown_id', id: 'zzz' }
			]
		});
	});

	it('accepts exactly the lists with 3–5 valid items', () => {
		const item = fc.oneof(fc.constant(''), fc.string({ maxLength: 8 }));
		fc.assert(
			fc.property(
				fc.uniqueArray(fc.uuid(), { maxLength: 7 }),
				fc.uniqueArray(item, { maxLength: 7, selector: (text) => text.trim() }),
				(list, custom) => {
					const total = list.length + custom.length;
					const valid = total >= 3 && total <= 5 && custom.every((text) => text.trim() !== '');
					expect(validatePreparedList(list, custom).ok).toBe(valid);
				}
			)
		);
	});
});
