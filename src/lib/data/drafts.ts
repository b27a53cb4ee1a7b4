import type { RapportDatabase } from './db';

// Half-typed forms live in the settings store (a key/value store) under `draft:<name>`, so
// whatever was typed survives a reload, a crash or a failed validation. They never sync.

const keyOf = (name: string) => `draft:${name}`;

export function draftRepository(db: RapportDatabase) {
	return {
		/** What was stored, unchecked: the caller validates it against its own schema. */
		async get(name: string): Promise<unknown> {
			return db.get('settings', keyOf(name));
		},
		async save(name: string, draft: unknown): Promise<void> {
			await db.put('settings', draft, keyOf(name));
		},
		async clear(name: string): Promise<void> {
			await db.delete('settings', keyOf(name));
		}
	};
}
