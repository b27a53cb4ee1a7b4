import { aConnection, anEvent, at } from './factories';

/** Two people met a couple of days apart, one of them at a meetup, for the people specs. */
export function twoPeople() {
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
	return { meetup, chihMing, amy };
}
