import { OPENER_MAX } from '$lib/domain/prompts/opener';
import type { RapportDatabase } from './db';

// What the prompt screen keeps for itself, beside the settings: where each filter's shuffle is,
// and the opener as the person rewrote it (per language, since it is written in one). Checked by
// hand rather than with zod/mini: its schemas share a chunk with the app shell, and this record
// is read by the prompt screen alone.

const KEY = 'promptDeck';
/** Filters × events add up over the years; the places least recently used are let go. */
export const MAX_POSITIONS = 40;

export type OpenerEdits = { full?: string; short?: string };
export interface PromptDeckRecord {
	positions: Record<string, { value: unknown; at: number }>;
	openers: Record<string, OpenerEdits>;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

const openerText = (value: unknown) =>
	typeof value === 'string' && value.length <= OPENER_MAX ? value : undefined;

/** Keeps what is well formed and drops the rest, so one damaged entry never loses the others. */
export function readPromptDeck(stored: unknown): PromptDeckRecord {
	const record: PromptDeckRecord = { positions: {}, openers: {} };
	if (!isRecord(stored)) return record;
	if (isRecord(stored.positions)) {
		for (const [key, entry] of Object.entries(stored.positions)) {
			if (isRecord(entry) && typeof entry.at === 'number' && Number.isFinite(entry.at)) {
				record.positions[key] = { value: entry.value, at: entry.at };
			}
		}
	}
	if (isRecord(stored.openers)) {
		for (const [locale, edits] of Object.entries(stored.openers)) {
			if (!isRecord(edits)) continue;
			const full = openerText(edits.full);
			const short = openerText(edits.short);
			record.openers[locale] = {
				...(full === undefined ? {} : { full }),
				...(short === undefined ? {} : { short })
			};
		}
	}
	return record;
}

export function promptDeckRepository(db: RapportDatabase) {
	async function update(
		change: (current: PromptDeckRecord) => PromptDeckRecord
	): Promise<PromptDeckRecord> {
		const tx = db.transaction('settings', 'readwrite');
		const next = readPromptDeck(change(readPromptDeck(await tx.store.get(KEY))));
		await Promise.all([tx.store.put(next, KEY), tx.done]);
		return next;
	}

	return {
		/** What is damaged reads as missing: that filter starts over rather than the screen failing. */
		async get(): Promise<PromptDeckRecord> {
			return readPromptDeck(await db.get('settings', KEY));
		},
		async position(key: string): Promise<unknown> {
			return (await this.get()).positions[key]?.value;
		},
		savePosition(key: string, value: unknown, now = Date.now()): Promise<PromptDeckRecord> {
			return update((current) => {
				const positions = { ...current.positions, [key]: { value, at: now } };
				const kept = Object.entries(positions)
					.sort(([, a], [, b]) => b.at - a.at)
					.slice(0, MAX_POSITIONS);
				return { ...current, positions: Object.fromEntries(kept) };
			});
		},
		async opener(locale: string): Promise<OpenerEdits> {
			return (await this.get()).openers[locale] ?? {};
		},
		/** `undefined` for a variant puts the generated text back. */
		saveOpener(locale: string, edits: OpenerEdits): Promise<PromptDeckRecord> {
			return update((current) => ({
				...current,
				openers: { ...current.openers, [locale]: edits }
			}));
		}
	};
}
