import { describe, expect, it } from 'vitest';
import { isSamePerson, mergeCards } from './people';

const yijun = {
	name: '陳怡君',
	company: '台灣半導體',
	channels: [{ kind: 'email' as const, value: 'yijun.chen@example.com.tw' }]
};

describe('isSamePerson', () => {
	it('matches on any shared channel, whatever the name says', () => {
		expect(
			isSamePerson(yijun, {
				name: 'Yijun Chen',
				channels: [{ kind: 'email', value: 'YiJun.Chen@example.com.tw' }]
			})
		).toBe(true);
	});

	it('matches the same name at the same company', () => {
		expect(isSamePerson(yijun, { name: ' 陳怡君 ', company: '台灣半導體', channels: [] })).toBe(
			true
		);
	});

	it('keeps two people apart who only share a name', () => {
		expect(isSamePerson(yijun, { name: '陳怡君', company: '好好設計', channels: [] })).toBe(false);
		expect(isSamePerson({ name: '', channels: [] }, { name: '', channels: [] })).toBe(false);
	});
});

describe('mergeCards', () => {
	it('takes the fresh fields and keeps every known channel', () => {
		const merged = mergeCards(yijun, {
			name: '陳怡君',
			title: '資深工程師',
			channels: [{ kind: 'line', value: 'yijun_chen' }]
		});
		expect(merged).toEqual({
			name: '陳怡君',
			company: '台灣半導體',
			title: '資深工程師',
			channels: [
				{ kind: 'line', value: 'yijun_chen' },
				{ kind: 'email', value: 'yijun.chen@example.com.tw' }
			]
		});
	});
});
