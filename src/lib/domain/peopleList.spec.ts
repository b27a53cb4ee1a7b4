import { describe, expect, it } from 'vitest';
import { aConnection, anEvent, at } from '$lib/testing/factories';
import { peopleRows, searchPeople } from './peopleList';

const meetup = anEvent({ name: '台北前端社群小聚' });
const chihMing = aConnection({
	card: { name: '林志明', company: '好好設計', channels: [{ kind: 'line', value: 'chihming' }] },
	eventId: meetup.id,
	tags: ['設計', 'hiring'],
	metAt: at('2026-11-20T12:00:00Z')
});
const amy = aConnection({
	card: { name: '陳怡君', altName: 'Amy Chen', company: 'ＴＳＭＣ', channels: [] },
	metAt: at('2026-11-22T12:00:00Z')
});
const rows = peopleRows([chihMing, amy], new Map([[meetup.id, meetup.name]]));

describe('peopleRows', () => {
	it('lists the newest meeting first, with the name of the event it was at', () => {
		expect(rows.map((row) => [row.connection.card.name, row.eventName])).toEqual([
			['陳怡君', undefined],
			['林志明', '台北前端社群小聚']
		]);
	});
});

describe('searchPeople', () => {
	const names = (query: string) => searchPeople(rows, query).map((row) => row.connection.card.name);

	it('finds people by name, other name, company, event name and tag', () => {
		expect(names('志明')).toEqual(['林志明']);
		expect(names('amy')).toEqual(['陳怡君']);
		expect(names('好好')).toEqual(['林志明']);
		expect(names('前端')).toEqual(['林志明']);
		expect(names('HIRING')).toEqual(['林志明']);
	});

	it('treats full-width letters as their half-width forms', () => {
		expect(names('tsmc')).toEqual(['陳怡君']);
	});

	it('needs every word to match, and an empty query shows everyone', () => {
		expect(names('設計 前端')).toEqual(['林志明']);
		expect(names('設計 amy')).toEqual([]);
		expect(names('  ')).toEqual(['陳怡君', '林志明']);
	});
});
