import { describe, expect, it } from 'vitest';
import { parseMecard } from './mecard';
import { parseScan } from './scan';

describe('parseMecard (via parseScan)', () => {
	it('reads a MECARD from a Taiwanese business-card app', () => {
		const mecard =
			'MECARD:N:陳,怡君;SOUND:Chen,Yijun;TEL:+886-912-345-678;EMAIL:yijun.chen@example.com.tw;' +
			'ORG:台灣半導體股份有限公司;TITLE:資深工程師;URL:https\\://line.me/R/ti/p/~yijun_chen;' +
			'URL:https\\://www.example.com.tw/;NOTE:COMPUTEX 2026;;';
		expect(parseScan(mecard)).toStrictEqual({
			ok: true,
			format: 'mecard',
			card: {
				name: '陳怡君',
				altName: 'Chen Yijun',
				title: '資深工程師',
				company: '台灣半導體股份有限公司',
				channels: [
					{ kind: 'phone', value: '+886912345678' },
					{ kind: 'email', value: 'yijun.chen@example.com.tw' },
					{ kind: 'line', value: 'yijun_chen' },
					{ kind: 'website', value: 'https://www.example.com.tw' }
				]
			}
		});
	});

	it('reads a Japanese MECARD with its reading and docomo fields', () => {
		const mecard =
			'MECARD:N:山田,太郎;SOUND:ヤマダ,タロウ;TEL:03-1234-5678;TEL-AV:090-1234-5678;' +
			'EMAIL:taro@example.co.jp;BDAY:19800101;ADR:東京都千代田区;URL:https://x.com/yamada_taro;;';
		expect(parseScan(mecard)).toStrictEqual({
			ok: true,
			format: 'mecard',
			card: {
				name: '山田太郎',
				altName: 'ヤマダ タロウ',
				channels: [
					{ kind: 'phone', value: '0312345678' },
					{ kind: 'phone', value: '09012345678' },
					{ kind: 'email', value: 'taro@example.co.jp' },
					{ kind: 'x', value: 'https://x.com/yamada_taro' }
				]
			}
		});
	});

	it('honours the backslash escapes \\; \\: \\, \\\\', () => {
		expect(
			parseMecard(
				'MECARD:N:Chen,Amy;ORG:Foo\\; Bar\\, Inc. \\\\o/;TITLE:Lead\\: Rust;URL:http\\://amy.example.com/a\\;b;;'
			)
		).toStrictEqual({
			name: 'Amy Chen',
			title: 'Lead: Rust',
			company: 'Foo; Bar, Inc. \\o/',
			channels: [{ kind: 'website', value: 'http://amy.example.com/a;b' }]
		});
	});

	it('takes a lone N as the whole name and ignores unknown or broken fields', () => {
		expect(parseMecard('mecard:N:Cher;FOO:bar;junk;TEL:;;')).toStrictEqual({
			name: 'Cher',
			channels: []
		});
		expect(parseScan('MECARD:;;')).toStrictEqual({ ok: false, reason: 'empty_card' });
	});
});
