import { describe, expect, it } from 'vitest';
import { settingsSchema } from '$lib/domain/records';
import { aConnection, aFollowUp, anEvent, aProfile, at } from '$lib/testing/factories';
import {
	connectionToRow,
	deletionRow,
	eventToRow,
	followUpToRow,
	isNewer,
	mergeProfileSettings,
	parseIncoming,
	profileToRow,
	type ProfileSettings
} from './rows';

const deviceSettings: ProfileSettings = {
	locale: 'zh-TW',
	timeZone: 'Asia/Taipei',
	followUpDelayDays: 2,
	followUpHour: 9,
	followUpSkipWeekends: false
};

describe('records to the wire', () => {
	it('spells an event in snake_case with nulls for what is absent', () => {
		const event = anEvent({ topic: '無障礙設計' });
		expect(eventToRow(event)).toEqual({
			id: event.id,
			name: '台北前端社群小聚',
			topic: '無障礙設計',
			context: 'meetup',
			starts_at: event.startsAt,
			ends_at: event.endsAt,
			venue: null,
			time_zone: 'Asia/Taipei',
			coach: null,
			updated_at: event.updatedAt,
			deleted_at: null
		});
	});

	it('carries the coach of an event both ways, so its goal and debrief sync with it', () => {
		const event = anEvent({
			coach: {
				goal: { kind: 'own', text: '問一個人在做什麼' },
				debrief: { at: at('2026-11-23T23:00:00Z'), word: 'good', good: '有人對我笑' }
			}
		});
		expect(eventToRow(event).coach).toEqual(event.coach);
		expect(parseIncoming('events', eventToRow(event))).toEqual({ table: 'events', record: event });
		const fromAnOlderServer = eventToRow(event);
		delete fromAnOlderServer.coach;
		expect(parseIncoming('events', fromAnOlderServer)).toEqual({
			table: 'events',
			record: { ...event, coach: undefined }
		});
	});

	it('carries a connection with its card, tags and tombstone', () => {
		const deletedAt = at('2026-11-22T08:00:00Z');
		const connection = aConnection({
			eventId: '00000000-0000-4000-8000-00000000e001',
			note: '聊到 Svelte 5',
			talkPhrase: '你在做的長照 App',
			tags: ['前端'],
			tier: 'close',
			deletedAt
		});
		expect(connectionToRow(connection)).toEqual({
			id: connection.id,
			card: connection.card,
			event_id: '00000000-0000-4000-8000-00000000e001',
			met_at: connection.metAt,
			note: '聊到 Svelte 5',
			talk_phrase: '你在做的長照 App',
			prompt_text: null,
			tags: ['前端'],
			tier: 'close',
			last_contacted_at: null,
			source: 'scan',
			updated_at: connection.updatedAt,
			deleted_at: deletedAt
		});
	});

	it('sends a follow-up as live: the device removes deleted ones outright', () => {
		const followUp = aFollowUp({ status: 'snoozed', snoozedUntil: at('2026-11-23T01:00:00Z') });
		expect(followUpToRow(followUp)).toMatchObject({
			id: followUp.id,
			connection_id: followUp.connectionId,
			kind: 'post_event',
			cycle: 0,
			status: 'snoozed',
			snoozed_until: '2026-11-23T01:00:00.000Z',
			done_at: null,
			deleted_at: null
		});
	});

	it('makes the profile the card plus this device’s language and follow-up rule', () => {
		const profile = aProfile({ company: '好好設計' });
		const { updatedAt, ...card } = profile;
		expect(profileToRow(profile, deviceSettings)).toEqual({
			display_name: '陳怡君',
			card,
			locale: 'zh-TW',
			time_zone: 'Asia/Taipei',
			follow_up_delay_days: 2,
			follow_up_hour: 9,
			follow_up_skip_weekends: false,
			updated_at: updatedAt,
			deleted_at: null
		});
		expect(card).not.toHaveProperty('updatedAt');
	});

	it('deletes by id and time only', () => {
		expect(deletionRow('abc', '2026-11-22T08:00:00.000Z')).toEqual({
			id: 'abc',
			updated_at: '2026-11-22T08:00:00.000Z'
		});
	});
});

describe('rows from the wire', () => {
	it('round-trip every record exactly', () => {
		const event = anEvent({ venue: '松山文創園區', deletedAt: at('2026-11-21T00:00:00Z') });
		const connection = aConnection({
			note: '聊到 Svelte 5',
			talkPhrase: '你在做的長照 App',
			promptText: '最近在忙什麼？'
		});
		const followUp = aFollowUp({ status: 'done', doneAt: at('2026-11-21T03:00:00Z') });
		expect(parseIncoming('events', eventToRow(event))).toEqual({ table: 'events', record: event });
		expect(parseIncoming('connections', connectionToRow(connection))).toEqual({
			table: 'connections',
			record: connection
		});
		expect(parseIncoming('follow_ups', followUpToRow(followUp))).toEqual({
			table: 'follow_ups',
			record: followUp,
			deleted: false
		});
		const profile = aProfile({ channels: [{ kind: 'line', value: 'yijun', shared: false }] });
		expect(parseIncoming('profiles', profileToRow(profile, deviceSettings))).toEqual({
			table: 'profiles',
			profile,
			settings: deviceSettings,
			deleted: false
		});
	});

	it('store instants as the device spells them, whatever offset and precision the server used', () => {
		const event = anEvent();
		const parsed = parseIncoming('events', {
			...eventToRow(event),
			starts_at: '2026-11-20T19:00:00.123456+08:00',
			updated_at: '2026-11-19T02:00:00+00:00'
		});
		expect(parsed).toMatchObject({
			record: { startsAt: '2026-11-20T11:00:00.123Z', updatedAt: '2026-11-19T02:00:00.000Z' }
		});
	});

	it('leave absent what the server sends as null, and missing optional columns too', () => {
		const connection = aConnection();
		const row = connectionToRow(connection);
		delete row.prompt_text;
		delete row.talk_phrase;
		const parsed = parseIncoming('connections', row);
		expect(parsed?.table === 'connections' && Object.keys(parsed.record)).not.toContain('note');
		expect(parsed?.table === 'connections' && Object.keys(parsed.record)).not.toContain(
			'promptText'
		);
		expect(parsed?.table === 'connections' && Object.keys(parsed.record)).not.toContain(
			'talkPhrase'
		);
	});

	it('mark a follow-up the server holds as deleted', () => {
		const row = { ...followUpToRow(aFollowUp()), deleted_at: '2026-11-22T00:00:00+00:00' };
		expect(parseIncoming('follow_ups', row)).toMatchObject({ deleted: true });
	});

	it('refuse what the device could not store, instead of throwing', () => {
		const event = eventToRow(anEvent());
		const connection = connectionToRow(aConnection());
		const bad: [string, unknown][] = [
			['events', { ...event, id: 'not-a-uuid' }],
			['events', { ...event, context: 'party' }],
			['events', { ...event, starts_at: 'yesterday' }],
			['events', { ...event, name: '' }],
			['connections', { ...connection, card: { name: 42 } }],
			['connections', { ...connection, tags: 'a,b' }],
			['connections', { ...connection, note: 'x'.repeat(2001) }],
			['follow_ups', { ...followUpToRow(aFollowUp()), cycle: -1 }],
			['follow_ups', { ...followUpToRow(aFollowUp()), status: 'maybe' }],
			['profiles', { ...profileToRow(aProfile(), deviceSettings), card: {} }],
			['profiles', { ...profileToRow(aProfile(), deviceSettings), locale: 'fr' }],
			['profiles', { ...profileToRow(aProfile(), deviceSettings), follow_up_hour: 24 }],
			['reminders', event],
			['events', null],
			['events', 'row']
		];
		for (const [table, row] of bad) expect(parseIncoming(table, row)).toBeNull();
	});
});

describe('last writer wins', () => {
	it('takes only a strictly later change', () => {
		expect(isNewer('2026-11-20T12:00:00.001Z', '2026-11-20T12:00:00.000Z')).toBe(true);
		expect(isNewer('2026-11-20T12:00:00.000Z', '2026-11-20T12:00:00.000Z')).toBe(false);
		expect(isNewer('2026-11-20T11:00:00.000Z', '2026-11-20T12:00:00.000Z')).toBe(false);
	});

	it('compares instants, not spellings', () => {
		expect(isNewer('2026-11-20T20:00:00+08:00', '2026-11-20T12:00:00.000Z')).toBe(false);
		expect(isNewer('2026-11-20T20:00:01+08:00', '2026-11-20T12:00:00.000Z')).toBe(true);
	});

	it('lets anything valid replace nothing or an unreadable time, but never an invalid one win', () => {
		expect(isNewer('2026-11-20T12:00:00.000Z', undefined)).toBe(true);
		expect(isNewer('2026-11-20T12:00:00.000Z', 'garbage')).toBe(true);
		expect(isNewer('garbage', '2026-11-20T12:00:00.000Z')).toBe(false);
	});
});

describe('follow-up settings from another device', () => {
	const defaults = settingsSchema.parse({});

	it('take the rule and keep everything else of this device', () => {
		const local = { ...defaults, currentEventId: '00000000-0000-4000-8000-00000000e001' };
		expect(mergeProfileSettings(local, deviceSettings, 'Asia/Taipei')).toEqual({
			...local,
			followUpDelayDays: 2,
			followUpHour: 9,
			followUpSkipWeekends: false
		});
	});

	it('keep following the device when the row names the zone it is in', () => {
		const merged = mergeProfileSettings(defaults, deviceSettings, 'Asia/Taipei');
		expect(merged.timeZone).toBeUndefined();
	});

	it('pin a zone picked elsewhere', () => {
		const incoming = { ...deviceSettings, timeZone: 'Europe/Berlin' };
		expect(mergeProfileSettings(defaults, incoming, 'Asia/Taipei').timeZone).toBe('Europe/Berlin');
		const pinned = { ...defaults, timeZone: 'Asia/Tokyo' };
		expect(mergeProfileSettings(pinned, deviceSettings, 'Asia/Taipei').timeZone).toBe(
			'Asia/Taipei'
		);
	});
});
