import { promptStateSchema, type PromptState } from '$lib/domain/records';
import type { RapportDatabase } from './db';

const KEY = 'deck';

export function promptStateRepository(db: RapportDatabase) {
	return {
		async get(): Promise<PromptState> {
			const parsed = promptStateSchema.safeParse((await db.get('promptState', KEY)) ?? {});
			return parsed.success ? parsed.data : promptStateSchema.parse({});
		},
		async save(state: PromptState): Promise<PromptState> {
			const valid = promptStateSchema.parse(state);
			await db.put('promptState', valid, KEY);
			return valid;
		}
	};
}
