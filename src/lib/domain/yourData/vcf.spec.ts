import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { aConnection } from '$lib/testing/factories';
import { peopleVcf, personVcf } from './vcf';

const long = '長'.repeat(60);
const people = [
	aConnection({
		card: {
			name: '陳怡君',
			company: long,
			channels: [{ kind: 'email', value: 'amy@example.com', label: '公司' }]
		},
		note: '聊到長照 App；下週寄簡報, 記得'
	}),
	aConnection({ card: { name: 'Bob Lin', channels: [{ kind: 'phone', value: '0912345678' }] } }),
	aConnection({
		card: { name: '', channels: [{ kind: 'linkedin', value: 'https://www.linkedin.com/in/x' }] }
	})
];

describe('peopleVcf', () => {
	it('writes one vCard 3.0 per person that ical.js reads back', () => {
		const text = peopleVcf(people, false);
		const cards = ICAL.parse(text) as unknown[];
		expect(cards).toHaveLength(people.length);
		const first = new ICAL.Component(cards[0] as never);
		expect(first.getFirstPropertyValue('version')).toBe('3.0');
		expect(first.getFirstPropertyValue('fn')).toBe('陳怡君');
		expect(first.getFirstPropertyValue('org')).toBe(long);
	});

	it('uses CRLF only and folds every line at 75 octets', () => {
		const text = peopleVcf(people, true);
		expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
		for (const line of text.split('\r\n')) {
			expect(new TextEncoder().encode(line).length).toBeLessThanOrEqual(75);
		}
		expect(text).toMatch(/\r\n /);
	});

	it('writes the private note only when asked', () => {
		expect(peopleVcf(people, false)).not.toContain('NOTE');
		const withNote = personVcf(people[0]!, true);
		const card = new ICAL.Component(ICAL.parse(withNote) as never);
		expect(card.getFirstPropertyValue('note')).toBe('聊到長照 App；下週寄簡報, 記得');
	});
});
