import { describe, expect, it } from 'vitest';
import { channelFromUrl, lineUrl, profileFromUrl, websiteFromUrl } from './profileUrls';

describe('profileFromUrl', () => {
	it.each([
		// LinkedIn app "share profile" QR and the ways people paste it
		[
			'https://www.linkedin.com/in/yijun-chen?utm_source=share&utm_campaign=share_via&utm_content=profile&utm_medium=ios_app',
			'linkedin',
			'https://www.linkedin.com/in/yijun-chen'
		],
		['http://tw.linkedin.com/in/yijun-chen/', 'linkedin', 'https://www.linkedin.com/in/yijun-chen'],
		['linkedin.com/in/yijun-chen', 'linkedin', 'https://www.linkedin.com/in/yijun-chen'],
		// LINE "add friend" links
		['https://line.me/ti/p/~yijun_chen', 'line', 'yijun_chen'],
		['https://line.me/R/ti/p/~Yijun_Chen', 'line', 'yijun_chen'],
		['https://line.me/R/ti/p/%40rapport', 'line', '@rapport'],
		['https://line.me/R/ti/p/@rapport', 'line', '@rapport'],
		['line://ti/p/~yijun_chen', 'line', 'yijun_chen'],
		['https://line.me/ti/p/Ab3dEfGh1j', 'line', 'https://line.me/ti/p/Ab3dEfGh1j'],
		['https://lin.ee/aB3dEf', 'line', 'https://lin.ee/aB3dEf'],
		// Instagram, Facebook, X, Threads
		[
			'https://instagram.com/yijun.chen?igsh=MWx0d2F',
			'instagram',
			'https://www.instagram.com/yijun.chen'
		],
		['https://www.instagram.com/yijun.chen/', 'instagram', 'https://www.instagram.com/yijun.chen'],
		['https://m.facebook.com/yijun.chen', 'facebook', 'https://www.facebook.com/yijun.chen'],
		[
			'https://www.facebook.com/profile.php?id=100012345678901&mibextid=ZbWKwL',
			'facebook',
			'https://www.facebook.com/profile.php?id=100012345678901'
		],
		[
			'https://www.facebook.com/share/1AbCdEfGh/',
			'facebook',
			'https://www.facebook.com/share/1AbCdEfGh'
		],
		['https://twitter.com/yijunchen', 'x', 'https://x.com/yijunchen'],
		['https://x.com/yijunchen?s=21', 'x', 'https://x.com/yijunchen'],
		['https://www.threads.net/@yijun.chen', 'x', 'https://www.threads.com/@yijun.chen']
	])('reads %s', (url, kind, value) => {
		expect(profileFromUrl(url)).toStrictEqual({ kind, value });
	});

	it.each([
		'https://www.linkedin.com/company/tsmc',
		'https://www.instagram.com/p/C1a2b3c4/',
		'https://www.facebook.com/events/123456',
		'https://x.com/yijunchen/status/1234567890',
		'https://line.me/en/',
		'https://line.me/ti/p/~has space',
		'https://example.com/in/yijun-chen',
		'https://user:pass@www.linkedin.com/in/yijun-chen',
		'ftp://www.linkedin.com/in/yijun-chen',
		'WIFI:T:WPA;S:Rapport;P:secret;;',
		'hello world'
	])('does not take %s for a profile', (url) => {
		expect(profileFromUrl(url)).toBeNull();
	});
});

describe('channelFromUrl', () => {
	it('makes a profile of a network link and a website of any other web link', () => {
		expect(channelFromUrl('https://x.com/amy')).toStrictEqual({
			kind: 'x',
			value: 'https://x.com/amy'
		});
		expect(channelFromUrl('http://www.linkedin.com/company/tsmc')).toStrictEqual({
			kind: 'website',
			value: 'http://www.linkedin.com/company/tsmc'
		});
		expect(channelFromUrl('www.example.com.tw')).toStrictEqual({
			kind: 'website',
			value: 'https://www.example.com.tw'
		});
		expect(channelFromUrl('javascript:alert(1)')).toBeNull();
		expect(channelFromUrl('ftp://example.com/file')).toBeNull();
		expect(channelFromUrl('data:text/html,<script>')).toBeNull();
	});

	it('keeps a website readable: no trailing slash on a bare host, IDN hosts in punycode', () => {
		expect(websiteFromUrl('https://example.com/')).toBe('https://example.com');
		expect(websiteFromUrl('https://example.com/a/')).toBe('https://example.com/a/');
		expect(websiteFromUrl('https://例子.台灣')).toBe('https://xn--fsqu00a.xn--kpry57d');
		expect(websiteFromUrl('https://localhost')).toBeNull();
	});
});

describe('lineUrl', () => {
	it('links IDs, official accounts and shared links', () => {
		expect(lineUrl('yijun_chen')).toBe('https://line.me/ti/p/~yijun_chen');
		expect(lineUrl('@rapport')).toBe('https://line.me/R/ti/p/%40rapport');
		expect(lineUrl('https://lin.ee/aB3dEf')).toBe('https://lin.ee/aB3dEf');
	});
});

describe('websiteFromUrl', () => {
	it('keeps the scheme a link came with: an http-only site stays reachable', () => {
		expect(websiteFromUrl('http://old-site.example.com.tw/')).toBe(
			'http://old-site.example.com.tw'
		);
		expect(websiteFromUrl('HTTP://old-site.example.com.tw/about')).toBe(
			'http://old-site.example.com.tw/about'
		);
		expect(websiteFromUrl('https://example.com/')).toBe('https://example.com');
		expect(websiteFromUrl('example.com/about')).toBe('https://example.com/about');
		expect(websiteFromUrl('http://user:pass@example.com')).toBeNull();
	});
});
