import { describe, expect, it } from 'vitest';
import { checkSendBack, sameOwner, SEND_BACK_MESSAGE_MAX } from './sendBack';

const row = (id: string, kind: 'line' | 'phone' | 'email', value: string) => ({ id, kind, value });

describe('the guest’s send-back form', () => {
	it('becomes a card of the name and the filled rows, canonical as the card editor makes them', () => {
		expect(
			checkSendBack({
				name: ' 林志明 ',
				channels: [
					row('a', 'line', 'ZhiMing'),
					row('b', 'phone', ''),
					row('c', 'phone', '0912-345-678')
				],
				message: '  剛剛聊到長照 App  '
			})
		).toEqual({
			ok: true,
			card: {
				name: '林志明',
				channels: [
					{ kind: 'line', value: 'zhiming' },
					{ kind: 'phone', value: '0912345678' }
				]
			},
			message: '剛剛聊到長照 App'
		});
	});

	it('needs a name, checks each channel for its kind, and sends no empty message', () => {
		const check = checkSendBack({
			name: '\u202e',
			channels: [row('a', 'email', 'not-an-email')],
			message: ' '
		});
		expect(check).toEqual({
			ok: false,
			errors: {
				fields: { name: { code: 'required' } },
				channels: { a: { field: 'value', code: 'invalid_email' } }
			}
		});
		expect(checkSendBack({ name: 'Amy', channels: [], message: '' })).toMatchObject({
			ok: true,
			message: null
		});
	});

	it('keeps to three channels', () => {
		const check = checkSendBack({
			name: 'Amy',
			channels: ['a', 'b', 'c', 'd'].map((id) => row(id, 'line', `amy${id}`)),
			message: ''
		});
		expect(check.ok && check.card.channels.map((channel) => channel.value)).toEqual([
			'amya',
			'amyb',
			'amyc'
		]);
	});

	it('refuses a message that is too long instead of cutting it', () => {
		for (const message of ['x'.repeat(SEND_BACK_MESSAGE_MAX + 1), 'x'.repeat(10 * 1024 * 1024)]) {
			expect(checkSendBack({ name: 'Amy', channels: [], message })).toEqual({
				ok: false,
				errors: {
					fields: {},
					channels: {},
					message: { code: 'too_long', max: SEND_BACK_MESSAGE_MAX }
				}
			});
		}
	});
});

describe('whether the link’s card is the token owner’s', () => {
	it('compares the names as the server does, and never matches an unknown owner', () => {
		expect(sameOwner('陳怡君', '陳怡君')).toBe(true);
		expect(sameOwner('陳怡君 ', '陳怡君')).toBe(true);
		expect(sameOwner('陳怡君', 'Chris')).toBe(false);
		expect(sameOwner('陳怡君', null)).toBe(false);
		expect(sameOwner('', '')).toBe(false);
	});
});
