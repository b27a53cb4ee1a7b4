import { describe, expect, it } from 'vitest';
import { twoPeople } from '$lib/testing/people';
import { peopleRows, searchPeople } from './peopleList';

const { meetup, chihMing, amy } = twoPeople();
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
