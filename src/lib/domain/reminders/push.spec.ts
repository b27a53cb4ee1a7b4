import { describe, expect, it } from 'vitest';
import { appPath, readReminderPush, windowFor, type FallbackText } from './push';

const origin = 'https://rapport.example';
const fallback: FallbackText = { title: 'Rapport', body: 'Someone may be waiting.', lang: 'en' };

const digest = (notification: Record<string, unknown>) =>
	JSON.stringify({ web_push: 8030, notification });

describe('readReminderPush', () => {
	it('shows the digest as sent, with its badge count', () => {
		const shown = readReminderPush(
			digest({
				title: '今天要跟進 3 位',
				body: '今天要跟進 3 位：林志明、Amy Chen、…',
				navigate: '/follow-ups',
				app_badge: '3',
				lang: 'zh-TW',
				tag: 'rapport-reminder'
			}),
			origin,
			fallback
		);
		expect(shown).toEqual({
			title: '今天要跟進 3 位',
			options: {
				body: '今天要跟進 3 位：林志明、Amy Chen、…',
				lang: 'zh-TW',
				tag: 'rapport-reminder',
				icon: '/icons/icon-192.png',
				data: { navigate: '/follow-ups' }
			},
			badge: 3
		});
	});

	it('takes the badge as a number too, and leaves it alone when absent or not a count', () => {
		const badge = (app_badge: unknown) =>
			readReminderPush(digest({ title: 'T', app_badge }), origin, fallback).badge;
		expect(badge(7)).toBe(7);
		expect(badge(0)).toBe(0);
		expect(badge(undefined)).toBeNull();
		expect(badge('three')).toBeNull();
		expect(badge(-1)).toBeNull();
		expect(badge(2.5)).toBeNull();
	});

	it('keeps the test reminder apart by its tag and does not touch the badge', () => {
		const shown = readReminderPush(
			digest({ title: 'Test', body: 'It works', tag: 'rapport-test', lang: 'en' }),
			origin,
			fallback
		);
		expect(shown.options.tag).toBe('rapport-test');
		expect(shown.badge).toBeNull();
	});

	it.each([
		['no payload', null],
		['not JSON', '{"web_push": 8030, "notification": '],
		['JSON of another shape', '[1, 2, 3]'],
		['another magic number', JSON.stringify({ web_push: 1, notification: { title: 'T' } })],
		['a blank title', digest({ title: '   ', body: 'B' })],
		['a title that is not text', digest({ title: 42 })]
	])('shows the generic line for %s, opening the follow-ups', (_, text) => {
		expect(readReminderPush(text, origin, fallback)).toEqual({
			title: 'Rapport',
			options: {
				body: 'Someone may be waiting.',
				lang: 'en',
				tag: 'rapport-reminder',
				icon: '/icons/icon-192.png',
				data: { navigate: '/follow-ups' }
			},
			badge: null
		});
	});
});

describe('appPath', () => {
	it('keeps paths of this app, query and fragment included', () => {
		expect(appPath('/follow-ups', origin)).toBe('/follow-ups');
		expect(appPath('/people/1?x=1#note', origin)).toBe('/people/1?x=1#note');
		expect(appPath(`${origin}/follow-ups`, origin)).toBe('/follow-ups');
	});

	it('never opens another site or a script', () => {
		expect(appPath('https://evil.example/follow-ups', origin)).toBe('/follow-ups');
		expect(appPath('//evil.example/x', origin)).toBe('/follow-ups');
		expect(appPath('javascript:alert(1)', origin)).toBe('/follow-ups');
		expect(appPath('', origin)).toBe('/follow-ups');
		expect(appPath(3, origin)).toBe('/follow-ups');
	});
});

describe('windowFor', () => {
	const target = `${origin}/follow-ups`;

	it('brings forward a window already on the target page', () => {
		expect(
			windowFor([{ url: `${origin}/people` }, { url: `${origin}/follow-ups?x=1` }], target)
		).toEqual({ index: 1, navigate: false });
	});

	it('sends another window of the app there', () => {
		expect(windowFor([{ url: `${origin}/settings` }], target)).toEqual({
			index: 0,
			navigate: true
		});
	});

	it('opens a new window when none of the app is open', () => {
		expect(windowFor([], target)).toBeNull();
		expect(windowFor([{ url: 'https://other.example/follow-ups' }], target)).toBeNull();
	});
});
