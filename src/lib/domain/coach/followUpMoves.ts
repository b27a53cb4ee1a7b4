import type { Depth, FollowUpMove } from '../prompts/schema';

// After a prompt worked, one follow-up question that builds on the answer: people who ask
// follow-up questions are liked more (Huang et al., 2017). The move matches the prompt's depth,
// so a light answer gets a light follow-up.

/** A person's own prompt has no depth: the light moves fit any answer. */
const FALLBACK_DEPTH: Depth = 'warm-up';

/** The moves for a prompt of this depth, starting at a place fixed by the prompt, so the same
 * prompt offers the same first move and "another" walks on from there. */
export function followUpMovesFor(
	moves: readonly FollowUpMove[],
	depth: Depth | undefined,
	promptId: string
): FollowUpMove[] {
	const fitting = moves.filter((move) => move.depth === (depth ?? FALLBACK_DEPTH));
	if (fitting.length === 0) return [];
	let hash = 0;
	for (const char of promptId) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
	const start = hash % fitting.length;
	return [...fitting.slice(start), ...fitting.slice(0, start)];
}
