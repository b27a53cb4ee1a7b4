import type * as z from 'zod/mini';

/** A read that kept what it could: records that fail validation are counted, not thrown. */
export interface Readout<T> {
	items: T[];
	unreadable: number;
}

export function validOnly<S extends z.ZodMiniType>(
	schema: S,
	raws: unknown[]
): Readout<z.output<S>> {
	const items: z.output<S>[] = [];
	let unreadable = 0;
	for (const raw of raws) {
		const parsed = schema.safeParse(raw);
		if (parsed.success) items.push(parsed.data);
		else unreadable++;
	}
	return { items, unreadable };
}
