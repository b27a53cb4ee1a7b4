-- Who may do what with public.profiles and public.events, persona by persona, as PostgREST would
-- run the request: `set local role` to the JWT's role, and the claims in request.jwt.claims.
--
--   A  0a000000-0000-4000-8000-00000000000a  owner, signed in anonymously (as the app does first)
--   B  0b000000-0000-4000-8000-00000000000b  stranger, signed in with e-mail
begin;
select plan(45);

-- Fixtures, as the superuser: both users, and B's profile and event for A to (not) see.
select tests.create_user('0a000000-0000-4000-8000-00000000000a');
select tests.create_user('0b000000-0000-4000-8000-00000000000b', 'b@example.test');
insert into public.profiles (owner_id, display_name) values
	('0b000000-0000-4000-8000-00000000000b', 'Stranger B');
insert into public.events (id, owner_id, name, starts_at, ends_at, time_zone) values (
	'e0b00000-0000-4000-8000-000000000001',
	'0b000000-0000-4000-8000-00000000000b',
	'B''s meetup',
	'2026-12-01 19:00+08',
	'2026-12-01 21:00+08',
	'Asia/Taipei'
);

-- Anonymous visitor: no session at all (anon key only). No grants, so not even RLS is reached.
select tests.clear_authentication();

select throws_ok(
	'select * from public.profiles',
	'42501',
	'permission denied for table profiles',
	'anon cannot read profiles'
);
select throws_ok(
	'select * from public.events',
	'42501',
	'permission denied for table events',
	'anon cannot read events'
);
select throws_ok(
	$$insert into public.profiles (owner_id) values ('0a000000-0000-4000-8000-00000000000a')$$,
	'42501',
	'permission denied for table profiles',
	'anon cannot create a profile'
);
select throws_ok(
	$$insert into public.events (name, starts_at, ends_at, time_zone)
		values ('Sneaky', now(), now(), 'UTC')$$,
	'42501',
	'permission denied for table events',
	'anon cannot create an event'
);

reset role;

-- Owner A: full control of their own rows, none over anyone else's.
select tests.authenticate_as('0a000000-0000-4000-8000-00000000000a');

select lives_ok(
	$$insert into public.profiles (display_name) values ('Owner A')$$,
	'owner creates their profile without naming owner_id'
);
select results_eq(
	'select owner_id from public.profiles',
	$$values ('0a000000-0000-4000-8000-00000000000a'::uuid)$$,
	'owner sees exactly one profile, theirs, owner_id taken from the JWT'
);
select lives_ok(
	$$insert into public.events (id, name, context, starts_at, ends_at, time_zone) values (
		'e0a00000-0000-4000-8000-000000000001', 'Svelte Taipei', 'meetup',
		'2026-12-02 19:00+08', '2026-12-02 21:00+08', 'Asia/Taipei'
	)$$,
	'owner creates an event with a client-generated id'
);
select results_eq(
	'select id, owner_id from public.events',
	$$values ('e0a00000-0000-4000-8000-000000000001'::uuid, '0a000000-0000-4000-8000-00000000000a'::uuid)$$,
	'owner sees exactly one event, theirs'
);

with changed as (
	update public.events set name = 'Svelte Taipei #2'
	where id = 'e0a00000-0000-4000-8000-000000000001'
	returning 1
)
select is(count(*)::int, 1, 'owner updates their event') from changed;

with changed as (
	update public.profiles set display_name = 'Owner A, renamed' returning 1
)
select is(count(*)::int, 1, 'owner updates their profile') from changed;

select throws_ok(
	$$insert into public.events (owner_id, name, starts_at, ends_at, time_zone) values (
		'0b000000-0000-4000-8000-00000000000b', 'Planted', now(), now(), 'UTC'
	)$$,
	'42501',
	'new row violates row-level security policy for table "events"',
	'owner cannot create an event owned by someone else'
);
select throws_ok(
	$$insert into public.profiles (owner_id) values ('0b000000-0000-4000-8000-00000000000b')$$,
	'42501',
	'new row violates row-level security policy for table "profiles"',
	'owner cannot create a profile for someone else'
);
select throws_ok(
	$$update public.events set owner_id = '0b000000-0000-4000-8000-00000000000b'
		where id = 'e0a00000-0000-4000-8000-000000000001'$$,
	'42501',
	'owner_id of public.events cannot change',
	'owner cannot hand their event to someone else'
);
select throws_ok(
	$$update public.profiles set owner_id = '0b000000-0000-4000-8000-00000000000b'$$,
	'42501',
	'owner_id of public.profiles cannot change',
	'owner cannot hand their profile to someone else'
);

-- Row level security pins owner_id on its own too, should the triggers ever be dropped: the update
-- policies' WITH CHECK, and the select policies, which PostgreSQL also applies to the new row.
reset role;
alter table public.events disable trigger events_forbid_owner_change;
alter table public.profiles disable trigger profiles_forbid_owner_change;
select tests.authenticate_as('0a000000-0000-4000-8000-00000000000a');

select throws_ok(
	$$update public.events set owner_id = '0b000000-0000-4000-8000-00000000000b'
		where id = 'e0a00000-0000-4000-8000-000000000001'$$,
	'42501',
	'new row violates row-level security policy for table "events"',
	'without the trigger, row level security alone keeps an event with its owner'
);
select throws_ok(
	$$update public.profiles set owner_id = '0b000000-0000-4000-8000-00000000000b'$$,
	'42501',
	'new row violates row-level security policy for table "profiles"',
	'without the trigger, row level security alone keeps a profile with its owner'
);

reset role;
alter table public.events enable trigger events_forbid_owner_change;
alter table public.profiles enable trigger profiles_forbid_owner_change;

-- Stranger B: a signed-in user who must neither see nor touch A's rows.
select tests.authenticate_as('0b000000-0000-4000-8000-00000000000b');

select results_eq(
	'select id from public.events',
	$$values ('e0b00000-0000-4000-8000-000000000001'::uuid)$$,
	'stranger sees only their own event, none of the owner''s'
);
select results_eq(
	'select owner_id from public.profiles',
	$$values ('0b000000-0000-4000-8000-00000000000b'::uuid)$$,
	'stranger sees only their own profile'
);

with changed as (
	update public.events set name = 'Hijacked'
	where id = 'e0a00000-0000-4000-8000-000000000001'
	returning 1
)
select is(count(*)::int, 0, 'stranger updates none of the owner''s events') from changed;

with changed as (
	delete from public.events where id = 'e0a00000-0000-4000-8000-000000000001' returning 1
)
select is(count(*)::int, 0, 'stranger deletes none of the owner''s events') from changed;

with changed as (
	update public.profiles set display_name = 'Hijacked'
	where owner_id = '0a000000-0000-4000-8000-00000000000a'
	returning 1
)
select is(count(*)::int, 0, 'stranger updates no one else''s profile') from changed;

with changed as (
	delete from public.profiles where owner_id = '0a000000-0000-4000-8000-00000000000a' returning 1
)
select is(count(*)::int, 0, 'stranger deletes no one else''s profile') from changed;

reset role;

select is(
	(select name from public.events where id = 'e0a00000-0000-4000-8000-000000000001'),
	'Svelte Taipei #2',
	'the owner''s event is as the owner left it'
);
select is(
	(select display_name from public.profiles where owner_id = '0a000000-0000-4000-8000-00000000000a'),
	'Owner A, renamed',
	'the owner''s profile is as the owner left it'
);

-- Service role: server-side jobs, which bypass RLS.
select tests.authenticate_as_service_role();

select is((select count(*)::int from public.events), 2, 'service role sees every owner''s events');
select is((select count(*)::int from public.profiles), 2, 'service role sees every profile');

reset role;

-- Owner A again: deleting their own rows.
select tests.authenticate_as('0a000000-0000-4000-8000-00000000000a');

with changed as (
	delete from public.events where id = 'e0a00000-0000-4000-8000-000000000001' returning 1
)
select is(count(*)::int, 1, 'owner deletes their event') from changed;

with changed as (delete from public.profiles returning 1)
select is(count(*)::int, 1, 'owner deletes their profile, and only theirs') from changed;

-- Check constraints, still as owner A (who has no profile any more).
select throws_ok(
	$$insert into public.profiles (locale) values ('fr')$$,
	'23514',
	'new row for relation "profiles" violates check constraint "profiles_locale_check"',
	'a locale other than zh-TW or en is rejected'
);
select throws_ok(
	$$insert into public.profiles (time_zone) values ('Mars/Olympus')$$,
	'23514',
	'new row for relation "profiles" violates check constraint "profiles_time_zone_check"',
	'an unknown time zone is rejected'
);
select throws_ok(
	$$insert into public.profiles (time_zone) values ('UTC+8')$$,
	'23514',
	'new row for relation "profiles" violates check constraint "profiles_time_zone_check"',
	'a POSIX time zone spec is rejected although PostgreSQL understands it'
);
select throws_ok(
	$$insert into public.profiles (time_zone) values ('asia/taipei')$$,
	'23514',
	'new row for relation "profiles" violates check constraint "profiles_time_zone_check"',
	'a time zone name spelled in the wrong case is rejected'
);
select throws_ok(
	$$insert into public.profiles (follow_up_hour) values (24)$$,
	'23514',
	'new row for relation "profiles" violates check constraint "profiles_follow_up_hour_check"',
	'a follow-up hour past 23 is rejected'
);
select throws_ok(
	$$insert into public.profiles (follow_up_delay_days) values (31)$$,
	'23514',
	'new row for relation "profiles" violates check constraint "profiles_follow_up_delay_days_check"',
	'a follow-up delay over 30 days is rejected'
);
select throws_ok(
	$$insert into public.profiles (card) values ('[]')$$,
	'23514',
	'new row for relation "profiles" violates check constraint "profiles_card_check"',
	'a card that is not a JSON object is rejected'
);
select throws_ok(
	$$insert into public.profiles (card) values (jsonb_build_object('name', repeat('x', 9000)))$$,
	'23514',
	'new row for relation "profiles" violates check constraint "profiles_card_check"',
	'a card over 8 KB is rejected'
);
select throws_ok(
	$$insert into public.profiles (display_name) values (repeat('名', 101))$$,
	'23514',
	'new row for relation "profiles" violates check constraint "profiles_display_name_check"',
	'a display name over 100 characters is rejected'
);
select lives_ok(
	$$insert into public.profiles (display_name, locale, time_zone, card)
		values (repeat('名', 100), 'en', 'Europe/London', '{"name": "A"}')$$,
	'a profile at the limits, in English and another zone, is accepted'
);

select throws_ok(
	$$insert into public.events (name, starts_at, ends_at, time_zone)
		values ('Backwards', '2026-12-02 21:00+08', '2026-12-02 19:00+08', 'Asia/Taipei')$$,
	'23514',
	'new row for relation "events" violates check constraint "events_ends_after_start_check"',
	'an event ending before it starts is rejected'
);
select throws_ok(
	$$insert into public.events (name, starts_at, ends_at, time_zone)
		values ('Somewhere', now(), now(), 'Mars/Olympus')$$,
	'23514',
	'new row for relation "events" violates check constraint "events_time_zone_check"',
	'an event in an unknown time zone is rejected'
);
select throws_ok(
	$$insert into public.events (name, starts_at, ends_at, time_zone) values ('   ', now(), now(), 'UTC')$$,
	'23514',
	'new row for relation "events" violates check constraint "events_name_check"',
	'a blank event name is rejected'
);
select throws_ok(
	$$insert into public.events (name, starts_at, ends_at, time_zone)
		values (repeat('x', 201), now(), now(), 'UTC')$$,
	'23514',
	'new row for relation "events" violates check constraint "events_name_check"',
	'an event name over 200 characters is rejected'
);
select throws_ok(
	$$insert into public.events (name, context, starts_at, ends_at, time_zone)
		values ('Party', 'party', now(), now(), 'UTC')$$,
	'23514',
	'new row for relation "events" violates check constraint "events_context_check"',
	'an unknown event context is rejected'
);
select lives_ok(
	$$insert into public.events (name, topic, venue, starts_at, ends_at, time_zone)
		values (repeat('x', 200), repeat('t', 200), repeat('v', 200), now(), now(), 'Etc/GMT+8')$$,
	'an event at the limits, starting and ending at once, is accepted'
);

reset role;

select is(
	current_setting('timezone'),
	'UTC',
	'validating time zones leaves the session time zone alone'
);

select * from finish();
rollback;
