import 'fake-indexeddb/auto';
import { beforeAll, describe, expect, it } from 'vitest';
import { connectionRepository } from '$lib/data/connections';
import { eventRepository } from '$lib/data/events';
import { promptStateRepository } from '$lib/data/promptState';
import { settingsRepository } from '$lib/data/settings';
import { encodeCardUrl, referenceCard, referenceOrigin } from '$lib/domain/card';
import { anEvent } from '$lib/testing/factories';
import { app } from './app.svelte';
import { cameraPrecondition, cameraProblemFrom, ScanSession, scanBox } from './scan.svelte';

describe('cameraProblemFrom', () => {
	it('tells denied, missing, busy and unsupported cameras apart', () => {
		const wrapped = (error: string) => `Error getting userMedia, error = ${error}`;
		expect(cameraProblemFrom(wrapped('NotAllowedError: Permission denied'))).toBe('denied');
		expect(cameraProblemFrom(new DOMException('denied', 'NotAllowedError'))).toBe('denied');
		expect(cameraProblemFrom(wrapped('NotFoundError: Requested device not found'))).toBe(
			'no_camera'
		);
		expect(cameraProblemFrom(wrapped('OverconstrainedError: '))).toBe('no_camera');
		expect(cameraProblemFrom(wrapped('NotReadableError: Could not start video source'))).toBe(
			'in_use'
		);
		expect(cameraProblemFrom('Camera streaming not supported by the browser.')).toBe('unsupported');
		expect(cameraProblemFrom(undefined)).toBe('failed');
	});
});

describe('cameraPrecondition', () => {
	const getUserMedia = () => undefined;
	it('needs a secure page and getUserMedia', () => {
		expect(cameraPrecondition({ isSecureContext: false, navigator: {} })).toBe('insecure');
		expect(cameraPrecondition({ isSecureContext: true, navigator: {} })).toBe('unsupported');
		expect(
			cameraPrecondition({ isSecureContext: true, navigator: { mediaDevices: { getUserMedia } } })
		).toBeNull();
	});
});

describe('scanBox', () => {
	it('is a square of 70% of the shorter side, never under 50 px', () => {
		expect(scanBox(390, 520)).toEqual({ width: 273, height: 273 });
		expect(scanBox(640, 480)).toEqual({ width: 336, height: 336 });
		expect(scanBox(40, 60)).toEqual({ width: 50, height: 50 });
	});
});

describe('ScanSession', () => {
	// On now: an event that is over is no longer current, and no one is saved under it.
	const event = anEvent({
		name: 'AI 產品經理小聚',
		startsAt: new Date(Date.now() - 3_600_000).toISOString(),
		endsAt: new Date(Date.now() + 3_600_000).toISOString()
	});
	const url = encodeCardUrl(referenceCard, referenceOrigin);

	beforeAll(async () => {
		const db = await app.database();
		await eventRepository(db).save(event);
		await settingsRepository(db).update({ currentEventId: event.id });
		await promptStateRepository(db).save({
			favourites: [],
			prepared: {},
			worked: { id: 'p1', text: '今天是什麼讓你想來？', at: new Date().toISOString() }
		});
	});

	it('previews a card and offers the prompt that worked as the talk phrase, not the note', async () => {
		const scan = new ScanSession('v');
		await scan.accept(url);
		expect(scan.decoded).toEqual({ ok: true, text: url, card: referenceCard });
		expect(scan.talkPhrase).toBe('今天是什麼讓你想來？');
		expect(scan.note).toBe('');
		expect(scan.needsName).toBe(false);
		expect(scan.match).toBeNull();
		expect(scan.promptText).toBe('今天是什麼讓你想來？');
	});

	it('saves under the current event, then updates rather than duplicates', async () => {
		const scan = new ScanSession('v');
		await scan.accept(url);
		scan.note = '聊到晶片設計';
		scan.tags = '半導體，工程師';
		await scan.save();
		expect(scan.saved).toMatchObject({ name: '陳怡君', updated: false });
		const db = await app.database();
		const [first] = await connectionRepository(db).listForEvent(event.id);
		expect(first).toMatchObject({
			note: '聊到晶片設計',
			promptText: '今天是什麼讓你想來？',
			tags: ['半導體', '工程師'],
			source: 'scan'
		});
		// Kept once, the prompt is no longer offered.
		expect((await promptStateRepository(db).get()).worked).toBeUndefined();

		scan.reset();
		await scan.accept(url);
		expect(scan.note).toBe('');
		expect(scan.match?.connection.id).toBe(first?.id);
		expect(scan.match?.eventName).toBe('AI 產品經理小聚');
		expect(scan.keepAs).toBe('update');
		scan.tags = '台積電';
		await scan.save();
		expect(scan.saved).toMatchObject({ updated: true, connectionId: first?.id });
		const all = await connectionRepository(db).listForEvent(event.id);
		expect(all).toHaveLength(1);
		expect(all[0]?.tags).toEqual(['半導體', '工程師', '台積電']);
	});

	it('asks for a name when the scan had none, and refuses to save without one', async () => {
		const scan = new ScanSession('v');
		await scan.accept('https://line.me/ti/p/~amy.chen');
		expect(scan.needsName).toBe(true);
		expect(scan.nameSuggestion).toBe('amy.chen');
		await scan.save();
		expect(scan.nameMissing).toBe(true);
		expect(scan.saved).toBeNull();
		scan.name = ' Amy ';
		await scan.save();
		expect(scan.saved).toMatchObject({ name: 'Amy', updated: false });
	});

	it('explains a QR that is not a card and keeps its text', async () => {
		const scan = new ScanSession('v');
		const wifi = 'WIFI:T:WPA;S:Venue Guest;P:welcome2026;;';
		await scan.accept(wifi);
		expect(scan.decoded).toEqual({ ok: false, text: wifi, reason: 'not_a_card' });
		await scan.save();
		expect(scan.saved).toBeNull();
	});
});
