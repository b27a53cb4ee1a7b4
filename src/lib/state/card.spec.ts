import 'fake-indexeddb/auto';
import { encode } from 'uqr';
import { describe, expect, it } from 'vitest';
import { draftRepository } from '$lib/data/drafts';
import { outboxRepository } from '$lib/testing/outbox';
import { newChannel } from '$lib/domain/profile';
import { app } from './app.svelte';
import { CardEditor, cardUrlFor, fileNameFor, qrFor } from './card.svelte';

describe('the card editor', () => {
	it('keeps a draft that fails validation, puts it back on the next visit, clears it on save', async () => {
		const editor = new CardEditor();
		await editor.load();
		editor.draft.name = '陳怡君';
		editor.draft.channels = [{ ...newChannel('email'), value: 'yijun.example.com' }];
		expect(await editor.save()).toEqual({ ok: false, reason: 'invalid' });
		expect(Object.values(editor.errors.channels)).toEqual([
			{ field: 'value', code: 'invalid_email' }
		]);
		expect(app.profile).toBeNull();

		const later = new CardEditor();
		await later.load();
		expect(later.restored).toBe(true);
		expect(later.draft.channels.map((channel) => channel.value)).toEqual(['yijun.example.com']);

		later.draft.channels[0]!.value = 'yijun.chen@example.com.tw';
		const saved = await later.save();
		expect(saved.ok).toBe(true);
		expect(app.profile).toMatchObject({
			name: '陳怡君',
			channels: [{ kind: 'email', value: 'yijun.chen@example.com.tw', shared: true }]
		});
		const db = await app.database();
		expect(await draftRepository(db).get('card')).toBeUndefined();
		expect((await outboxRepository(db).peek(10)).map((entry) => entry.aggregate)).toContain(
			'profile'
		);

		const again = new CardEditor();
		await again.load();
		expect(again.restored).toBe(false);
		expect(again.draft.name).toBe('陳怡君');
	});

	it('autosaves what is typed once the typing pauses', async () => {
		const editor = new CardEditor();
		await editor.load();
		editor.draft.title = '資深工程師';
		editor.changed();
		await new Promise((resolve) => setTimeout(resolve, 600));
		const stored = await draftRepository(await app.database()).get('card');
		expect(stored).toMatchObject({ name: '陳怡君', title: '資深工程師' });
	});
});

describe('my QR', () => {
	it('links to a card with only the shared fields', () => {
		const url = cardUrlFor(
			{
				name: '陳怡君',
				company: '台灣半導體股份有限公司',
				hidden: ['company'],
				channels: [{ kind: 'line', value: 'yijun_chen', shared: true }],
				updatedAt: '2026-11-20T02:00:00.000Z'
			},
			'https://rapport.example'
		);
		expect(url).toMatch(/^https:\/\/rapport\.example\/c#1[A-Za-z0-9_-]+$/);
		expect(cardUrlFor(null, 'https://rapport.example')).toBeNull();
	});

	it('draws exactly the modules of the QR', async () => {
		const text = 'https://rapport.example/c#1abc';
		const qr = await qrFor(text);
		const expected = encode(text, { ecc: 'M', border: 0 }).data;
		const drawn = expected.map((row) => row.map(() => false));
		for (const [, x, y, width] of qr.path.matchAll(/M(\d+) (\d+)h(\d+)v1h-\d+z/g)) {
			for (let i = 0; i < Number(width); i++) drawn[Number(y)]![Number(x) + i] = true;
		}
		expect(drawn).toEqual(expected);
	});

	it('names files safely', () => {
		expect(fileNameFor('陳怡君', 'vcf')).toBe('陳怡君.vcf');
		expect(fileNameFor('../a:b\u0000', 'png')).toBe('.. a b.png');
		expect(fileNameFor('  ', 'vcf', 'contact')).toBe('contact.vcf');
	});
});
