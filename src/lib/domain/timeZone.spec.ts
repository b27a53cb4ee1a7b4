import { describe, expect, test } from 'vitest';
import { deviceTimeZone, isTimeZone } from './timeZone';

describe('isTimeZone', () => {
	test('takes IANA names and UTC', () => {
		for (const zone of ['Asia/Taipei', 'America/New_York', 'Pacific/Auckland', 'UTC']) {
			expect(isTimeZone(zone)).toBe(true);
		}
	});

	test('refuses what the follow-up rule refuses, though Intl would take some of it', () => {
		// "EST" and "+08:00" are zones to Intl but abbreviations or POSIX offsets to PostgreSQL.
		for (const zone of ['EST', '+08:00', 'Mars/Olympus', '', undefined]) {
			expect(isTimeZone(zone)).toBe(false);
		}
	});

	test('the device zone is one', () => {
		expect(isTimeZone(deviceTimeZone())).toBe(true);
	});
});
