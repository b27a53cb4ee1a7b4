import { describe, expect, it } from 'vitest';
import {
	exchangeRefusalOutcome,
	isSignedOut,
	serverErrorCodes,
	sortPushResults,
	syncErrorMessageKey,
	syncErrorMessageKeys
} from './outcomes';

describe('error messages', () => {
	it('has a key for every code the database raises, plus network and unknown', () => {
		expect(syncErrorMessageKeys).toEqual([
			...serverErrorCodes.map((code) => `sync_error_${code}`),
			'sync_error_network',
			'sync_error_unknown'
		]);
		expect(syncErrorMessageKeys).toContain('sync_error_exchange_token_expired');
		expect(syncErrorMessageKeys).toContain('sync_error_invalid_row');
	});

	it('names the message for a known code and falls back for others', () => {
		expect(syncErrorMessageKey('exchange_own_token')).toBe('sync_error_exchange_own_token');
		expect(syncErrorMessageKey('network')).toBe('sync_error_network');
		expect(syncErrorMessageKey('PGRST202')).toBe('sync_error_unknown');
		expect(syncErrorMessageKey('auth_otp_expired')).toBe('sync_error_unknown');
	});

	it('recognises the refusals that mean there is no session', () => {
		expect(isSignedOut('auth_session_missing')).toBe(true);
		expect(isSignedOut('auth_refresh_token_not_found')).toBe(true);
		expect(isSignedOut('auth_otp_expired')).toBe(false);
		expect(isSignedOut('invalid_row')).toBe(false);
	});
});

describe('a push answer', () => {
	it('is sorted by what happens to each outbox entry', () => {
		const sorted = sortPushResults(5, [
			{ index: 0, status: 'applied' },
			{ index: 1, status: 'stale' },
			{ index: 2, status: 'deferred', code: 'missing_reference' },
			{ index: 3, status: 'rejected', code: 'invalid_row', message: 'note' },
			{ index: 4, status: 'rejected' }
		]);
		expect(sorted).toEqual({
			done: [0, 1],
			deferred: [2],
			rejected: [
				{ index: 3, code: 'invalid_row', message: 'note' },
				{ index: 4, code: 'unknown' }
			],
			unanswered: []
		});
	});

	it('keeps changes the answer left out or did not understand, matching by index', () => {
		const sorted = sortPushResults(4, [
			{ index: 3, status: 'applied' },
			{ index: 1, status: 'postponed' },
			{ index: 9, status: 'applied' }
		]);
		expect(sorted.done).toEqual([3]);
		expect(sorted.unanswered).toEqual([0, 1, 2]);
	});
});

describe('a refused exchange', () => {
	it('counts a replay of our own as delivered and anything else as refused', () => {
		expect(exchangeRefusalOutcome('exchange_token_used')).toBe('delivered');
		expect(exchangeRefusalOutcome('exchange_token_expired')).toBe('rejected');
		expect(exchangeRefusalOutcome('exchange_own_token')).toBe('rejected');
	});
});
