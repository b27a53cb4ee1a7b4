import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import { connectionRepository } from '$lib/data/connections';
import { keepOverwritten } from '$lib/data/overwritten';
import { aConnection } from '$lib/testing/factories';
import { app } from './app.svelte';
import { OverwrittenTexts } from './overwritten.svelte';
import { PersonEditor } from './people.svelte';

describe('Put mine back', () => {
	it('shows my restored text in the person’s open editor, keeping what is being typed', async () => {
		const db = await app.database();
		const person = await connectionRepository(db).save(
			aConnection({ note: '另一台裝置寫的', talkPhrase: '聊到長照' })
		);
		const tx = db.transaction('settings', 'readwrite');
		await keepOverwritten(
			tx.store,
			person.id,
			[{ field: 'note', text: '我自己寫的筆記' }],
			'2026-11-21T09:00:00Z'
		);
		await tx.done;

		const editor = new PersonEditor();
		await editor.load(person.id);
		const stop = editor.follow();
		editor.company = '正在打的公司名';

		const notice = new OverwrittenTexts(person.id);
		await notice.load();
		await notice.restore('note');

		await vi.waitFor(() => expect(editor.note).toBe('我自己寫的筆記'));
		expect(editor.connection?.note).toBe('我自己寫的筆記');
		expect(editor.company).toBe('正在打的公司名');
		expect(editor.talkPhrase).toBe('聊到長照');
		expect(notice.items).toEqual([]);
		stop();
	});
});
