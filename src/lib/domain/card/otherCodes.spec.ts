import { describe, expect, it } from 'vitest';
import { otherCodeKind } from './otherCodes';

describe('otherCodeKind', () => {
	it.each([
		['WIFI:T:WPA;S:COSCUP-2026;P:open sesame;H:false;;', 'wifi'],
		['wifi:S:Venue Guest;;', 'wifi'],
		['https://kktix.com/events/frontend-meetup/registrations/A1B2C3', 'ticket'],
		['https://frontend.kktix.cc/events/2026', 'ticket'],
		['https://www.accupass.com/ticket/7f3a9c', 'ticket'],
		['https://example.org/checkin/8842', 'ticket'],
		['TKT-2026-0042-8831', 'ticket'],
		['8f3e2c1d9a7b', 'ticket'],
		['https://coscup.org/2026/', 'link'],
		['Hello! Find me at booth 12.', 'text'],
		['abcdefghij', 'text'],
		['javascript:alert(1)', 'text']
	])('%j is %s', (text, kind) => {
		expect(otherCodeKind(text)).toBe(kind);
	});
});
