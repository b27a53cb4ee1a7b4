import { describe, expect, it } from 'vitest';
import { serverErrorCodes, signedOutCodes } from '$lib/domain/sync/outcomes';
import { m } from '$lib/paraglide/messages';
import { reasonFor, recordKindFor } from './reasons';

const general = m.sync_error_unknown();

describe('the reason given for a failure', () => {
	it('has words of its own for every code the database raises', () => {
		const unexplained = serverErrorCodes.filter((code) => reasonFor(code) === general);
		expect(unexplained).toEqual([]);
		expect(new Set(serverErrorCodes.map(reasonFor)).size).toBe(serverErrorCodes.length);
	});

	it('tells an expired, a forged and a replayed exchange token apart', () => {
		expect(reasonFor('exchange_token_expired')).toBe(m.sync_error_exchange_token_expired());
		expect(reasonFor('exchange_token_invalid')).toBe(m.sync_error_exchange_token_invalid());
		expect(reasonFor('exchange_token_used')).toBe(m.sync_error_exchange_token_used());
	});

	it('explains the Supabase Auth codes the transport passes on', () => {
		expect(reasonFor('auth_otp_expired')).toBe(m.sync_error_auth_otp_invalid());
		expect(reasonFor('auth_otp_disabled')).toBe(m.sync_error_auth_email_unknown());
		expect(reasonFor('auth_email_exists')).toBe(m.sync_error_auth_email_exists());
		expect(reasonFor('auth_over_email_send_rate_limit')).toBe(m.sync_error_auth_rate_limited());
		for (const code of signedOutCodes) expect(reasonFor(code)).toBe(m.sync_error_not_signed_in());
	});

	it('tells a CAPTCHA that could not load from one Supabase did not accept', () => {
		expect(reasonFor('captcha_unavailable')).toBe(m.sync_error_captcha_unavailable());
		expect(reasonFor('auth_captcha_failed')).toBe(m.sync_error_captcha_failed());
	});

	it('falls back to the general sentence, never the code, for anything else', () => {
		for (const code of ['PGRST202', 'constructor', 'toString', '', null, undefined]) {
			expect(reasonFor(code)).toBe(general);
		}
		expect(reasonFor('network')).toBe(m.sync_error_network());
	});
});

describe('what a refused change was about', () => {
	it('names each table, and something general for the rest', () => {
		expect(recordKindFor('connections')).toBe(m.sync_table_connections());
		expect(recordKindFor('exchange')).toBe(m.sync_table_exchange());
		expect(recordKindFor('__proto__')).toBe(m.sync_table_other());
	});
});
