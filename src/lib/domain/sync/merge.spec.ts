import { describe, expect, it } from 'vitest';
import { aConnection, at } from '$lib/testing/factories';
import { mergeConnection, overwrittenTexts, stampEditedFields } from './merge';

const base = aConnection({ updatedAt: at('2026-11-20T12:00:00Z') });
const T1 = at('2026-11-20T13:00:00Z');
const T2 = at('2026-11-20T14:00:00Z');

describe('per-field merge of a connection', () => {
	it('keeps a note added on one device and a tag added on another', () => {
		const withNote = stampEditedFields(base, { ...base, note: '聊到長照', updatedAt: T1 });
		const withTag = stampEditedFields(base, { ...base, tags: ['設計'], updatedAt: T2 });

		const { record, lost } = mergeConnection(withNote, withTag);

		expect(record).toMatchObject({ note: '聊到長照', tags: ['設計'], updatedAt: T2 });
		expect(record.fieldUpdatedAt).toMatchObject({ note: T1, tags: T2 });
		expect(lost).toEqual([]);
		expect(mergeConnection(withTag, withNote).record).toMatchObject({
			note: '聊到長照',
			tags: ['設計']
		});
	});

	it('names the local text that lost to a later, different one', () => {
		const mine = stampEditedFields(base, { ...base, note: '我的版本', updatedAt: T1 });
		const theirs = stampEditedFields(base, { ...base, note: '他們的版本', updatedAt: T2 });

		const { record, lost } = mergeConnection(mine, theirs);

		expect(record.note).toBe('他們的版本');
		expect(lost).toEqual([{ field: 'note', text: '我的版本' }]);
	});

	it('stamps only what changed, keeping the others’ times', () => {
		const once = stampEditedFields(base, { ...base, note: 'a', updatedAt: T1 });
		const twice = stampEditedFields(once, { ...once, tier: 'regular', updatedAt: T2 });
		expect(twice.fieldUpdatedAt).toEqual({
			note: T1,
			talkPhrase: base.updatedAt,
			tags: base.updatedAt,
			tier: T2
		});
		expect(stampEditedFields(null, base)).toEqual(base);
	});

	it('keeps in view a pushed text the server answered with another, edited since the last sync', () => {
		const sent = stampEditedFields(base, { ...base, note: '我的版本', updatedAt: T1 });
		const held = { ...sent, note: '他們的版本' };
		expect(overwrittenTexts(sent, held, base.updatedAt)).toEqual([
			{ field: 'note', text: '我的版本' }
		]);
		expect(overwrittenTexts(sent, held, T2)).toEqual([]);
		expect(overwrittenTexts(sent, sent, null)).toEqual([]);
	});
});
