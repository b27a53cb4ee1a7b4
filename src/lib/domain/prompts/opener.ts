// Kept apart from the deck's schemas: the prompt screen's own record checks it by hand, without zod.

/** The longest opener a person may write for themselves, in characters. */
export const OPENER_MAX = 500;
