import { describe, expect, it } from 'vitest';
import { aConnection, aProfile } from '$lib/testing/factories';
import { settingsSchema } from '../records';
import {
	BACKUP_VERSION,
	buildBackup,
	checkRecords,
	checkSingles,
	openBackup,
	portableSettings,
	serializeBackup,
	type BackupContent
} from './backup';

const content = (overrides: Partial<BackupContent> = {}): BackupContent => ({
	profile: aProfile(),
	settings: portableSettings(settingsSchema.parse({ currentEventId: aConnection().id })),
	prompts: { state: { favourites: [], prepared: {} }, openers: {} },
	events: [],
	connections: [aConnection()],
	followUps: [],
	...overrides
});
const file = (overrides: Partial<BackupContent> = {}) =>
	serializeBackup(buildBackup(content(overrides), new Date('2026-12-01T00:00:00Z')));

describe('openBackup', () => {
	it('opens a backup and leaves its records for checking in chunks', () => {
		const result = openBackup('\uFEFF' + file());
		expect(result.ok && result.backup.raw.connections).toHaveLength(1);
		expect(result.ok && result.backup.exportedAt).toBe('2026-12-01T00:00:00.000Z');
	});

	it('never carries what belongs to this device (the current event) to another one', () => {
		expect(file()).not.toContain('currentEventId');
	});

	it.each([
		['', 'empty'],
		['   \n', 'empty'],
		['BEGIN:VCARD\r\nFN:陳怡君\r\nEND:VCARD', 'not_backup'],
		['{"format":"someone-else","version":1}', 'not_backup'],
		['[1,2,3]', 'not_backup'],
		['{"format":"rapport-backup","version":"1"}', 'not_backup'],
		[
			`{"format":"rapport-backup","version":${BACKUP_VERSION + 1},"connections":[]}`,
			'newer_version'
		]
	])('refuses %j as %s', (text, reason) => {
		expect(openBackup(text)).toEqual({ ok: false, reason });
	});

	it('recognises one of ours cut short', () => {
		const whole = file();
		expect(openBackup(whole.slice(0, Math.floor(whole.length * 0.7)))).toEqual({
			ok: false,
			reason: 'truncated'
		});
	});
});

describe('checking records', () => {
	it('keeps fields it knows and drops ones from a newer app, instead of refusing the record', () => {
		const person = aConnection();
		const checked = checkRecords('connections', [{ ...person, mood: 'happy', future: { a: 1 } }]);
		expect(checked).toEqual({ valid: [person], damaged: [] });
	});

	it('names each damaged record by its position and whatever name it still has', () => {
		const checked = checkRecords(
			'connections',
			[aConnection(), { card: { name: ' 陳怡君 ' } }, null, { id: 'x' }],
			500
		);
		expect(checked.valid).toHaveLength(1);
		expect(checked.damaged).toEqual([
			{ collection: 'connections', index: 501, label: '陳怡君' },
			{ collection: 'connections', index: 502 },
			{ collection: 'connections', index: 503, label: 'x' }
		]);
	});

	it('checks the profile, settings and prompts each on its own', () => {
		const result = openBackup(
			JSON.stringify({
				format: 'rapport-backup',
				version: 1,
				profile: { name: '' },
				settings: { followUpHour: 8, persistenceRequestedAt: '2026-01-01T00:00:00Z' },
				prompts: { state: { favourites: 'no' }, openers: { en: { full: 'Hi' } } }
			})
		);
		if (!result.ok) throw new Error(result.reason);
		expect(checkSingles(result.backup)).toEqual({
			profile: null,
			settings: { followUpHour: 8 },
			prompts: { state: null, openers: { en: { full: 'Hi' } } },
			damaged: [
				{ collection: 'profile', index: -1 },
				{ collection: 'prompts', index: -1 }
			]
		});
	});
});
