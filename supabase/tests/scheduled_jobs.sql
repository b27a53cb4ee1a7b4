-- The scheduled jobs, each called directly with a fixed clock, account deletion, and the pg_cron
-- registration.
--
--   A  0a000000-0000-4000-8000-00000000000a  Asia/Taipei, reminders at 09:00, weekends skipped
--   B  0b000000-0000-4000-8000-00000000000b  no profile: the defaults (Asia/Taipei, 10:00, weekends skipped)
--   C  0c000000-0000-4000-8000-00000000000c  Europe/London, reminders at 18:00, weekends kept
--
-- Keep-in-touch connections are numbered in their ids: c0000000-0000-4000-8000-0000000000NN.
begin;
select plan(41);

select tests.create_user('0a000000-0000-4000-8000-00000000000a', 'a@example.test');
select tests.create_user('0b000000-0000-4000-8000-00000000000b', 'b@example.test');
select tests.create_user('0c000000-0000-4000-8000-00000000000c', 'c@example.test');
insert into public.profiles (owner_id, time_zone, follow_up_hour, follow_up_skip_weekends) values
	('0a000000-0000-4000-8000-00000000000a', 'Asia/Taipei', 9, true),
	('0c000000-0000-4000-8000-00000000000c', 'Europe/London', 18, false);

-- Keep-in-touch follow-ups -----------------------------------------------------------------------
insert into public.connections (id, owner_id, card, met_at, tier, last_contacted_at, deleted_at) values
	-- Close, met Thursday 2027-01-07: thirty days on is Saturday 02-06.
	('c0000000-0000-4000-8000-000000000001', '0a000000-0000-4000-8000-00000000000a',
		'{"name": "A, close"}', '2027-01-07 10:00+08', 'close', null, null),
	('c0000000-0000-4000-8000-000000000002', '0c000000-0000-4000-8000-00000000000c',
		'{"name": "C, close"}', '2027-01-07 12:00+00', 'close', null, null),
	('c0000000-0000-4000-8000-000000000003', '0b000000-0000-4000-8000-00000000000b',
		'{"name": "B, close"}', '2027-01-07 10:00+08', 'close', null, null),
	-- Regular: ninety days, not due by March.
	('c0000000-0000-4000-8000-000000000004', '0a000000-0000-4000-8000-00000000000a',
		'{"name": "A, regular"}', '2027-01-07 10:00+08', 'regular', null, null),
	-- No tier, met long ago: never.
	('c0000000-0000-4000-8000-000000000005', '0a000000-0000-4000-8000-00000000000a',
		'{"name": "A, no tier"}', '2025-01-01 10:00+08', 'none', null, null),
	-- Close, long overdue, but a snoozed round is still open.
	('c0000000-0000-4000-8000-000000000006', '0a000000-0000-4000-8000-00000000000a',
		'{"name": "A, snoozed round"}', '2026-06-01 10:00+08', 'close', null, null),
	-- Close, round 1 done on 2027-01-20, round 2 deleted: round 3 is due 30 days after round 1.
	('c0000000-0000-4000-8000-000000000007', '0a000000-0000-4000-8000-00000000000a',
		'{"name": "A, rounds"}', '2026-06-01 10:00+08', 'close', '2026-12-01 10:00+08', null),
	-- Close, the post-event follow-up done on 2027-03-01: the next round is due on 03-31.
	('c0000000-0000-4000-8000-000000000008', '0a000000-0000-4000-8000-00000000000a',
		'{"name": "A, just followed up"}', '2026-06-01 10:00+08', 'close', null, null),
	-- Close, deleted: never.
	('c0000000-0000-4000-8000-000000000009', '0a000000-0000-4000-8000-00000000000a',
		'{"name": "A, deleted"}', '2026-06-01 10:00+08', 'close', null, '2026-07-01 10:00+08'),
	-- Light (180 days), met two years ago but contacted on 2026-12-01: due in May.
	('c0000000-0000-4000-8000-000000000010', '0a000000-0000-4000-8000-00000000000a',
		'{"name": "A, light"}', '2025-01-01 10:00+08', 'light', '2026-12-01 10:00+08', null),
	-- Close, the post-event follow-up skipped on 2027-03-05 (an older app set no done_at).
	('c0000000-0000-4000-8000-000000000011', '0a000000-0000-4000-8000-00000000000a',
		'{"name": "A, skipped"}', '2026-06-01 10:00+08', 'close', null, null),
	-- Close, met late on Sunday evening: due at 18:00 thirty days on, 4 hours short of 30 × 24 h.
	('c0000000-0000-4000-8000-000000000012', '0c000000-0000-4000-8000-00000000000c',
		'{"name": "C, late evening"}', '2027-01-10 22:00+00', 'close', null, null);

insert into public.follow_ups (owner_id, connection_id, kind, cycle, due_at, status, snoozed_until, done_at, deleted_at)
values
	('0a000000-0000-4000-8000-00000000000a', 'c0000000-0000-4000-8000-000000000006',
		'keep_in_touch', 1, '2026-07-01 09:00+08', 'snoozed', '2027-04-01 09:00+08', null, null),
	('0a000000-0000-4000-8000-00000000000a', 'c0000000-0000-4000-8000-000000000007',
		'keep_in_touch', 1, '2027-01-01 09:00+08', 'done', null, '2027-01-20 09:00+08', null),
	('0a000000-0000-4000-8000-00000000000a', 'c0000000-0000-4000-8000-000000000007',
		'keep_in_touch', 2, '2027-02-01 09:00+08', 'pending', null, null, '2027-01-21 09:00+08');
update public.follow_ups set status = 'done', done_at = '2027-03-01 09:00+08'
	where connection_id = 'c0000000-0000-4000-8000-000000000008' and kind = 'post_event';
update public.follow_ups set status = 'skipped', done_at = null, updated_at = '2027-03-05 09:00+08'
	where connection_id = 'c0000000-0000-4000-8000-000000000011' and kind = 'post_event';

select is(
	internal.schedule_keep_in_touch_follow_ups('2027-02-06 17:59:59+00'),
	0,
	'keep in touch: nothing is due a second before the first round'
);
select is(
	internal.schedule_keep_in_touch_follow_ups('2027-02-06 18:00+00'),
	1,
	'keep in touch: at 18:00 London time C''s round comes due'
);
select results_eq(
	$$select owner_id, kind, cycle, due_at, status, updated_at, deleted_at from public.follow_ups
		where connection_id = 'c0000000-0000-4000-8000-000000000002' and kind = 'keep_in_touch'$$,
	$$values ('0c000000-0000-4000-8000-00000000000c'::uuid, 'keep_in_touch', 1,
		'2027-02-06 18:00+00'::timestamptz, 'pending', '2027-02-06 18:00+00'::timestamptz, null::timestamptz)$$,
	'keep in touch: C''s first round is due on the Saturday at 18:00 London time, as C keeps weekends'
);

select is(
	internal.schedule_keep_in_touch_follow_ups('2027-02-09 18:00+00'),
	3,
	'keep in touch: by 18:00 London time on 2027-02-09, three more rounds come due'
);
select results_eq(
	$$select connection_id, cycle, due_at, status from public.follow_ups
		where kind = 'keep_in_touch' and updated_at = '2027-02-09 18:00+00' order by connection_id$$,
	$$values
		('c0000000-0000-4000-8000-000000000001'::uuid, 1, '2027-02-08 09:00+08'::timestamptz, 'pending'),
		('c0000000-0000-4000-8000-000000000003'::uuid, 1, '2027-02-08 10:00+08'::timestamptz, 'pending'),
		('c0000000-0000-4000-8000-000000000012'::uuid, 1, '2027-02-09 18:00+00'::timestamptz, 'pending')$$,
	'keep in touch: A''s round moves from Saturday to Monday 09:00, B''s gets the defaults (10:00), '
		'and C''s comes due at 18:00 although 30 × 24 hours have not passed since they met'
);

select is(
	internal.schedule_keep_in_touch_follow_ups('2027-03-10 12:00+00'),
	1,
	'keep in touch: by 2027-03-10, one more round comes due'
);
select results_eq(
	$$select connection_id, cycle, due_at, status from public.follow_ups
		where kind = 'keep_in_touch' and updated_at = '2027-03-10 12:00+00'$$,
	$$values ('c0000000-0000-4000-8000-000000000007'::uuid, 3, '2027-02-19 09:00+08'::timestamptz, 'pending')$$,
	'keep in touch: after a done round and a deleted one comes round 3, due a cadence after the '
		'done one rather than after the last contact'
);
select results_eq(
	$$select c.id, count(f.id)::int from public.connections c
		left join public.follow_ups f on f.connection_id = c.id and f.kind = 'keep_in_touch'
		where c.id in (
			'c0000000-0000-4000-8000-000000000004', 'c0000000-0000-4000-8000-000000000005',
			'c0000000-0000-4000-8000-000000000006', 'c0000000-0000-4000-8000-000000000008',
			'c0000000-0000-4000-8000-000000000009', 'c0000000-0000-4000-8000-000000000010',
			'c0000000-0000-4000-8000-000000000011'
		)
		group by c.id order by c.id$$,
	$$values
		('c0000000-0000-4000-8000-000000000004'::uuid, 0),
		('c0000000-0000-4000-8000-000000000005'::uuid, 0),
		('c0000000-0000-4000-8000-000000000006'::uuid, 1),
		('c0000000-0000-4000-8000-000000000008'::uuid, 0),
		('c0000000-0000-4000-8000-000000000009'::uuid, 0),
		('c0000000-0000-4000-8000-000000000010'::uuid, 0),
		('c0000000-0000-4000-8000-000000000011'::uuid, 0)$$,
	'keep in touch: nothing for a round not yet due, no tier, an open round, a recent follow-up '
		'done, a deleted connection, a recent contact, or a recent skip'
);
select is(
	internal.schedule_keep_in_touch_follow_ups('2027-03-10 12:00+00'),
	0,
	'keep in touch: running again at the same time creates nothing'
);

update public.follow_ups set status = 'done', done_at = '2027-02-07 10:00+00'
	where connection_id = 'c0000000-0000-4000-8000-000000000002' and kind = 'keep_in_touch';
select is(
	internal.schedule_keep_in_touch_follow_ups('2027-03-10 12:00+00'),
	1,
	'keep in touch: once C''s round is done, the next one comes due a cadence later'
);
select results_eq(
	$$select cycle, due_at from public.follow_ups
		where connection_id = 'c0000000-0000-4000-8000-000000000002' and kind = 'keep_in_touch'
		order by cycle$$,
	$$values (1, '2027-02-06 18:00+00'::timestamptz), (2, '2027-03-09 18:00+00'::timestamptz)$$,
	'keep in touch: that is round 2, thirty days after the day round 1 was done'
);

select throws_ok(
	'select internal.schedule_keep_in_touch_follow_ups(null)',
	'22023', null,
	'keep in touch: a missing clock is refused'
);

-- Exchange tokens -------------------------------------------------------------------------------
insert into public.exchange_tokens (id, owner_id, token_hash, expires_at) values
	('70000000-0000-4000-8000-000000000001', '0a000000-0000-4000-8000-00000000000a',
		extensions.digest('expired a day and a second ago', 'sha256'), '2027-03-08 11:59:59+00'),
	('70000000-0000-4000-8000-000000000002', '0a000000-0000-4000-8000-00000000000a',
		extensions.digest('expired a day ago', 'sha256'), '2027-03-08 12:00+00'),
	('70000000-0000-4000-8000-000000000003', '0a000000-0000-4000-8000-00000000000a',
		extensions.digest('expired an hour ago', 'sha256'), '2027-03-09 11:00+00'),
	('70000000-0000-4000-8000-000000000004', '0a000000-0000-4000-8000-00000000000a',
		extensions.digest('valid', 'sha256'), '2027-03-09 12:30+00');
insert into public.exchange_token_uses (owner_id, token_id, scanner_id, used_at) values
	('0a000000-0000-4000-8000-00000000000a', '70000000-0000-4000-8000-000000000001',
		'0b000000-0000-4000-8000-00000000000b', '2027-03-07 12:00+00');

select is(
	internal.expire_exchange_tokens('2027-03-09 12:00+00'),
	1,
	'tokens: one expired more than a day ago'
);
select results_eq(
	'select id from public.exchange_tokens order by id',
	$$values ('70000000-0000-4000-8000-000000000002'::uuid), ('70000000-0000-4000-8000-000000000003'::uuid),
		('70000000-0000-4000-8000-000000000004'::uuid)$$,
	'tokens: expired exactly a day ago, an hour ago, or still valid are kept'
);
select is(
	(select count(*)::int from public.exchange_token_uses),
	0,
	'tokens: the uses of a removed token go with it'
);
select throws_ok(
	'select internal.expire_exchange_tokens(null)',
	'22023', null,
	'tokens: a missing clock is refused'
);

-- Stale anonymous accounts -----------------------------------------------------------------------
insert into auth.users (id, email, is_anonymous, created_at) values
	('5a000000-0000-4000-8000-000000000001', null, true, '2027-01-01 00:00+00'),
	('5a000000-0000-4000-8000-000000000002', null, true, '2027-01-01 00:00+00'),
	('5a000000-0000-4000-8000-000000000003', null, true, '2027-01-01 00:00+00'),
	('5a000000-0000-4000-8000-000000000004', null, true, '2027-01-01 00:00+00'),
	('5a000000-0000-4000-8000-000000000005', null, true, '2027-01-01 00:00+00'),
	('5a000000-0000-4000-8000-000000000006', null, true, '2027-01-01 00:00+00'),
	('5a000000-0000-4000-8000-000000000007', null, true, '2027-02-08 12:00:01+00'),
	('5a000000-0000-4000-8000-000000000008', null, true, '2027-02-08 12:00+00'),
	('5a000000-0000-4000-8000-000000000009', 'old@example.test', false, '2026-01-01 00:00+00');
insert into public.profiles (owner_id) values ('5a000000-0000-4000-8000-000000000002');
insert into public.events (owner_id, name, starts_at, ends_at, time_zone) values
	('5a000000-0000-4000-8000-000000000003', 'Their event', '2027-01-02 10:00+08', '2027-01-02 12:00+08', 'Asia/Taipei');
insert into public.connections (owner_id, card, met_at) values
	('5a000000-0000-4000-8000-000000000004', '{"name": "Someone"}', '2027-01-02 10:00+08');
insert into public.exchange_tokens (owner_id, token_hash, expires_at) values
	('5a000000-0000-4000-8000-000000000005', extensions.digest('theirs', 'sha256'), '2027-03-11 00:00+00');
-- 6 only sent their card through A's token: A's connection is A's, not theirs.
insert into public.exchange_token_uses (owner_id, token_id, scanner_id, used_at) values
	('0a000000-0000-4000-8000-00000000000a', '70000000-0000-4000-8000-000000000004',
		'5a000000-0000-4000-8000-000000000006', '2027-01-02 10:00+00');

select is(
	internal.delete_stale_anonymous_users('2027-03-10 12:00+00'),
	2,
	'stale anonymous: two accounts removed'
);
select results_eq(
	$$select id from auth.users where id::text like '5a000000-%' order by id$$,
	$$values ('5a000000-0000-4000-8000-000000000002'::uuid), ('5a000000-0000-4000-8000-000000000003'::uuid),
		('5a000000-0000-4000-8000-000000000004'::uuid), ('5a000000-0000-4000-8000-000000000005'::uuid),
		('5a000000-0000-4000-8000-000000000007'::uuid), ('5a000000-0000-4000-8000-000000000008'::uuid),
		('5a000000-0000-4000-8000-000000000009'::uuid)$$,
	'stale anonymous: the old empty ones (one had only scanned a QR) are gone; those with a '
		'profile, event, connection or token, the ones 30 days old or younger, and the e-mail one stay'
);
select is(
	(select count(*)::int from public.exchange_token_uses
		where scanner_id = '5a000000-0000-4000-8000-000000000006'),
	0,
	'stale anonymous: a removed account''s scans go with it'
);
select throws_ok(
	'select internal.delete_stale_anonymous_users(null)',
	'22023', null,
	'stale anonymous: a missing clock is refused'
);

-- Who may run the jobs ---------------------------------------------------------------------------
select tests.authenticate_as('0a000000-0000-4000-8000-00000000000a');
select throws_ok(
	$$select internal.schedule_keep_in_touch_follow_ups(now())$$,
	'42501', null, 'a signed-in user cannot run the keep-in-touch job'
);
select throws_ok(
	$$select internal.expire_exchange_tokens(now())$$,
	'42501', null, 'a signed-in user cannot run the token job'
);
select throws_ok(
	$$select internal.delete_stale_anonymous_users(now())$$,
	'42501', null, 'a signed-in user cannot run the cleanup job'
);
reset role;

select tests.authenticate_as_service_role();
select is(
	internal.schedule_keep_in_touch_follow_ups('2027-03-10 12:00+00'),
	0,
	'the service role can run the keep-in-touch job'
);
select is(
	internal.expire_exchange_tokens('2027-03-10 12:00+00'),
	2,
	'the service role can run the token job'
);
select is(
	internal.delete_stale_anonymous_users('2027-03-10 12:00+00'),
	0,
	'the service role can run the cleanup job'
);
select throws_ok(
	'select public.delete_my_account()',
	'42501', null, 'the service role has no account to delete'
);
reset role;

-- Account deletion -------------------------------------------------------------------------------
-- D has one of everything, and scanned A's QR; A keeps the connection that scan made.
select tests.create_user('0d000000-0000-4000-8000-00000000000d');
insert into public.profiles (owner_id) values ('0d000000-0000-4000-8000-00000000000d');
insert into public.events (id, owner_id, name, starts_at, ends_at, time_zone) values
	('e0d00000-0000-4000-8000-000000000001', '0d000000-0000-4000-8000-00000000000d',
		'D''s meetup', '2027-01-02 10:00+08', '2027-01-02 12:00+08', 'Asia/Taipei');
insert into public.connections (owner_id, card, event_id, met_at) values
	('0d000000-0000-4000-8000-00000000000d', '{"name": "D met"}',
		'e0d00000-0000-4000-8000-000000000001', '2027-01-02 11:00+08');
insert into public.exchange_tokens (owner_id, token_hash, event_id, expires_at) values
	('0d000000-0000-4000-8000-00000000000d', extensions.digest('D''s token', 'sha256'),
		'e0d00000-0000-4000-8000-000000000001', '2027-01-03 12:00+08');
insert into public.exchange_tokens (id, owner_id, token_hash, expires_at) values
	('70000000-0000-4000-8000-000000000005', '0a000000-0000-4000-8000-00000000000a',
		extensions.digest('A''s token for D', 'sha256'), '2027-03-11 00:00+00');
insert into public.connections (id, owner_id, card, met_at, source) values
	('c0000000-0000-4000-8000-0000000000d1', '0a000000-0000-4000-8000-00000000000a',
		'{"name": "D, by exchange"}', '2027-03-10 11:00+00', 'exchange');

-- Rows per table in public that has an owner_id: one owner's (owned) or everyone else's.
create function pg_temp.rows_by_table(owner uuid, owned boolean)
returns text
language plpgsql
as $$
declare
	tables record;
	counted bigint;
	result text := '';
begin
	for tables in
		select c.table_name from information_schema.columns c
		where c.table_schema = 'public' and c.column_name = 'owner_id'
		order by c.table_name
	loop
		execute format(
			'select count(*) from public.%I where (owner_id = $1) = $2', tables.table_name
		) into counted using owner, owned;
		result := result || format('%s: %s; ', tables.table_name, counted);
	end loop;
	return result;
end;
$$;

select pg_temp.rows_by_table('0d000000-0000-4000-8000-00000000000d', false) as others_before \gset

-- Recorded after the snapshot: the record of D's scan is A's row, and goes with D.
insert into public.exchange_token_uses (owner_id, token_id, scanner_id, used_at, connection_id) values
	('0a000000-0000-4000-8000-00000000000a', '70000000-0000-4000-8000-000000000005',
		'0d000000-0000-4000-8000-00000000000d', '2027-03-10 11:00+00',
		'c0000000-0000-4000-8000-0000000000d1');

select results_eq(
	$$select
		(select count(*)::int from public.profiles where owner_id = '0d000000-0000-4000-8000-00000000000d'),
		(select count(*)::int from public.events where owner_id = '0d000000-0000-4000-8000-00000000000d'),
		(select count(*)::int from public.connections where owner_id = '0d000000-0000-4000-8000-00000000000d'),
		(select count(*)::int from public.follow_ups where owner_id = '0d000000-0000-4000-8000-00000000000d'),
		(select count(*)::int from public.exchange_tokens where owner_id = '0d000000-0000-4000-8000-00000000000d'),
		(select count(*)::int from public.exchange_token_uses
			where scanner_id = '0d000000-0000-4000-8000-00000000000d')$$,
	'values (1, 1, 1, 1, 1, 1)',
	'delete my account: D starts with a profile, event, connection, follow-up, token and scan'
);

select tests.clear_authentication();
select throws_ok(
	'select public.delete_my_account()', '42501', null,
	'delete my account: an anonymous visitor cannot call it'
);
reset role;

set local role authenticated;
set local request.jwt.claims to '{"role": "authenticated"}';
select throws_ok(
	'select public.delete_my_account()', 'P0001', 'not_signed_in',
	'delete my account: without a user in the session it is refused'
);
reset role;

select tests.authenticate_as('0d000000-0000-4000-8000-00000000000d');
select lives_ok('select public.delete_my_account()', 'delete my account: D deletes their account');
reset role;

select is(
	(select count(*)::int from auth.users where id = '0d000000-0000-4000-8000-00000000000d'),
	0,
	'delete my account: D''s auth user is gone'
);
select is(
	pg_temp.rows_by_table('0d000000-0000-4000-8000-00000000000d', true),
	(select string_agg(table_name || ': 0; ', '' order by table_name)
		from information_schema.columns
		where table_schema = 'public' and column_name = 'owner_id'),
	'delete my account: none of D''s rows is left in any table'
);
select is(
	(select count(*)::int from public.exchange_token_uses
		where scanner_id = '0d000000-0000-4000-8000-00000000000d'),
	0,
	'delete my account: D''s scans of other people''s QRs are gone'
);
select is(
	pg_temp.rows_by_table('0d000000-0000-4000-8000-00000000000d', false),
	:'others_before'::text,
	'delete my account: everyone else''s rows are all still there'
);
select is(
	(select card ->> 'name' from public.connections where id = 'c0000000-0000-4000-8000-0000000000d1'),
	'D, by exchange',
	'delete my account: A keeps the connection D''s card made'
);

-- pg_cron ---------------------------------------------------------------------------------------
select is(
	exists (select 1 from pg_extension where extname = 'pg_cron'),
	coalesce(current_setting('cron.database_name', true) = current_database(), false),
	'pg_cron is installed exactly where it can be: its library is loaded and this is its database'
);

select case
	when exists (select 1 from pg_extension where extname = 'pg_cron') then
		results_eq(
			$$select jobname::text collate "default", schedule collate "default",
					command collate "default", active
				from cron.job
				where jobname like 'rapport-%' order by jobname$$,
			$$values
				('rapport-delete-stale-anonymous-users', '45 3 * * *',
					'call internal.run_delete_stale_anonymous_users()', true),
				('rapport-expire-exchange-tokens', '30 3 * * *',
					'select internal.expire_exchange_tokens(now())', true),
				('rapport-keep-in-touch-follow-ups', '0 * * * *',
					'call internal.run_keep_in_touch_follow_ups()', true),
				('rapport-send-reminders', '*/15 * * * *', 'call internal.run_reminders()', true)$$,
			'pg_cron: the four jobs are registered, by name, with their schedules'
		)
	else skip('pg_cron is not available in this database', 1)
end;

select case
	when exists (select 1 from pg_extension where extname = 'pg_cron') then
		is(
			(select array_agg(distinct username || '@' || database collate "default") from cron.job
				where jobname like 'rapport-%'),
			array['postgres@' || current_database()],
			'pg_cron: the jobs run as postgres in this database'
		)
	else skip('pg_cron is not available in this database', 1)
end;

select case
	when exists (select 1 from pg_extension where extname = 'pg_cron') then
		is(
			(select count(*)::int from cron.job where jobname like 'rapport-%'),
			4,
			'pg_cron: no job is registered twice'
		)
	else skip('pg_cron is not available in this database', 1)
end;

-- Each job's command runs as pg_cron will run it (rolled back with the rest).
create function pg_temp.run_cron_jobs()
returns text
language plpgsql
as $$
declare
	job record;
	ran text := '';
begin
	if not exists (select 1 from pg_extension where extname = 'pg_cron') then
		return 'pg_cron absent';
	end if;
	for job in execute $q$select jobname, command from cron.job where jobname like 'rapport-%' order by jobname$q$
	loop
		-- A procedure that commits between chunks cannot run inside this test's transaction
		-- (sync_jobs.spec.ts runs them): here it must exist, callable without arguments.
		if job.command ~ '^call [a-z_.]+\(\)$' then
			if not exists (
				select
				from pg_proc p
				where p.prokind = 'p'
					and p.pronargs = p.pronargdefaults
					and p.pronamespace::regnamespace::text || '.' || p.proname
						= substring(job.command from '^call ([a-z_.]+)\(\)$')
			) then
				raise exception 'no procedure for %', job.command;
			end if;
		else
			execute job.command;
		end if;
		ran := ran || job.jobname || ' ';
	end loop;
	return ran;
end;
$$;

select case
	when exists (select 1 from pg_extension where extname = 'pg_cron') then
		is(
			pg_temp.run_cron_jobs(),
			'rapport-delete-stale-anonymous-users rapport-expire-exchange-tokens '
				|| 'rapport-keep-in-touch-follow-ups rapport-send-reminders ',
			'pg_cron: every job''s command runs'
		)
	else skip('pg_cron is not available in this database', 1)
end;

select * from finish();
rollback;
