import { describe, expect, it } from 'vitest';
import { aConnection, aFollowUp, at } from '$lib/testing/factories';
import { handleOf, joinNotes, mergeCards, mergePeople, personName, restamp } from './people';

const yijun = {
	name: '陳怡君',
	company: '台灣半導體',
	channels: [{ kind: 'email' as const, value: 'yijun.chen@example.com.tw' }]
};

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

describe('mergeCards channels', () => {
	it('keeps one channel per identity however it is spelled', () => {
		const merged = mergeCards(
			{ name: 'Amy', channels: [{ kind: 'phone', value: '0912345678' }] },
			{ name: 'Amy', channels: [{ kind: 'phone', value: '+886912345678' }] }
		);
		expect(merged.channels).toEqual([{ kind: 'phone', value: '+886912345678' }]);
	});
});

describe('personName', () => {
	it('never leaves someone blank while anything names them', () => {
		expect(personName({ name: '陳怡君', channels: [] })).toBe('陳怡君');
		expect(personName({ name: '', altName: 'Amy', channels: [] })).toBe('Amy');
		expect(personName({ name: '', channels: [{ kind: 'line', value: 'amy.chen' }] })).toBe(
			'amy.chen'
		);
		expect(
			personName({
				name: ' ',
				channels: [{ kind: 'instagram', value: 'https://www.instagram.com/amy.designs' }]
			})
		).toBe('amy.designs');
		expect(personName({ name: '', channels: [] })).toBe('');
	});

	it('offers no handle from a LINE add-friend token or a website', () => {
		expect(
			handleOf({
				channels: [
					{ kind: 'line', value: 'https://line.me/ti/p/AbCd1234' },
					{ kind: 'website', value: 'https://example.com/amy' }
				]
			})
		).toBe('');
	});
});

describe('joinNotes', () => {
	it('keeps each note once, older first', () => {
		expect(joinNotes('聊到設計', ' 聊到設計 ')).toBe('聊到設計');
		expect(joinNotes('聊到設計', '想找設計師')).toBe('聊到設計\n\n想找設計師');
		expect(joinNotes(undefined, ' ')).toBeUndefined();
	});
});

describe('mergePeople', () => {
	const keep = aConnection({
		id: '00000000-0000-4000-8000-0000000000a1',
		card: { name: '陳怡君', channels: [{ kind: 'line', value: 'yijun' }] },
		metAt: at('2026-11-20T12:00:00Z'),
		eventId: '00000000-0000-4000-8000-00000000e002',
		note: '想找設計師',
		tags: ['設計']
	});
	const other = aConnection({
		id: '00000000-0000-4000-8000-0000000000b1',
		card: {
			name: 'Amy Chen',
			company: '好好設計',
			channels: [
				{ kind: 'line', value: 'https://line.me/ti/p/~yijun' },
				{ kind: 'email', value: 'amy@example.com' }
			]
		},
		metAt: at('2026-11-01T12:00:00Z'),
		eventId: '00000000-0000-4000-8000-00000000e001',
		note: '長照 App',
		talkPhrase: '你在做的長照 App',
		tags: ['長照', '設計']
	});
	const now = at('2026-11-25T00:00:00Z');
	const keepPost = aFollowUp({
		id: '00000000-0000-4000-8000-0000000000f1',
		connectionId: keep.id,
		status: 'pending'
	});
	const otherPost = aFollowUp({
		id: '00000000-0000-4000-8000-0000000000f2',
		connectionId: other.id,
		status: 'done',
		doneAt: at('2026-11-02T02:00:00Z')
	});
	const otherRound = aFollowUp({
		id: '00000000-0000-4000-8000-0000000000f3',
		connectionId: other.id,
		kind: 'keep_in_touch',
		cycle: 1
	});
	const plan = mergePeople(keep, other, [keepPost], [otherPost, otherRound], now);
	const [merged, tombstone] = plan.after.connections;

	it('unites channels, joins notes and keeps the earliest meeting', () => {
		expect(merged).toMatchObject({
			id: keep.id,
			metAt: other.metAt,
			eventId: other.eventId,
			note: '長照 App\n\n想找設計師',
			talkPhrase: '你在做的長照 App',
			tags: ['設計', '長照'],
			updatedAt: now
		});
		expect(merged?.card.name).toBe('陳怡君');
		expect(merged?.card.company).toBe('好好設計');
		expect(merged?.card.channels).toEqual([
			{ kind: 'line', value: 'yijun' },
			{ kind: 'email', value: 'amy@example.com' }
		]);
		expect(merged?.deletedAt).toBeUndefined();
	});

	it('leaves the other as a tombstone for sync to carry', () => {
		expect(tombstone).toMatchObject({ id: other.id, deletedAt: now, updatedAt: now });
	});

	it('keeps one follow-up per kind and cycle, with what was already done', () => {
		expect(plan.after.followUps).toEqual([
			expect.objectContaining({ id: keepPost.id, status: 'done', doneAt: otherPost.doneAt }),
			expect.objectContaining({ id: otherRound.id, connectionId: keep.id, kind: 'keep_in_touch' })
		]);
	});

	it('remembers what it replaced, so undo restores it as a newer change', () => {
		expect(plan.before).toEqual({ connections: [keep, other], followUps: [keepPost, otherRound] });
		const undo = restamp(plan.before, at('2026-11-25T00:01:00Z'));
		expect(undo.connections.map((connection) => connection.deletedAt)).toEqual([
			undefined,
			undefined
		]);
		expect(
			undo.followUps.every((followUp) => followUp.updatedAt === at('2026-11-25T00:01:00Z'))
		).toBe(true);
		expect(undo.followUps[1]?.connectionId).toBe(other.id);
	});
});
