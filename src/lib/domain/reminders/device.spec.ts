import { describe, expect, it } from 'vitest';
import {
	isAppleMobile,
	reminderAvailability,
	uaFamily,
	vapidKeyBytes,
	type ReminderDeviceFacts
} from './device';

const agents = {
	chromeAndroid:
		'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
	edge: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
	firefox: 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
	iphoneSafari:
		'Mozilla/5.0 (iPhone; CPU iPhone OS 18_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.4 Mobile/15E148 Safari/604.1',
	iphoneChrome:
		'Mozilla/5.0 (iPhone; CPU iPhone OS 18_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1',
	ipadDesktop:
		'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.4 Safari/605.1.15',
	headless:
		'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36',
	samsung:
		'Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36',
	bot: 'curl/8.5.0'
};

describe('uaFamily', () => {
	it('names the family and nothing more', () => {
		expect(uaFamily(agents.chromeAndroid)).toBe('chrome');
		expect(uaFamily(agents.edge)).toBe('edge');
		expect(uaFamily(agents.firefox)).toBe('firefox');
		expect(uaFamily(agents.iphoneSafari)).toBe('safari');
		expect(uaFamily(agents.iphoneChrome)).toBe('chrome');
		expect(uaFamily(agents.ipadDesktop)).toBe('safari');
		expect(uaFamily(agents.samsung)).toBe('chrome');
		expect(uaFamily(agents.headless)).toBe('chrome');
		expect(uaFamily(agents.bot)).toBe('other');
	});
});

describe('isAppleMobile', () => {
	it('finds iPhones in any browser, and iPads that read as a Mac by their touch screen', () => {
		expect(isAppleMobile(agents.iphoneSafari, 5)).toBe(true);
		expect(isAppleMobile(agents.iphoneChrome, 5)).toBe(true);
		expect(isAppleMobile(agents.ipadDesktop, 5)).toBe(true);
		expect(isAppleMobile(agents.ipadDesktop, 0)).toBe(false);
		expect(isAppleMobile(agents.chromeAndroid, 5)).toBe(false);
	});
});

describe('reminderAvailability', () => {
	const ready: ReminderDeviceFacts = {
		syncOn: true,
		userAgent: agents.chromeAndroid,
		maxTouchPoints: 5,
		standalone: false,
		pushSupported: true,
		permission: 'default'
	};

	it('is ready on a browser with push, sync on and permission not refused', () => {
		expect(reminderAvailability(ready)).toBe('ready');
		expect(reminderAvailability({ ...ready, permission: 'granted' })).toBe('ready');
	});

	it('says first that nothing can arrive without sync', () => {
		expect(reminderAvailability({ ...ready, syncOn: false, pushSupported: false })).toBe('no-sync');
	});

	it('asks iPhone users in a browser tab to add the app to the Home Screen', () => {
		const iphone = { ...ready, userAgent: agents.iphoneSafari, pushSupported: false };
		expect(reminderAvailability(iphone)).toBe('home-screen');
		expect(reminderAvailability({ ...iphone, standalone: true, pushSupported: true })).toBe(
			'ready'
		);
	});

	it('tells a browser without push and a refused permission apart', () => {
		expect(reminderAvailability({ ...ready, pushSupported: false })).toBe('unsupported');
		expect(reminderAvailability({ ...ready, permission: 'denied' })).toBe('denied');
	});
});

describe('vapidKeyBytes', () => {
	it('decodes an unpadded base64url P-256 point', () => {
		const key =
			'BF7-WJcvZMUnjLhvgtp03UU58K0pEYbm-DjLEIYD5wXF8RZppThN1DOkMevpkPC-B84ABuNt8kz9HLgxwh4DTzc';
		const bytes = vapidKeyBytes(key);
		expect(bytes.length).toBe(65);
		expect(bytes[0]).toBe(4);
		expect(Buffer.from(bytes).toString('base64url')).toBe(key);
	});
});
