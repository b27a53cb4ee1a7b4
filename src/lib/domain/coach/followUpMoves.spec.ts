import { describe, expect, it } from 'vitest';
import type { FollowUpMove } from '../prompts/schema';
import { followUpMovesFor } from './followUpMoves';

const moves: FollowUpMove[] = [
	{ id: 'a', text: 'How did that turn out?', depth: 'warm-up' },
	{ id: 'b', text: 'What was that like?', depth: 'warm-up' },
	{ id: 'c', text: 'What surprised you?', depth: 'connect' },
	{ id: 'd', text: 'What did that teach you?', depth: 'reflect' }
];

describe('follow-up moves', () => {
	it('offers the moves of the prompt’s depth, every one of them', () => {
		expect(followUpMovesFor(moves, 'connect', 'x').map((move) => move.id)).toEqual(['c']);
		expect(
			followUpMovesFor(moves, 'warm-up', 'what-brought-you')
				.map((move) => move.id)
				.sort()
		).toEqual(['a', 'b']);
	});

	it('starts at the same move for the same prompt', () => {
		expect(followUpMovesFor(moves, 'warm-up', 'p1')).toEqual(
			followUpMovesFor(moves, 'warm-up', 'p1')
		);
	});

	it('offers the light moves after a person’s own prompt, which has no depth', () => {
		expect(followUpMovesFor(moves, undefined, 'custom-1').map((move) => move.depth)).toEqual([
			'warm-up',
			'warm-up'
		]);
	});
});
