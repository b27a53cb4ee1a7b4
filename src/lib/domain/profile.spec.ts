import { describe, expect, it } from 'vitest';
import { decodeCardFragment, encodeCardUrl } from './card';
import {
	draftFromProfile,
	emptyDraft,
	moveChannel,
	newChannel,
	sameDraft,
	sharedCard,
	validateCardDraft,
	type CardDraft,
	type DraftChannel
} from './profile';
import { aProfile } from '$lib/testing/factories';

let ids = 0;
const nextId = () => `row-${++ids}`;

function channel(kind: DraftChannel['kind'], value: string, extra: Partial<DraftChannel> = {}) {
	return { ...newChannel(kind, nextId), value, ...extra };
}

function draft(overrides: Partial<CardDraft> = {}): CardDraft {
	return { ...emptyDraft(), name: '陳怡君', ...overrides };
}

function errorsOf(input: CardDraft) {
	const result = validateCardDraft(input);
	if (result.ok) throw new Error('expected errors');
	return result.errors;
}

describe('card draft validation', () => {
	it('asks for a name, and caps each text field', () => {
		expect(errorsOf(draft({ name: '   ' })).fields).toEqual({ name: { code: 'required' } });
		expect(errorsOf(draft({ company: 'x'.repeat(121) })).fields).toEqual({
			company: { code: 'too_long', max: 120 }
		});
	});

	it('says per channel what is wrong, in the codec’s terms', () => {
		const email = channel('email', 'yijun.example.com');
		const phone = channel('phone', '0912-ABC-678');
		const line = channel('line', 'yijun chen');
		const linkedin = channel('linkedin', 'https://www.linkedin.com/company/tsmc');
		const other = channel('other', 'yijun_wechat');
		const empty = channel('instagram', '  ');
		const errors = errorsOf(draft({ channels: [email, phone, line, linkedin, other, empty] }));
		expect(errors.fields).toEqual({});
		expect(errors.channels).toEqual({
			[email.id]: { field: 'value', code: 'invalid_email' },
			[phone.id]: { field: 'value', code: 'invalid_phone' },
			[line.id]: { field: 'value', code: 'invalid_line' },
			[linkedin.id]: { field: 'value', code: 'invalid_linkedin' },
			[other.id]: { field: 'label', code: 'label_required' },
			[empty.id]: { field: 'value', code: 'required' }
		});
	});

	it('saves canonical values, in the arranged order, with their share switches', () => {
		const result = validateCardDraft(
			draft({
				name: ' 陳怡君 ',
				altName: 'Yijun Chen',
				title: '  ',
				company: '台灣半導體股份有限公司',
				hidden: ['company'],
				channels: [
					channel('phone', '0912-345-678', { shared: false }),
					channel('linkedin', 'tw.linkedin.com/in/yijun-chen/'),
					channel('website', 'https://www.instagram.com/yijun.chen'),
					channel('other', 'yijun_wechat', { label: 'WeChat' })
				]
			})
		);
		expect(result).toEqual({
			ok: true,
			profile: {
				name: '陳怡君',
				altName: 'Yijun Chen',
				company: '台灣半導體股份有限公司',
				hidden: ['company'],
				channels: [
					{ kind: 'phone', value: '0912345678', shared: false },
					{ kind: 'linkedin', value: 'https://www.linkedin.com/in/yijun-chen', shared: true },
					{ kind: 'instagram', value: 'https://www.instagram.com/yijun.chen', shared: true },
					{ kind: 'other', value: 'yijun_wechat', label: 'WeChat', shared: true }
				]
			}
		});
	});
});

describe('the shared card', () => {
	const profile = aProfile({
		name: '陳怡君',
		altName: 'Yijun Chen',
		title: '資深工程師',
		company: '台灣半導體股份有限公司',
		hidden: ['altName', 'company'],
		channels: [
			{ kind: 'email', value: 'yijun.chen@example.com.tw', shared: true },
			{ kind: 'phone', value: '+886912345678', shared: false },
			{ kind: 'line', value: 'yijun_chen', shared: true }
		]
	});

	it('carries the name and only the fields switched to shared', () => {
		expect(sharedCard(profile)).toEqual({
			name: '陳怡君',
			title: '資深工程師',
			channels: [
				{ kind: 'email', value: 'yijun.chen@example.com.tw' },
				{ kind: 'line', value: 'yijun_chen' }
			]
		});
	});

	it('is what the QR link carries, and nothing private', () => {
		const url = encodeCardUrl(sharedCard(profile), 'https://rapport.example');
		const decoded = decodeCardFragment(new URL(url).hash);
		expect(decoded).toEqual({ ok: true, format: 'rapport', card: sharedCard(profile) });
		expect(JSON.stringify(decoded)).not.toContain('886912345678');
		expect(JSON.stringify(decoded)).not.toContain('台灣半導體');
	});

	it('round-trips through the editor unchanged', () => {
		const result = validateCardDraft(draftFromProfile(profile, nextId));
		expect(result).toEqual({
			ok: true,
			profile: {
				name: profile.name,
				altName: profile.altName,
				title: profile.title,
				company: profile.company,
				hidden: profile.hidden,
				channels: profile.channels
			}
		});
	});
});

describe('editing helpers', () => {
	it('moves a channel up or down, and not past either end', () => {
		expect(moveChannel(['a', 'b', 'c'], 2, -1)).toEqual(['a', 'c', 'b']);
		expect(moveChannel(['a', 'b', 'c'], 0, 1)).toEqual(['b', 'a', 'c']);
		expect(moveChannel(['a', 'b', 'c'], 0, -1)).toEqual(['a', 'b', 'c']);
		expect(moveChannel(['a', 'b', 'c'], 2, 1)).toEqual(['a', 'b', 'c']);
	});

	it('compares drafts by what was typed, not by row ids', () => {
		const a = draft({ channels: [channel('line', 'yijun')] });
		const b = { ...a, channels: a.channels.map((row) => ({ ...row, id: 'other-id' })) };
		expect(sameDraft(a, b)).toBe(true);
		expect(sameDraft(a, { ...b, name: '林志明' })).toBe(false);
	});
});
