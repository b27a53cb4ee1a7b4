-- Connections and follow-ups: who may do what, persona by persona, and the trigger that schedules
-- a post-event follow-up for every new connection.
--
--   A  0a000000-0000-4000-8000-00000000000a  owner (Asia/Taipei, follow-ups 1 day later at 09:00)
--   B  0b000000-0000-4000-8000-00000000000b  stranger, with an event and a connection of their own
begin;
select plan(20);

select tests.create_user('0a000000-0000-4000-8000-00000000000a');
select tests.create_user('0b000000-0000-4000-8000-00000000000b', 'b@example.test');
insert into public.profiles (owner_id, time_zone, follow_up_delay_days, follow_up_hour) values
	('0a000000-0000-4000-8000-00000000000a', 'Asia/Taipei', 1, 9);
insert into public.events (id, owner_id, name, starts_at, ends_at, time_zone) values
	('e0a00000-0000-4000-8000-000000000001', '0a000000-0000-4000-8000-00000000000a',
		'A''s meetup', '2026-12-02 19:00+08', '2026-12-02 21:30+08', 'Asia/Taipei'),
	('e0b00000-0000-4000-8000-000000000001', '0b000000-0000-4000-8000-00000000000b',
		'B''s meetup', '2026-12-01 19:00+08', '2026-12-01 21:00+08', 'Asia/Taipei');
insert into public.connections (id, owner_id, card, met_at) values
	('c0b00000-0000-4000-8000-000000000001', '0b000000-0000-4000-8000-00000000000b',
		'{"name": "B''s friend", "channels": []}', '2026-12-01 20:00+08');

-- Anonymous visitor: no grants at all.
select tests.clear_authentication();
select throws_ok('select * from public.connections', '42501', null, 'anon cannot read connections');
select throws_ok('select * from public.follow_ups', '42501', null, 'anon cannot read follow-ups');
select throws_ok(
	$$insert into public.connections (card, met_at) values ('{}', now())$$,
	'42501', null, 'anon cannot create a connection'
);
reset role;

-- Owner A: a new connection at A's event gets exactly one follow-up, from A's settings.
select tests.authenticate_as('0a000000-0000-4000-8000-00000000000a');

insert into public.connections (id, card, event_id, met_at, updated_at) values (
	'c0a00000-0000-4000-8000-000000000001',
	'{"name": "陳怡君", "channels": []}',
	'e0a00000-0000-4000-8000-000000000001',
	'2026-12-02 20:10+08',
	'2026-12-02 20:10+08'
);
select is(
	(select count(*) from public.follow_ups where connection_id = 'c0a00000-0000-4000-8000-000000000001'),
	1::bigint,
	'owner: a new connection gets one follow-up'
);
select is(
	(select due_at from public.follow_ups where connection_id = 'c0a00000-0000-4000-8000-000000000001'),
	internal.follow_up_due_at('2026-12-02 20:10+08', '2026-12-02 21:30+08', 'Asia/Taipei', 1, 9, true),
	'owner: due per the owner''s settings, after the event''s end (Thursday 09:00 in Taipei)'
);
select is(
	(select due_at from public.follow_ups where connection_id = 'c0a00000-0000-4000-8000-000000000001'),
	'2026-12-03 09:00+08'::timestamptz,
	'owner: that is the next morning at nine'
);
select is(
	(select kind || ':' || cycle || ':' || status from public.follow_ups
		where connection_id = 'c0a00000-0000-4000-8000-000000000001'),
	'post_event:0:pending',
	'owner: it is the pending post-event follow-up'
);
select throws_ok(
	$$insert into public.follow_ups (connection_id, kind, cycle, due_at)
		values ('c0a00000-0000-4000-8000-000000000001', 'post_event', 0, now())$$,
	'23505', null,
	'owner: a second post-event follow-up for the same connection is refused'
);
select lives_ok(
	$$insert into public.follow_ups (connection_id, kind, cycle, due_at)
		values ('c0a00000-0000-4000-8000-000000000001', 'keep_in_touch', 1, now() + interval '30 days')$$,
	'owner: the next keep-in-touch round is a new follow-up'
);
select is(
	(select count(*) from public.connections), 1::bigint,
	'owner: sees only their own connections'
);
select throws_ok(
	$$insert into public.connections (card, event_id, met_at)
		values ('{"name": "x"}', 'e0b00000-0000-4000-8000-000000000001', now())$$,
	'23503', null,
	'owner: cannot link a connection to someone else''s event'
);
select throws_ok(
	$$insert into public.connections (owner_id, card, met_at)
		values ('0b000000-0000-4000-8000-00000000000b', '{"name": "x"}', now())$$,
	'42501', null,
	'owner: cannot create a connection for someone else'
);
select throws_ok(
	$$update public.connections set owner_id = '0b000000-0000-4000-8000-00000000000b'
		where id = 'c0a00000-0000-4000-8000-000000000001'$$,
	'42501', null,
	'owner: cannot hand a connection to someone else'
);
select throws_ok(
	$$insert into public.connections (card, met_at, tier) values ('{"name": "x"}', now(), 'best')$$,
	'23514', null,
	'owner: an unknown tier is refused'
);
reset role;

-- Stranger B: sees none of A's rows and cannot change them.
select tests.authenticate_as('0b000000-0000-4000-8000-00000000000b');
select is(
	(select count(*) from public.connections where owner_id = '0a000000-0000-4000-8000-00000000000a'),
	0::bigint,
	'stranger: cannot see the owner''s connections'
);
select is(
	(select count(*) from public.follow_ups where owner_id = '0a000000-0000-4000-8000-00000000000a'),
	0::bigint,
	'stranger: cannot see the owner''s follow-ups'
);
select is_empty(
	$$update public.follow_ups set status = 'done' where owner_id = '0a000000-0000-4000-8000-00000000000a'
		returning id$$,
	'stranger: updates nothing of the owner''s'
);
select is_empty(
	$$delete from public.connections where owner_id = '0a000000-0000-4000-8000-00000000000a' returning id$$,
	'stranger: deletes nothing of the owner''s'
);
reset role;

-- Service role (server-side work such as an exchange): sees everything, and the trigger
-- schedules for the connection's owner, with defaults when that owner has no profile.
select tests.authenticate_as_service_role();
select is(
	(select count(*) from public.follow_ups), 3::bigint,
	'service role: sees every follow-up (B''s connection got one from its fixture insert)'
);
insert into public.connections (id, owner_id, card, met_at, source) values (
	'c0b00000-0000-4000-8000-000000000002', '0b000000-0000-4000-8000-00000000000b',
	'{"name": "A, sent back"}', '2026-12-04 15:00+08', 'exchange'
);
select is(
	(select owner_id::text || ' ' || due_at::text from public.follow_ups
		where connection_id = 'c0b00000-0000-4000-8000-000000000002'),
	'0b000000-0000-4000-8000-00000000000b '
		|| internal.follow_up_due_at('2026-12-04 15:00+08', null, 'Asia/Taipei', 1, 10, true)::text,
	'service role: the follow-up belongs to the connection''s owner, due by the default settings'
);
reset role;

select * from finish();
rollback;
