import type { Connection, EventRecord, FollowUp, Profile } from '$lib/domain/records';

// Small builders for test data: each returns a valid record, and a test overrides only what it
// is about.

let sequence = 0;
export function uuid(): string {
	sequence++;
	return `00000000-0000-4000-8000-${sequence.toString(16).padStart(12, '0')}`;
}

export const at = (iso: string) => new Date(iso).toISOString();

export function aProfile(overrides: Partial<Profile> = {}): Profile {
	return {
		name: '陳怡君',
		title: '資深工程師',
		hidden: [],
		channels: [],
		updatedAt: at('2026-11-20T02:00:00Z'),
		...overrides
	};
}

export function anEvent(overrides: Partial<EventRecord> = {}): EventRecord {
	return {
		id: uuid(),
		name: '台北前端社群小聚',
		context: 'meetup',
		startsAt: at('2026-11-20T11:00:00Z'),
		endsAt: at('2026-11-20T13:30:00Z'),
		timeZone: 'Asia/Taipei',
		updatedAt: at('2026-11-19T02:00:00Z'),
		...overrides
	};
}

export function aConnection(overrides: Partial<Connection> = {}): Connection {
	return {
		id: uuid(),
		card: { name: '林志明', company: '好好設計', channels: [{ kind: 'line', value: 'chihming' }] },
		metAt: at('2026-11-20T12:00:00Z'),
		tags: [],
		tier: 'none',
		source: 'scan',
		updatedAt: at('2026-11-20T12:00:00Z'),
		...overrides
	};
}

export function aFollowUp(overrides: Partial<FollowUp> = {}): FollowUp {
	return {
		id: uuid(),
		connectionId: uuid(),
		kind: 'post_event',
		cycle: 0,
		dueAt: at('2026-11-21T02:00:00Z'),
		status: 'pending',
		updatedAt: at('2026-11-20T12:00:00Z'),
		...overrides
	};
}
