-- The reminder selection (internal.queue_reminders), the claims and the outcomes, each called with
-- a fixed clock. Time-zone vectors first: one user per vector, who has a device subscribed only
-- while that vector runs.
--
--   T  0a000000-0000-4000-8000-0000000000a1  Asia/Taipei, follow-ups at 09:00
--   N  0a000000-0000-4000-8000-0000000000a2  America/New_York, 09:00 (clocks go forward 2027-03-14)
--   Z  0a000000-0000-4000-8000-0000000000a3  Pacific/Auckland, 09:00 (clocks go back 2027-04-04)
--   E  0a000000-0000-4000-8000-0000000000a4  Asia/Taipei, follow-ups at 07:00 (before quiet hours end)
--   L  0a000000-0000-4000-8000-0000000000a5  Asia/Taipei, follow-ups at 21:00 (just before they start)
--   M  0a000000-0000-4000-8000-0000000000a6  Asia/Taipei, follow-ups at 23:00 (inside them)
--   I  0a000000-0000-4000-8000-0000000000a7  no profile: the defaults (Asia/Taipei, 10:00)
--   A  0a000000-0000-4000-8000-00000000000a  Asia/Taipei, 09:00, two devices: the digest's life
--   B  0b000000-0000-4000-8000-00000000000b  a zone the tz database no longer knows
begin;
select plan(35);

select tests.create_user('0a000000-0000-4000-8000-0000000000a1', 't@example.test');
select tests.create_user('0a000000-0000-4000-8000-0000000000a2', 'n@example.test');
select tests.create_user('0a000000-0000-4000-8000-0000000000a3', 'z@example.test');
select tests.create_user('0a000000-0000-4000-8000-0000000000a4', 'e@example.test');
select tests.create_user('0a000000-0000-4000-8000-0000000000a5', 'l@example.test');
select tests.create_user('0a000000-0000-4000-8000-0000000000a6', 'm@example.test');
select tests.create_user('0a000000-0000-4000-8000-0000000000a7', 'i@example.test');
select tests.create_user('0a000000-0000-4000-8000-00000000000a', 'a@example.test');
select tests.create_user('0b000000-0000-4000-8000-00000000000b', 'b@example.test');
insert into public.profiles (owner_id, time_zone, follow_up_hour) values
	('0a000000-0000-4000-8000-0000000000a1', 'Asia/Taipei', 9),
	('0a000000-0000-4000-8000-0000000000a2', 'America/New_York', 9),
	('0a000000-0000-4000-8000-0000000000a3', 'Pacific/Auckland', 9),
	('0a000000-0000-4000-8000-0000000000a4', 'Asia/Taipei', 7),
	('0a000000-0000-4000-8000-0000000000a5', 'Asia/Taipei', 21),
	('0a000000-0000-4000-8000-0000000000a6', 'Asia/Taipei', 23),
	('0a000000-0000-4000-8000-00000000000a', 'Asia/Taipei', 9),
	('0b000000-0000-4000-8000-00000000000b', 'Asia/Taipei', 9);

-- A connection and its follow-up, due when the test says (the trigger's own follow-up is removed).
create function pg_temp.due(owner uuid, name text, due_at timestamptz, status text default 'pending',
	snoozed_until timestamptz default null, deleted_at timestamptz default null)
returns uuid
language plpgsql
as $$
declare
	connection uuid;
	follow_up uuid;
begin
	insert into public.connections (owner_id, card, met_at)
	values (owner, jsonb_build_object('name', name), '2027-01-01 00:00+00')
	returning id into connection;
	delete from public.follow_ups f where f.connection_id = connection;
	insert into public.follow_ups (owner_id, connection_id, kind, due_at, status, snoozed_until,
		deleted_at)
	values (owner, connection, 'post_event', due_at, status, snoozed_until, deleted_at)
	returning id into follow_up;
	return follow_up;
end;
$$;

create function pg_temp.subscribe(owner uuid, device text)
returns uuid
language sql
as $$
	insert into public.push_subscriptions (user_id, endpoint, p256dh, auth, ua_family, locale)
	values (owner, 'https://push.example.test/' || device, 'B' || repeat('A', 86), repeat('A', 22),
		'chrome', 'zh-TW')
	returning id
$$;

-- One vector: subscribes the user's device, runs the selection at "at" and says for which local
-- date it made them a digest ('none' if it did not), then forgets the device and the digest.
create function pg_temp.digest_on(owner uuid, "at" timestamptz)
returns text
language plpgsql
as $$
declare
	made text;
begin
	perform pg_temp.subscribe(owner, owner::text);
	perform internal.queue_reminders("at");
	select coalesce(max(d.local_date)::text, 'none') into made
	from internal.reminder_digests d where d.user_id = owner;
	delete from public.push_subscriptions s where s.user_id = owner;
	delete from internal.reminder_digests d where d.user_id = owner;
	return made;
end;
$$;

select pg_temp.due('0a000000-0000-4000-8000-0000000000a1', 'T', '2027-03-09 09:00+08');
select pg_temp.due('0a000000-0000-4000-8000-0000000000a2', 'N', '2027-03-12 09:00-05');
select pg_temp.due('0a000000-0000-4000-8000-0000000000a3', 'Z', '2027-04-02 09:00+13');
select pg_temp.due('0a000000-0000-4000-8000-0000000000a4', 'E', '2027-03-09 07:00+08');
select pg_temp.due('0a000000-0000-4000-8000-0000000000a5', 'L', '2027-03-09 21:00+08');
select pg_temp.due('0a000000-0000-4000-8000-0000000000a6', 'M', '2027-03-09 23:00+08');
select pg_temp.due('0a000000-0000-4000-8000-0000000000a7', 'I', '2027-03-09 10:00+08');

-- Time zones, quiet hours --------------------------------------------------------------------------

select results_eq(
	$$select v.label, pg_temp.digest_on(v.owner, v.at)
		from (values
			(1, 'Taipei 08:59', '0a000000-0000-4000-8000-0000000000a1'::uuid, '2027-03-09 00:59+00'::timestamptz),
			(2, 'Taipei 09:00', '0a000000-0000-4000-8000-0000000000a1', '2027-03-09 01:00+00'),
			(3, 'Taipei 21:59, a day late', '0a000000-0000-4000-8000-0000000000a1', '2027-03-10 13:59+00'),
			(4, 'New York Saturday 08:30 EST', '0a000000-0000-4000-8000-0000000000a2', '2027-03-13 13:30+00'),
			(5, 'New York Saturday 09:00 EST', '0a000000-0000-4000-8000-0000000000a2', '2027-03-13 14:00+00'),
			-- The same UTC hour as 08:00 EST the day before is 09:00 EDT after the change.
			(6, 'New York Sunday 09:00 EDT', '0a000000-0000-4000-8000-0000000000a2', '2027-03-14 13:00+00'),
			(7, 'New York Sunday 08:59 EDT', '0a000000-0000-4000-8000-0000000000a2', '2027-03-14 12:59+00'),
			-- Auckland is a day ahead of UTC; after the change 21:00 UTC is 09:00, not 10:00.
			(8, 'Auckland Sunday 08:00 NZST', '0a000000-0000-4000-8000-0000000000a3', '2027-04-03 20:00+00'),
			(9, 'Auckland Sunday 09:00 NZST', '0a000000-0000-4000-8000-0000000000a3', '2027-04-03 21:00+00'),
			(10, 'Auckland Saturday 09:00 NZDT', '0a000000-0000-4000-8000-0000000000a3', '2027-04-02 20:00+00'),
			(11, 'hour 07, at 07:30', '0a000000-0000-4000-8000-0000000000a4', '2027-03-08 23:30+00'),
			(12, 'hour 07, at 08:00', '0a000000-0000-4000-8000-0000000000a4', '2027-03-09 00:00+00'),
			(13, 'hour 21, at 21:59', '0a000000-0000-4000-8000-0000000000a5', '2027-03-09 13:59+00'),
			(14, 'hour 21, at 22:00', '0a000000-0000-4000-8000-0000000000a5', '2027-03-09 14:00+00'),
			(15, 'hour 21, at 03:00', '0a000000-0000-4000-8000-0000000000a5', '2027-03-09 19:00+00'),
			(16, 'hour 23, at 23:00', '0a000000-0000-4000-8000-0000000000a6', '2027-03-09 15:00+00'),
			(17, 'hour 23, next day at 08:00', '0a000000-0000-4000-8000-0000000000a6', '2027-03-10 00:00+00'),
			(18, 'no profile, 09:59', '0a000000-0000-4000-8000-0000000000a7', '2027-03-09 01:59+00'),
			(19, 'no profile, 10:00', '0a000000-0000-4000-8000-0000000000a7', '2027-03-09 02:00+00')
		) v(n, label, owner, "at")
		order by v.n$$,
	$$values
		('Taipei 08:59', 'none'),
		('Taipei 09:00', '2027-03-09'),
		('Taipei 21:59, a day late', '2027-03-10'),
		('New York Saturday 08:30 EST', 'none'),
		('New York Saturday 09:00 EST', '2027-03-13'),
		('New York Sunday 09:00 EDT', '2027-03-14'),
		('New York Sunday 08:59 EDT', 'none'),
		('Auckland Sunday 08:00 NZST', 'none'),
		('Auckland Sunday 09:00 NZST', '2027-04-04'),
		('Auckland Saturday 09:00 NZDT', '2027-04-03'),
		('hour 07, at 07:30', 'none'),
		('hour 07, at 08:00', '2027-03-09'),
		('hour 21, at 21:59', '2027-03-09'),
		('hour 21, at 22:00', 'none'),
		('hour 21, at 03:00', 'none'),
		('hour 23, at 23:00', 'none'),
		('hour 23, next day at 08:00', '2027-03-10'),
		('no profile, 09:59', 'none'),
		('no profile, 10:00', '2027-03-09')$$,
	'a digest from the follow-up hour in the user''s zone, across daylight-saving changes, never 22:00-08:00'
);

select is(
	(select count(*)::integer from internal.reminder_digests),
	0,
	'the vectors leave no digest behind'
);

-- A's digest: names, one per day, claims ------------------------------------------------------------

select pg_temp.subscribe('0a000000-0000-4000-8000-00000000000a', 'a-phone');
select pg_temp.subscribe('0a000000-0000-4000-8000-00000000000a', 'a-laptop');
select pg_temp.due('0a000000-0000-4000-8000-00000000000a', '林志明', '2027-03-08 09:00+08');
select pg_temp.due('0a000000-0000-4000-8000-00000000000a', 'Amy Chen', '2027-03-09 09:00+08');
select pg_temp.due('0a000000-0000-4000-8000-00000000000a', '王小美', '2027-03-09 09:00+08', 'snoozed',
	'2027-03-09 09:00+08');
select pg_temp.due('0a000000-0000-4000-8000-00000000000a', 'Zoe', '2027-03-09 09:00+08');
-- Not announced: done, deleted, snoozed to later, due later.
select pg_temp.due('0a000000-0000-4000-8000-00000000000a', 'Done', '2027-03-09 09:00+08', 'done');
select pg_temp.due('0a000000-0000-4000-8000-00000000000a', 'Deleted', '2027-03-09 09:00+08', 'pending',
	null, '2027-03-08 00:00+00');
select pg_temp.due('0a000000-0000-4000-8000-00000000000a', 'Snoozed', '2027-03-09 09:00+08', 'snoozed',
	'2027-03-12 09:00+08');
select pg_temp.due('0a000000-0000-4000-8000-00000000000a', 'Tomorrow', '2027-03-10 09:00+08');

select is(
	internal.queue_reminders('2027-03-09 01:15+00'),
	1,
	'A''s morning: one digest'
);
select results_eq(
	$$select d.local_date, d.due_count, d.names, d.send_before
		from internal.reminder_digests d where d.user_id = '0a000000-0000-4000-8000-00000000000a'$$,
	$$values ('2027-03-09'::date, 4, array['林志明', 'Amy Chen', 'Zoe'], '2027-03-09 22:00+08'::timestamptz)$$,
	'the digest counts the four open follow-ups due, names the first three by due time, ends at 22:00'
);
select is(
	(select count(*)::integer from internal.reminder_deliveries d
		join internal.reminder_digests g on g.id = d.digest_id
		where g.user_id = '0a000000-0000-4000-8000-00000000000a' and d.status = 'pending'),
	2,
	'one pending delivery per device'
);

select pg_temp.due('0a000000-0000-4000-8000-00000000000a', 'Late', '2027-03-09 10:00+08');
select is(internal.queue_reminders('2027-03-09 01:15+00'), 0, 'the same run again selects nobody');
select is(internal.queue_reminders('2027-03-09 05:00+00'), 0,
	'a follow-up due later that day waits: one reminder a day');
select is(
	(select count(*)::integer from internal.reminder_deliveries),
	2,
	'and no delivery was added'
);

-- Claims.
select is(
	jsonb_array_length(internal.claim_reminder_deliveries('2027-03-09 01:15+00', 10)),
	2,
	'a run claims both deliveries'
);
select is(
	internal.claim_reminder_deliveries('2027-03-09 01:16+00', 10),
	'[]'::jsonb,
	'a run overlapping it gets none of them'
);
select is(
	(select c -> 'names' from jsonb_array_elements(
		internal.claim_reminder_deliveries('2027-03-09 01:26+00', 1)) c),
	'["林志明", "Amy Chen", "Zoe"]'::jsonb,
	'a run ten minutes later takes over one the first run never reported, with the names'
);
select is(
	(select array_agg(d.attempts order by d.attempts) from internal.reminder_deliveries d),
	array[1, 2],
	'each claim counts an attempt'
);
-- Which device the takeover took is up to the planner; from here on both have had one attempt.
update internal.reminder_deliveries d set attempts = 1;

-- Outcomes: the phone accepted it, the laptop's push service failed.
select internal.record_reminder_outcomes('2027-03-09 01:27+00', (
	select jsonb_agg(jsonb_build_object(
		'digest_id', d.digest_id, 'subscription_id', d.subscription_id,
		'outcome', case when s.endpoint like '%a-phone' then 'sent' else 'failed' end,
		'error', case when s.endpoint like '%a-phone' then null else 'HTTP 500' end))
	from internal.reminder_deliveries d join public.push_subscriptions s on s.id = d.subscription_id));
select results_eq(
	$$select s.endpoint, d.status, d.attempts, d.next_attempt_at, d.last_error, s.last_success_at,
			s.last_error
		from internal.reminder_deliveries d join public.push_subscriptions s on s.id = d.subscription_id
		order by s.endpoint$$,
	$$values
		('https://push.example.test/a-laptop', 'pending', 1, '2027-03-09 01:32+00'::timestamptz,
			'HTTP 500', null::timestamptz, 'HTTP 500'),
		('https://push.example.test/a-phone', 'sent', 1, '2027-03-09 01:15+00'::timestamptz,
			null, '2027-03-09 01:27+00'::timestamptz, null)$$,
	'sent is recorded on the device; a failure is retried 5 minutes on, and shown'
);
select is(
	internal.claim_reminder_deliveries('2027-03-09 01:31+00', 10),
	'[]'::jsonb,
	'the retry waits for its time'
);
select is(
	jsonb_array_length(internal.claim_reminder_deliveries('2027-03-09 01:32+00', 10)),
	1,
	'then only the failed device is tried again'
);
select internal.record_reminder_outcomes('2027-03-09 01:33+00', (
	select jsonb_agg(jsonb_build_object('digest_id', d.digest_id, 'subscription_id', d.subscription_id,
		'outcome', 'failed', 'error', 'timeout'))
	from internal.reminder_deliveries d where d.status = 'pending'));
select is(
	(select d.next_attempt_at from internal.reminder_deliveries d where d.status = 'pending'),
	'2027-03-09 01:43+00'::timestamptz,
	'the second failure waits twice as long'
);

-- Gives up at the evening quiet hours.
update internal.reminder_deliveries d set attempts = 5 where d.status = 'pending';
select internal.claim_reminder_deliveries('2027-03-09 01:43+00', 10);
select internal.record_reminder_outcomes('2027-03-09 01:44+00', (
	select jsonb_agg(jsonb_build_object('digest_id', d.digest_id, 'subscription_id', d.subscription_id,
		'outcome', 'failed', 'error', 'HTTP 503'))
	from internal.reminder_deliveries d where d.status = 'pending'));
select is(
	(select array_agg(concat_ws(' ', d.status, d.attempts, d.last_error) order by d.status)
		from internal.reminder_deliveries d),
	array['failed 6 HTTP 503', 'sent 1'],
	'after the sixth attempt the delivery is given up, with its last error'
);

-- A 404 or 410 forgets the device.
select internal.record_reminder_outcomes('2027-03-09 01:45+00', jsonb_build_array(jsonb_build_object(
	'digest_id', null, 'subscription_id',
	(select s.id from public.push_subscriptions s where s.endpoint like '%a-laptop'), 'outcome', 'gone')));
select is(
	(select array_agg(s.endpoint) from public.push_subscriptions s
		where s.user_id = '0a000000-0000-4000-8000-00000000000a'),
	array['https://push.example.test/a-phone'],
	'a subscription the push service no longer knows is deleted'
);
select is(
	(select count(*)::integer from internal.reminder_deliveries),
	1,
	'with its deliveries'
);

-- Next morning: only what was not announced yet.
select is(internal.queue_reminders('2027-03-10 01:00+00'), 1, 'the next morning brings a new digest');
select results_eq(
	$$select d.due_count, d.names from internal.reminder_digests d
		where d.user_id = '0a000000-0000-4000-8000-00000000000a' and d.local_date = '2027-03-10'$$,
	$$values (2, array['Late', 'Tomorrow'])$$,
	'with only the follow-ups that were not in yesterday''s'
);
select is(
	jsonb_array_length(internal.claim_reminder_deliveries('2027-03-10 14:00+00', 10)),
	0,
	'a delivery not sent by 22:00 is not sent at all'
);
select is(
	internal.close_missed_reminder_deliveries('2027-03-10 14:00+00'),
	1,
	'at 22:00 the run closes it'
);
select is(
	(select d.status || ': ' || d.last_error from internal.reminder_deliveries d
		join internal.reminder_digests g on g.id = d.digest_id where g.local_date = '2027-03-10'),
	'failed: not sent by 22:00',
	'as failed, saying why'
);
select is(internal.queue_reminders('2027-03-12 01:00+00'), 1,
	'a snoozed follow-up is announced again when its snooze runs out');
select is(
	(select d.names from internal.reminder_digests d
		where d.user_id = '0a000000-0000-4000-8000-00000000000a' and d.local_date = '2027-03-12'),
	array['Snoozed'],
	'and only it'
);

-- Later the same day ------------------------------------------------------------------------------

-- Made by the keep-in-touch job half an hour after the morning's digest, due at its hour.
select pg_temp.due('0a000000-0000-4000-8000-00000000000a', 'Friday', '2027-03-12 09:00+08') as friday
\gset
update public.follow_ups set created_at = '2027-03-12 01:30+00' where id = :'friday';
select is(
	internal.queue_reminders('2027-03-12 02:00+00') + internal.queue_reminders('2027-03-12 02:00+00'),
	0,
	'however many runs come later that day, none makes another digest'
);

-- A zone the tz database no longer knows --------------------------------------------------------

-- The profiles check holds only for the tz data of the day a row was written; drop it to stand in
-- for a tz update that removed a zone.
select pg_temp.due('0b000000-0000-4000-8000-00000000000b', 'Nobody', '2027-03-09 09:00+08');
alter table public.profiles drop constraint profiles_time_zone_check;
update public.profiles set time_zone = 'Mars/Olympus_Mons'
	where owner_id = '0b000000-0000-4000-8000-00000000000b';
select pg_temp.subscribe('0b000000-0000-4000-8000-00000000000b', 'b-phone');
select pg_temp.due('0a000000-0000-4000-8000-0000000000a1', 'T2', '2027-03-15 09:00+08');
select pg_temp.subscribe('0a000000-0000-4000-8000-0000000000a1', 't-phone');
select lives_ok(
	$$select internal.queue_reminders('2027-03-15 02:00+00')$$,
	'a user with an invalid zone does not stop the run'
);
select is(
	(select d.names from internal.reminder_digests d
		where d.user_id = '0a000000-0000-4000-8000-00000000000a' and d.local_date = '2027-03-15'),
	array['Friday'],
	'a follow-up written after a digest, due before it, comes in the next one'
);
select ok(
	exists (select from internal.reminder_digests d where d.local_date = '2027-03-15'
			and d.user_id = '0a000000-0000-4000-8000-0000000000a1')
		and not exists (select from internal.reminder_digests d
			where d.user_id = '0b000000-0000-4000-8000-00000000000b'),
	'the others still get their digest'
);
select results_eq(
	$$select k.user_id, k.time_zone, k.reason, k.first_seen_at, k.last_seen_at from internal.reminder_skips k$$,
	$$values ('0b000000-0000-4000-8000-00000000000b'::uuid, 'Mars/Olympus_Mons', 'invalid_time_zone',
		'2027-03-15 02:00+00'::timestamptz, '2027-03-15 02:00+00'::timestamptz)$$,
	'and the skipped user is recorded with the zone'
);
select internal.queue_reminders('2027-03-15 02:15+00');
select is(
	(select k.first_seen_at || ' ' || k.last_seen_at from internal.reminder_skips k),
	'2027-03-15 02:00:00+00 2027-03-15 02:15:00+00',
	'once, seen again at each run'
);

-- Old digests ----------------------------------------------------------------------------------------

select is(
	internal.forget_old_reminder_digests('2027-04-12 02:00+00'),
	3,
	'digests over 30 days old are forgotten'
);
select results_eq(
	$$select d.user_id::text, d.local_date from internal.reminder_digests d order by d.user_id$$,
	$$values ('0a000000-0000-4000-8000-00000000000a', '2027-03-15'::date),
		('0a000000-0000-4000-8000-0000000000a1', '2027-03-15'::date)$$,
	'but each user''s latest stays, as it marks what was announced'
);

-- The doorbell ------------------------------------------------------------------------------------

select is(
	internal.ring_send_reminders(),
	0,
	'without pg_net and the Vault secrets, the doorbell rings nobody and does not fail'
);

select * from finish();
rollback;
