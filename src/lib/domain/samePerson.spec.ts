import { describe, expect, it } from 'vitest';
import type { Channel } from './card/card';
import {
	cardIdentities,
	channelIdentity,
	findSamePerson,
	isSamePerson,
	phoneToE164
} from './samePerson';

const card = (
	name: string,
	channels: Channel[] = [],
	extra: { company?: string; altName?: string } = {}
) => ({
	name,
	...extra,
	channels
});
const person = (id: string, personCard: ReturnType<typeof card>, deletedAt?: string) => ({
	id,
	card: personCard,
	...(deletedAt ? { deletedAt } : {})
});

describe('phoneToE164', () => {
	it.each([
		['0912-345-678', '+886912345678'],
		['0912 345 678', '+886912345678'],
		['(02) 2345-6789', '+886223456789'],
		['+886 912 345 678', '+886912345678'],
		['+886 (0)2 2345 6789', '+886223456789'],
		['+886 0912 345 678', '+886912345678'],
		['00886-912-345-678', '+886912345678'],
		['886912345678', '+886912345678'],
		['tel:+1-415-555-2671', '+14155552671'],
		['0912-345-678 分機 12', '+886912345678']
	])('%s → %s', (raw, e164) => {
		expect(phoneToE164(raw)).toBe(e164);
	});

	it('refuses what is not a dialable number', () => {
		expect(phoneToE164('12345')).toBeNull();
		expect(phoneToE164('not a phone')).toBeNull();
		expect(phoneToE164('+0123456789')).toBeNull();
	});
});

describe('channelIdentity', () => {
	it('spells each identity one way', () => {
		expect(channelIdentity({ kind: 'line', value: 'https://line.me/ti/p/~Amy.Chen' })).toBe(
			'line:amy.chen'
		);
		expect(channelIdentity({ kind: 'line', value: 'amy.chen' })).toBe('line:amy.chen');
		expect(channelIdentity({ kind: 'email', value: 'mailto:Amy.Chen@Example.com.tw' })).toBe(
			'email:amy.chen@example.com.tw'
		);
		expect(channelIdentity({ kind: 'phone', value: '0912345678' })).toBe('phone:+886912345678');
		expect(
			channelIdentity({ kind: 'linkedin', value: 'https://tw.linkedin.com/in/AmyChen/' })
		).toBe('linkedin:https://www.linkedin.com/in/amychen');
		expect(channelIdentity({ kind: 'instagram', value: 'http://instagram.com/Amy.Chen' })).toBe(
			'instagram:https://www.instagram.com/amy.chen'
		);
	});

	it('reads a website that is really a profile as that profile', () => {
		expect(channelIdentity({ kind: 'website', value: 'https://twitter.com/AmyChen' })).toBe(
			'x:https://x.com/amychen'
		);
	});

	it('keeps the case of a LINE add-friend token, which matters', () => {
		expect(channelIdentity({ kind: 'line', value: 'https://line.me/ti/p/AbCd1234' })).toBe(
			'line:https://line.me/ti/p/AbCd1234'
		);
	});

	it('gives websites, free text and unusable values no identity', () => {
		expect(channelIdentity({ kind: 'website', value: 'https://example.com.tw' })).toBeNull();
		expect(channelIdentity({ kind: 'other', value: 'WeChat amy' })).toBeNull();
		expect(channelIdentity({ kind: 'email', value: 'not an address' })).toBeNull();
	});

	it('collects a card’s identities once each', () => {
		expect(
			cardIdentities(
				card('Amy', [
					{ kind: 'line', value: 'amy.chen' },
					{ kind: 'line', value: 'https://line.me/ti/p/~amy.chen' },
					{ kind: 'website', value: 'https://example.com' }
				])
			)
		).toEqual(new Set(['line:amy.chen']));
	});
});

describe('isSamePerson', () => {
	const amy = card('陳怡君', [{ kind: 'phone', value: '0912345678' }], {
		altName: 'Amy Chen',
		company: '好好設計'
	});

	it('matches on a shared identity whatever the names say', () => {
		expect(isSamePerson(amy, card('', [{ kind: 'phone', value: '+886 912 345 678' }]))).toBe(true);
	});

	it('matches either name at the same company', () => {
		expect(isSamePerson(amy, card('amy  chen', [], { company: '好好設計' }))).toBe(true);
		expect(isSamePerson(amy, card('陳怡君', [], { company: ' 好好設計 ' }))).toBe(true);
	});

	it('keeps apart people who only share a name, a company or a website', () => {
		expect(isSamePerson(amy, card('陳怡君', [], { company: '台灣半導體' }))).toBe(false);
		expect(isSamePerson(card('陳怡君'), card('陳怡君'))).toBe(false);
		expect(isSamePerson(amy, card('林志明', [], { company: '好好設計' }))).toBe(false);
		expect(
			isSamePerson(
				card('A', [{ kind: 'website', value: 'https://example.com' }]),
				card('B', [{ kind: 'website', value: 'https://example.com' }])
			)
		).toBe(false);
		expect(isSamePerson(card(''), card(''))).toBe(false);
	});
});

describe('findSamePerson', () => {
	const byName = person('by-name', card('Amy Chen', [], { company: 'Acme' }));
	const byLine = person('by-line', card('Amy', [{ kind: 'line', value: 'amy.chen' }]));
	const gone = person(
		'gone',
		card('Amy', [{ kind: 'email', value: 'amy@example.com' }]),
		'2026-11-01T00:00:00.000Z'
	);

	it('prefers a shared identity to a name match', () => {
		const scanned = card('Amy Chen', [{ kind: 'line', value: 'line.me/ti/p/~amy.chen' }], {
			company: 'Acme'
		});
		expect(findSamePerson(scanned, [byName, byLine])?.id).toBe('by-line');
	});

	it('falls back to the same name at the same company', () => {
		expect(findSamePerson(card('Amy Chen', [], { company: 'ACME' }), [byLine, byName])?.id).toBe(
			'by-name'
		);
	});

	it('never matches a tombstone, and finds nobody in an empty list', () => {
		expect(findSamePerson(card('', [{ kind: 'email', value: 'amy@example.com' }]), [gone])).toBe(
			undefined
		);
		expect(findSamePerson(card('Amy'), [])).toBeUndefined();
	});
});
