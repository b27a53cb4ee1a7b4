import { describe, expect, it } from 'vitest';
import { phonesIn } from './phones';

describe('phonesIn', () => {
	it.each([
		['電話：02-2345-6789', [{ kind: 'office', e164: '+886223456789', extension: '' }]],
		['手機 0912-345-678', [{ kind: 'mobile', e164: '+886912345678', extension: '' }]],
		['Fax: (02) 2345-6790', [{ kind: 'fax', e164: '+886223456790', extension: '' }]],
		['Tel +886-2-2345-6789 #12', [{ kind: 'office', e164: '+886223456789', extension: '12' }]],
		['+886 (0)2 2345 6789 ext. 5', [{ kind: 'office', e164: '+886223456789', extension: '5' }]],
		['0912 345 678', [{ kind: 'mobile', e164: '+886912345678', extension: '' }]],
		['037-123456', [{ kind: 'office', e164: '+88637123456', extension: '' }]],
		['電話 107-352-6732', [{ kind: 'office', e164: '+88673526732', extension: '' }]]
	])('%s', (line, expected) => {
		expect(phonesIn(line)).toMatchObject(expected);
	});

	it('reads several numbers on one line by their labels', () => {
		expect(phonesIn('T 02-2345-6789 分機 301  F 02-2345-6790  M 0912-345-678')).toEqual([
			{ kind: 'office', labelled: true, e164: '+886223456789', extension: '301' },
			{ kind: 'fax', labelled: true, e164: '+886223456790', extension: '' },
			{ kind: 'mobile', labelled: true, e164: '+886912345678', extension: '' }
		]);
	});

	it('cuts two unlabelled numbers apart by how long a number can be', () => {
		expect(phonesIn('02 2345 6789 0912 345 678').map((phone) => phone.e164)).toEqual([
			'+886223456789',
			'+886912345678'
		]);
	});

	it('reads no phone in a tax ID, a postcode or a date', () => {
		expect(phonesIn('統一編號 12345678')).toEqual([]);
		expect(phonesIn('105 台北市')).toEqual([]);
		expect(phonesIn('2026.12.02')).toEqual([]);
	});
});
