import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validCardArbitrary } from './arbitraries';
import type { Card } from './card';
import { referenceCard } from './reference';
import { parseScan } from './scan';
import { escapeText, parseVCard, toVCard, unescapeText } from './vcard';

const crlf = (lines: string[]) => lines.join('\r\n') + '\r\n';

describe('toVCard', () => {
	it('writes the reference card as vCard 3.0 with CRLF and the Chinese name split in N', () => {
		expect(toVCard(referenceCard)).toBe(
			crlf([
				'BEGIN:VCARD',
				'VERSION:3.0',
				'N:陳;怡君;;;',
				'FN:陳怡君',
				'ORG:台灣半導體股份有限公司',
				'TITLE:資深工程師',
				'EMAIL;TYPE=INTERNET:yijun.chen@example.com.tw',
				'TEL;TYPE=CELL:+886912345678',
				'URL:https://line.me/ti/p/~yijun_chen',
				'URL:https://www.linkedin.com/in/yijun-chen',
				'END:VCARD'
			])
		);
	});

	it('splits names the way each script orders them', () => {
		const n = (name: string) => /^N:(.*)$/m.exec(toVCard({ name, channels: [] }))?.[1]?.trim();
		expect(n('陳怡君')).toBe('陳;怡君;;;');
		expect(n('歐陽娜娜')).toBe('歐陽;娜娜;;;');
		expect(n('張簡志明')).toBe('張簡;志明;;;');
		expect(n('林')).toBe(';林;;;');
		expect(n('Amy Chen')).toBe('Chen;Amy;;;');
		expect(n('Mary Ann Lee')).toBe('Lee;Mary Ann;;;');
		expect(n('Cher')).toBe(';Cher;;;');
		expect(n('陳怡君 Amy')).toBe(';陳怡君 Amy;;;');
	});

	it('escapes backslashes, commas, semicolons and newlines (RFC 6350 TEXT)', () => {
		expect(escapeText('a\\b,c;d\ne')).toBe('a\\\\b\\,c\\;d\\ne');
		expect(unescapeText('a\\\\b\\,c\\;d\\ne\\Nf')).toBe('a\\b,c;d\ne\nf');
		const vcard = toVCard({
			name: 'Chen, Amy; Jr. \\o/',
			company: 'Foo; Bar, Inc.',
			channels: [{ kind: 'other', value: 'wx;id,1', label: 'WeChat' }]
		});
		expect(vcard).toContain('\r\nFN:Chen\\, Amy\\; Jr. \\\\o/\r\n');
		expect(vcard).toContain('\r\nORG:Foo\\; Bar\\, Inc.\r\n');
		expect(vcard).toContain(
			'\r\nitem1.IMPP;X-SERVICE-TYPE=WeChat:x-apple:wx\\;id\\,1\r\nitem1.X-ABLabel:WeChat\r\n'
		);
	});

	it('folds at 75 octets without splitting a UTF-8 character, and nothing else', () => {
		const company = '台灣半導體股份有限公司'.repeat(10).slice(0, 120);
		const vcard = toVCard({ name: '陳怡君', company, channels: [] });
		const physical = vcard.split('\r\n');
		const decoder = new TextDecoder('utf-8', { fatal: true });
		for (const line of physical) {
			const bytes = new TextEncoder().encode(line);
			expect(bytes.length).toBeLessThanOrEqual(75);
			expect(decoder.decode(bytes)).toBe(line);
		}
		expect(physical.filter((line) => line.startsWith(' ')).length).toBeGreaterThan(3);
		expect(vcard.replace(/\r\n /g, '')).toContain(`ORG:${company}\r\n`);
		expect(vcard).not.toMatch(/[^\r]\n/);
	});

	it('puts labels in item groups and LINE as its add-friend link', () => {
		const vcard = toVCard({
			name: 'Amy Chen',
			altName: '陳怡君',
			channels: [
				{ kind: 'phone', value: '+88623456789', label: '公司' },
				{ kind: 'line', value: '@rapport' },
				{ kind: 'website', value: 'https://amy.example.com', label: 'Blog' }
			]
		});
		expect(vcard).toContain('\r\nNICKNAME:陳怡君\r\n');
		expect(vcard).toContain('\r\nitem1.TEL;TYPE=VOICE:+88623456789\r\nitem1.X-ABLabel:公司\r\n');
		expect(vcard).toContain('\r\nURL:https://line.me/R/ti/p/%40rapport\r\n');
		expect(vcard).toContain('\r\nitem2.URL:https://amy.example.com\r\nitem2.X-ABLabel:Blog\r\n');
	});

	it('reads back an equal card for every valid card', () => {
		fc.assert(
			fc.property(validCardArbitrary, (card) => {
				expect(parseScan(toVCard(card))).toStrictEqual({ ok: true, format: 'vcard', card });
			}),
			{ numRuns: 500 }
		);
	});
});

describe('parseVCard (via parseScan)', () => {
	it('reads an iPhone vCard 3.0 export', () => {
		const iphone = crlf([
			'BEGIN:VCARD',
			'VERSION:3.0',
			'PRODID:-//Apple Inc.//iPhone OS 17.5//EN',
			'N:陳;怡君;;;',
			'FN:陳怡君',
			'NICKNAME:Amy',
			'X-PHONETIC-FIRST-NAME:Yijun',
			'X-PHONETIC-LAST-NAME:Chen',
			'ORG:台灣半導體股份有限公司;研發處',
			'TITLE:資深工程師',
			'EMAIL;type=INTERNET;type=WORK;type=pref:yijun.chen@example.com.tw',
			'TEL;type=CELL;type=VOICE;type=pref:0912 345 678',
			'item1.TEL:+886 (3) 567-8901 ext. 123',
			'item1.X-ABLabel:公司總機',
			'item2.URL;type=pref:http://www.example.com.tw',
			'item2.X-ABLabel:_$!<HomePage>!$_',
			'X-SOCIALPROFILE;type=linkedin;x-user=yijun-chen:http://www.linkedin.com/in/yijun-chen',
			'X-SOCIALPROFILE;type=twitter;x-user=yijunchen:x-apple:yijunchen',
			'IMPP;X-SERVICE-TYPE=Line;type=HOME;type=pref:x-apple:yijun_chen',
			'item3.IMPP;X-SERVICE-TYPE=WeChat:x-apple:yijun-wx',
			'item3.X-ABLabel:_$!<Other>!$_',
			'ADR;type=WORK;type=pref:;;新竹科學園區力行六路8號;新竹市;;300;Taiwan',
			'PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQAAAQABAAD',
			'END:VCARD'
		]);
		expect(parseScan(iphone)).toStrictEqual({
			ok: true,
			format: 'vcard',
			card: {
				name: '陳怡君',
				altName: 'Amy',
				title: '資深工程師',
				company: '台灣半導體股份有限公司, 研發處',
				channels: [
					{ kind: 'email', value: 'yijun.chen@example.com.tw' },
					{ kind: 'phone', value: '0912345678' },
					{ kind: 'phone', value: '+88635678901', label: '公司總機' },
					{ kind: 'website', value: 'http://www.example.com.tw' },
					{ kind: 'linkedin', value: 'https://www.linkedin.com/in/yijun-chen' },
					{ kind: 'x', value: 'https://x.com/yijunchen' },
					{ kind: 'line', value: 'yijun_chen' },
					{ kind: 'other', value: 'yijun-wx', label: 'WeChat' }
				]
			}
		});
	});

	it('reads an Android vCard 2.1 with QUOTED-PRINTABLE Chinese and soft line breaks', () => {
		const android = crlf([
			'BEGIN:VCARD',
			'VERSION:2.1',
			'N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=E9=99=B3;=E6=80=A1=E5=90=9B;;;',
			'FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=E9=99=B3=E6=80=A1=E5=90=9B',
			'X-ANDROID-CUSTOM:vnd.android.cursor.item/nickname;Amy Chen;1;;;;;;;;;;;;;',
			'TEL;CELL:0912-345-678',
			'TEL;WORK;PREF:+886-3-567-8901',
			'EMAIL;WORK:yijun.chen@example.com.tw',
			'ORG;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=E5=8F=B0=E7=81=A3=E5=8D=8A=E5=B0=8E=E9=AB=94=E8=82=A1=E4=BB=BD=E6=9C=89=',
			'=E9=99=90=E5=85=AC=E5=8F=B8',
			'TITLE;CHARSET=UTF-8;QUOTED-PRINTABLE:=E8=B3=87=E6=B7=B1=E5=B7=A5=E7=A8=8B=E5=B8=AB',
			'URL:https://www.linkedin.com/in/yijun-chen/',
			'END:VCARD'
		]);
		expect(parseScan(android)).toStrictEqual({
			ok: true,
			format: 'vcard',
			card: {
				name: '陳怡君',
				altName: 'Amy Chen',
				title: '資深工程師',
				company: '台灣半導體股份有限公司',
				channels: [
					{ kind: 'phone', value: '0912345678' },
					{ kind: 'phone', value: '+88635678901' },
					{ kind: 'email', value: 'yijun.chen@example.com.tw' },
					{ kind: 'linkedin', value: 'https://www.linkedin.com/in/yijun-chen' }
				]
			}
		});
	});

	it('decodes QUOTED-PRINTABLE in the declared charset, Big5 included', () => {
		const big5 = crlf([
			'BEGIN:VCARD',
			'VERSION:2.1',
			'N;CHARSET=BIG5;ENCODING=QUOTED-PRINTABLE:=B3=AF;=A9=C9=A7=67',
			'TITLE;CHARSET=BIG5;ENCODING=QUOTED-PRINTABLE:=B8=EA=B2=60=A4=75=B5=7B=AE=76',
			'END:VCARD'
		]);
		expect(parseVCard(big5)).toStrictEqual({ name: '陳怡君', title: '資深工程師', channels: [] });
	});

	it('reads a vCard 4.0 with folded lines, quoted parameters and tel: URIs', () => {
		const v4 = crlf([
			'BEGIN:VCARD',
			'VERSION:4.0',
			'KIND:individual',
			'FN:Amy Chen',
			'N:Chen;Amy;;;',
			'ORG:Example Labs\\, Inc.;R&D',
			'TITLE:Developer Advocate\\; Community Lead for the Taipei and Hsinchu develo',
			' per meetups',
			'TEL;VALUE=uri;TYPE="cell,voice":tel:+886-912-345-678',
			'EMAIL;TYPE=work:amy@example.com',
			'IMPP;PREF=1:xmpp:amy@example.com',
			'URL;TYPE=work:https://twitter.com/amychen',
			'X-SOCIALPROFILE;TYPE=instagram:https://instagram.com/amy.chen/',
			'NOTE:Met at COSCUP\\, Taipei',
			'END:VCARD'
		]);
		expect(parseScan(v4)).toStrictEqual({
			ok: true,
			format: 'vcard',
			card: {
				name: 'Amy Chen',
				title: 'Developer Advocate; Community Lead for the Taipei and Hsinchu developer meetups',
				company: 'Example Labs, Inc., R&D',
				channels: [
					{ kind: 'phone', value: '+886912345678' },
					{ kind: 'email', value: 'amy@example.com' },
					{ kind: 'other', value: 'xmpp:amy@example.com' },
					{ kind: 'x', value: 'https://x.com/amychen' },
					{ kind: 'instagram', value: 'https://www.instagram.com/amy.chen' }
				]
			}
		});
	});

	it('reads lower-case names, LF-only lines, item groups and escaped colons', () => {
		const lf = [
			'begin:vcard',
			'version:3.0',
			'n:Lin;Zhiming;;;',
			'tel;type=cell:0987654321',
			'item1.url:https\\://github.com/zhiming',
			'item1.x-ablabel:GitHub',
			'item2.email;type=internet:zm@example.org',
			'item2.x-ablabel:工作',
			'x-line:ZhiMing.Lin',
			'end:vcard'
		].join('\n');
		expect(parseScan(lf)).toStrictEqual({
			ok: true,
			format: 'vcard',
			card: {
				name: 'Zhiming Lin',
				channels: [
					{ kind: 'phone', value: '0987654321' },
					{ kind: 'website', value: 'https://github.com/zhiming', label: 'GitHub' },
					{ kind: 'email', value: 'zm@example.org', label: '工作' },
					{ kind: 'line', value: 'zhiming.lin' }
				]
			}
		});
	});

	it('reads only the first card, drops unusable channels and strips control characters', () => {
		const vcard = crlf([
			'BEGIN:VCARD',
			'VERSION:3.0',
			'FN:\u202eAmy\u0007 Chen\\n',
			'TEL:call me maybe',
			'URL:javascript:alert(1)',
			'EMAIL:not-an-email',
			'END:VCARD',
			'BEGIN:VCARD',
			'FN:Someone else',
			'END:VCARD'
		]);
		expect(parseScan(vcard)).toStrictEqual({
			ok: true,
			format: 'vcard',
			card: { name: 'Amy Chen', channels: [] }
		});
	});

	it('keeps one LINE channel when the same ID comes as a URL and as IMPP', () => {
		const twice = [
			'BEGIN:VCARD',
			'VERSION:3.0',
			'FN:林志明',
			'URL:https://line.me/ti/p/~chihming',
			'IMPP;X-SERVICE-TYPE=Line:x-apple:chihming',
			'X-LINE:ChihMing',
			'END:VCARD'
		].join('\r\n');
		const result = parseScan(twice);
		expect(result.ok && result.card.channels).toEqual([{ kind: 'line', value: 'chihming' }]);
	});

	it('reports a vCard with nothing usable as an empty card', () => {
		expect(parseScan('BEGIN:VCARD\r\nVERSION:3.0\r\nNOTE:hello\r\nEND:VCARD')).toStrictEqual({
			ok: false,
			reason: 'empty_card'
		});
	});

	it('reads a name from N when FN is missing, in the order of its script', () => {
		const card = (n: string): Card => parseVCard(`BEGIN:VCARD\nN:${n}\nEND:VCARD`);
		expect(card('陳;怡君;;;').name).toBe('陳怡君');
		expect(card('Chen;Amy;;;').name).toBe('Amy Chen');
		expect(card('山田;太郎').name).toBe('山田太郎');
	});
});
