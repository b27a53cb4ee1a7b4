import { isSignedOut } from '$lib/domain/sync/outcomes';
import { m } from '$lib/paraglide/messages';

// Codes (docs/sync.md, the transport's `auth_<Supabase Auth code>`, and the app's own checks) as
// sentences a person can act on. A code this build does not know still gets a sentence, never
// the raw code.

const reasons: Record<string, () => string> = {
	invalid_row: m.sync_error_invalid_row,
	unknown_table: m.sync_error_unknown_table,
	invalid_op: m.sync_error_invalid_op,
	missing_reference: m.sync_error_missing_reference,
	owned_elsewhere: m.sync_error_owned_elsewhere,
	sync_batch_invalid: m.sync_error_sync_batch_invalid,
	sync_batch_too_large: m.sync_error_sync_batch_too_large,
	quota_exceeded: m.sync_error_quota_exceeded,
	exchange_event_not_found: m.sync_error_exchange_event_not_found,
	exchange_rate_limited: m.sync_error_exchange_rate_limited,
	exchange_token_invalid: m.sync_error_exchange_token_invalid,
	exchange_token_expired: m.sync_error_exchange_token_expired,
	exchange_token_used: m.sync_error_exchange_token_used,
	exchange_own_token: m.sync_error_exchange_own_token,
	exchange_card_invalid: m.sync_error_exchange_card_invalid,
	not_signed_in: m.sync_error_not_signed_in,
	network: m.sync_error_network,
	unknown: m.sync_error_unknown,
	auth_otp_invalid: m.sync_error_auth_otp_invalid,
	auth_otp_format: m.sync_error_auth_otp_format,
	auth_email_invalid: m.sync_error_auth_email_invalid,
	auth_email_unknown: m.sync_error_auth_email_unknown,
	auth_email_exists: m.sync_error_auth_email_exists,
	auth_rate_limited: m.sync_error_auth_rate_limited,
	auth_signups_disabled: m.sync_error_auth_signups_disabled,
	captcha_unavailable: m.sync_error_captcha_unavailable,
	auth_captcha_failed: m.sync_error_captcha_failed
};

/** Supabase Auth codes that mean the same to the person as one of the codes above. */
const sameAs: Record<string, string> = {
	// Auth answers a wrong code and an expired one alike.
	auth_otp_expired: 'auth_otp_invalid',
	// Signing in by code without creating a user, for an email no account has.
	auth_otp_disabled: 'auth_email_unknown',
	auth_email_address_invalid: 'auth_email_invalid',
	auth_validation_failed: 'auth_email_invalid',
	auth_over_email_send_rate_limit: 'auth_rate_limited',
	auth_over_request_rate_limit: 'auth_rate_limited',
	auth_anonymous_provider_disabled: 'auth_signups_disabled',
	auth_signup_disabled: 'auth_signups_disabled'
};

const own = (table: Record<string, string> | Record<string, () => string>, key: string) =>
	Object.hasOwn(table, key);

export function reasonFor(code: string | null | undefined): string {
	if (code && isSignedOut(code)) return m.sync_error_not_signed_in();
	const known = code && own(sameAs, code) ? sameAs[code] : code;
	const message = known && own(reasons, known) ? reasons[known] : undefined;
	return (message ?? m.sync_error_unknown)();
}

const tables: Record<string, () => string> = {
	profiles: m.sync_table_profiles,
	events: m.sync_table_events,
	connections: m.sync_table_connections,
	follow_ups: m.sync_table_follow_ups,
	exchange: m.sync_table_exchange
};

/** What a refused change was about: "A contact", "Your card". */
export function recordKindFor(table: string): string {
	const message = own(tables, table) ? tables[table] : undefined;
	return (message ?? m.sync_table_other)();
}
