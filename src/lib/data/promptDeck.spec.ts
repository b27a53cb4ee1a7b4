import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openRapportDatabase, type RapportDatabase } from './db';
import { MAX_POSITIONS, promptDeckRepository } from './promptDeck';
import { settingsRepository } from './settings';

let db: RapportDatabase;
let n = 0;

beforeEach(async () => {
	db = await openRapportDatabase({ name: `prompt-deck-${++n}` });
});
afterEach(() => db.close());

describe('the prompt deck’s own record', () => {
	it('remembers a place per filter, beside the settings and without touching them', async () => {
		const deck = promptDeckRepository(db);
		await settingsRepository(db).update({ weeklyGoal: 5 });
		await deck.savePosition('a', { cursor: 2 });
		await deck.savePosition('b', { cursor: 4 });
		expect(await deck.position('a')).toEqual({ cursor: 2 });
		expect(await deck.position('b')).toEqual({ cursor: 4 });
		expect((await settingsRepository(db).get()).weeklyGoal).toBe(5);
	});

	it('lets the least recently used places go', async () => {
		const deck = promptDeckRepository(db);
		for (let i = 0; i <= MAX_POSITIONS; i++) await deck.savePosition(`k${i}`, i, 1000 + i);
		expect(await deck.position('k0')).toBeUndefined();
		expect(await deck.position(`k${MAX_POSITIONS}`)).toBe(MAX_POSITIONS);
	});

	it('keeps the edited opener per language and puts the generated one back on reset', async () => {
		const deck = promptDeckRepository(db);
		await deck.saveOpener('en', { full: 'Hey, I’m Amy.' });
		await deck.saveOpener('zh-TW', { short: '嗨！' });
		expect(await deck.opener('en')).toEqual({ full: 'Hey, I’m Amy.' });
		await deck.saveOpener('en', {});
		expect(await deck.opener('en')).toEqual({});
		expect(await deck.opener('zh-TW')).toEqual({ short: '嗨！' });
	});

	it('reads a damaged record as empty and writes over it', async () => {
		await db.put('settings', { positions: 'broken' }, 'promptDeck');
		const deck = promptDeckRepository(db);
		expect(await deck.get()).toEqual({ positions: {}, openers: {} });
		await deck.savePosition('a', 1);
		expect(await deck.position('a')).toBe(1);
	});

	it('drops a damaged entry and keeps the others', async () => {
		await db.put(
			'settings',
			{
				positions: { good: { value: 7, at: 1 }, bad: { value: 8 } },
				openers: { en: { full: 42, short: 'Hi!' } }
			},
			'promptDeck'
		);
		expect(await promptDeckRepository(db).get()).toEqual({
			positions: { good: { value: 7, at: 1 } },
			openers: { en: { short: 'Hi!' } }
		});
	});
});
