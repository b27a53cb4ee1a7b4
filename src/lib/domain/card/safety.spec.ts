import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { channelKinds, type Channel } from './card';
import { isSafeUrl, safeHref } from './safety';

describe('isSafeUrl', () => {
	it.each([
		'https://example.com',
		'HTTPS://EXAMPLE.COM/a?b#c',
		'http://example.com',
		'mailto:amy@example.com',
		'tel:+886912345678',
		'sms:+886912345678',
		'line://ti/p/~yijun_chen',
		'  https://example.com  '
	])('allows %s', (url) => {
		expect(isSafeUrl(url)).toBe(true);
	});

	it.each([
		'javascript:alert(1)',
		'JaVaScRiPt:alert(1)',
		'java\tscript:alert(1)',
		'java\nscript:alert(1)',
		'java\u0000script:alert(1)',
		' javascript:alert(1)',
		'\u0001javascript:alert(1)',
		'\u00a0javascript:alert(1)',
		'java\u200bscript:alert(1)',
		'\u202ejavascript:alert(1)',
		'jav&#x09;ascript:alert(1)',
		'data:text/html,<script>alert(1)</script>',
		' data:text/html;base64,PHNjcmlwdD4=',
		'DATA:text/html,x',
		'vbscript:msgbox(1)',
		'VBScript:msgbox(1)',
		'file:///etc/passwd',
		'blob:https://example.com/uuid',
		'intent://scan/#Intent;scheme=zxing;end',
		'//evil.example',
		'/relative',
		'example.com',
		'',
		'https:',
		'ht tps://example.com x'
	])('refuses %j', (url) => {
		expect(isSafeUrl(url)).toBe(false);
	});
});

describe('safeHref', () => {
	it('links each kind with an allow-listed scheme', () => {
		const href = (channel: Channel) => safeHref(channel);
		expect(href({ kind: 'phone', value: '+886912345678' })).toBe('tel:+886912345678');
		expect(href({ kind: 'email', value: 'amy@example.com' })).toBe('mailto:amy@example.com');
		expect(href({ kind: 'line', value: 'yijun_chen' })).toBe('https://line.me/ti/p/~yijun_chen');
		expect(href({ kind: 'line', value: '@rapport' })).toBe('https://line.me/R/ti/p/%40rapport');
		expect(href({ kind: 'linkedin', value: 'https://www.linkedin.com/in/amy' })).toBe(
			'https://www.linkedin.com/in/amy'
		);
		expect(href({ kind: 'website', value: 'https://amy.example.com' })).toBe(
			'https://amy.example.com'
		);
		expect(href({ kind: 'website', value: 'http://old-site.example.com.tw' })).toBe(
			'http://old-site.example.com.tw'
		);
		expect(href({ kind: 'other', value: 'https://github.com/amy', label: 'GitHub' })).toBe(
			'https://github.com/amy'
		);
	});

	it('shows text, not a link, for anything else', () => {
		expect(safeHref({ kind: 'other', value: 'WeChat: amy_wx' })).toBeNull();
		expect(safeHref({ kind: 'other', value: 'javascript:alert(1)' })).toBeNull();
		expect(safeHref({ kind: 'other', value: 'JaVa\tScRiPt:alert(1)' })).toBeNull();
		expect(safeHref({ kind: 'website', value: 'javascript:alert(1)//https://x.com' })).toBeNull();
		expect(safeHref({ kind: 'linkedin', value: 'data:text/html,<b>' })).toBeNull();
		expect(safeHref({ kind: 'phone', value: 'tel:javascript:alert(1)' })).toBeNull();
		expect(safeHref({ kind: 'email', value: 'a@b.c?body=<script>' })).toBeNull();
		expect(safeHref({ kind: 'line', value: 'javascript:alert(1)' })).toBeNull();
	});

	it('never returns anything but tel:, mailto:, http(s): or line: for any input', () => {
		fc.assert(
			fc.property(
				fc.constantFrom(...channelKinds),
				fc.oneof(
					fc.string({ unit: 'binary' }),
					fc.webUrl(),
					fc
						.constantFrom('javascript:', ' JAVASCRIPT:', 'data:', 'vbscript:')
						.chain((scheme) => fc.string().map((rest) => scheme + rest))
				),
				(kind, value) => {
					const href = safeHref({ kind, value });
					expect(href === null || /^(?:https?:|tel:|mailto:|sms:|line:)/.test(href)).toBe(true);
					expect(href === null || isSafeUrl(href)).toBe(true);
				}
			),
			{ numRuns: 2000 }
		);
	});
});
