-- sync_push and sync_pull (docs/sync.md), persona by persona: who may call them, and what each
-- pushed change answers. Pulls that need committed transactions are in sync.spec.ts.
--
--   A  0a000000-0000-4000-8000-00000000000a  the user syncing, anonymous
--   B  0b000000-0000-4000-8000-00000000000b  stranger, with an event, a connection and its follow-up
begin;
select plan(61);

select tests.create_user('0a000000-0000-4000-8000-00000000000a');
select tests.create_user('0b000000-0000-4000-8000-00000000000b', 'b@example.test');
insert into public.events (id, owner_id, name, starts_at, ends_at, time_zone, updated_at) values
	('e0b00000-0000-4000-8000-000000000001', '0b000000-0000-4000-8000-00000000000b',
		'B''s meetup', '2025-12-02 19:00+08', '2025-12-02 21:00+08', 'Asia/Taipei', '2025-12-02 00:00Z');
insert into public.connections (id, owner_id, card, met_at, updated_at) values
	('c0b00000-0000-4000-8000-000000000001', '0b000000-0000-4000-8000-00000000000b',
		'{"name": "B''s friend"}', '2025-12-02 20:00+08', '2025-12-02 00:00Z');

-- Grants ---------------------------------------------------------------------------------------

select ok(not has_function_privilege('anon', 'public.sync_push(jsonb)', 'execute'),
	'anon cannot execute sync_push');
select ok(not has_function_privilege('anon', 'public.sync_pull(text, integer)', 'execute'),
	'anon cannot execute sync_pull');
select ok(has_function_privilege('authenticated', 'public.sync_push(jsonb)', 'execute'),
	'authenticated can execute sync_push');
select ok(has_function_privilege('authenticated', 'public.sync_pull(text, integer)', 'execute'),
	'authenticated can execute sync_pull');
select is(
	array(select proname::text from pg_proc
		where oid in ('public.sync_push(jsonb)'::regprocedure, 'public.sync_pull(text, integer)'::regprocedure)
			and prosecdef),
	'{}'::text[],
	'both run as the caller, so RLS does the owner check'
);

select tests.clear_authentication();
select throws_ok($$select public.sync_push('[]')$$, '42501', null, 'anon: sync_push is refused');
select throws_ok($$select public.sync_pull()$$, '42501', null, 'anon: sync_pull is refused');
reset role;

-- Owner A ----------------------------------------------------------------------------------------

select tests.authenticate_as('0a000000-0000-4000-8000-00000000000a');

-- Batch limits.
select throws_ok($$select public.sync_push('{"table": "events"}')$$, 'P0001', 'sync_batch_invalid',
	'a batch that is not an array is refused');
select throws_ok($$select public.sync_push('[]')$$, 'P0001', 'sync_batch_invalid',
	'an empty batch is refused');
select throws_ok($$select public.sync_push(null)$$, 'P0001', 'sync_batch_invalid',
	'a missing batch is refused');
select throws_ok(
	$$select public.sync_push((
		select jsonb_agg(tests.upsert('events', tests.event(gen_random_uuid()::text, '2025-12-02T00:00:00Z')))
		from generate_series(1, 501)
	))$$,
	'P0001', 'sync_batch_invalid',
	'a batch of 501 is refused'
);
select is((select count(*) from public.events), 0::bigint, 'the refused batches stored nothing');
select is(
	(select jsonb_array_length(public.sync_push((
		select jsonb_agg(tests.upsert('events', tests.event(gen_random_uuid()::text, '2025-12-02T00:00:00Z')))
		from generate_series(1, 500)
	)) -> 'results')),
	500,
	'a batch of 500 is taken, one result per change'
);
select is((select count(*) from public.events), 500::bigint, 'and all 500 are stored');
delete from public.events;

-- Applied, stale, last writer wins.
select is(
	tests.push(tests.upsert('events', tests.event('e0a00000-0000-4000-8000-000000000001', '2025-12-02T10:00:00Z'))),
	'[{"index": 0, "table": "events", "id": "e0a00000-0000-4000-8000-000000000001", "status": "applied"}]',
	'a new event is applied'
);
select is(
	(select owner_id::text || ' ' || name || ' ' || venue from public.events
		where id = 'e0a00000-0000-4000-8000-000000000001'),
	'0a000000-0000-4000-8000-00000000000a Frontend meetup Taipei',
	'it is stored for the caller with the pushed fields'
);
select is(
	tests.push(tests.upsert('events', tests.event('e0a00000-0000-4000-8000-000000000001', '2025-12-02T10:00:00Z', 'Replayed'))) -> 0 ->> 'status',
	'stale',
	'the same updated_at again is stale (a replay)'
);
select is(
	tests.push(tests.upsert('events', tests.event('e0a00000-0000-4000-8000-000000000001', '2025-12-02T09:59:59.999Z', 'Older'))) -> 0 ->> 'status',
	'stale',
	'an older updated_at is stale'
);
select is(
	(select name from public.events where id = 'e0a00000-0000-4000-8000-000000000001'),
	'Frontend meetup',
	'stale pushes change nothing'
);
select is(
	tests.push(tests.upsert('events', tests.event('e0a00000-0000-4000-8000-000000000001', '2025-12-02T18:00:00+08:00', 'Same instant'))) -> 0 ->> 'status',
	'stale',
	'the same instant written with another offset is stale'
);
select is(
	tests.push(tests.upsert('events', tests.event('e0a00000-0000-4000-8000-000000000001', '2025-12-02T18:00:00.001+08:00', 'Renamed'))) -> 0 ->> 'status',
	'applied',
	'a strictly later updated_at wins, by a millisecond'
);
select is(
	(select name || ' ' || updated_at from public.events where id = 'e0a00000-0000-4000-8000-000000000001'),
	'Renamed 2025-12-02 10:00:00.001+00',
	'and replaces the stored row'
);

-- Rejected: one bad field each, named in message.
select is(
	tests.push(
		tests.upsert('events', tests.event('e0a00000-0000-4000-8000-000000000002', '2025-12-02T10:00:00Z') || '{"context": "party"}'),
		tests.upsert('events', tests.event('e0a00000-0000-4000-8000-000000000002', '2025-12-02T10:00:00Z', repeat('x', 201))),
		tests.upsert('events', tests.event('e0a00000-0000-4000-8000-000000000002', '2025-12-02T10:00:00Z') || '{"time_zone": "Mars/Olympus"}'),
		tests.upsert('events', tests.event('e0a00000-0000-4000-8000-000000000002', '2025-12-02 10:00:00')),
		tests.upsert('events', tests.event('e0a00000-0000-4000-8000-000000000002', '2025-12-02T10:00:00Z') || '{"starts_at": "2026-02-30T10:00:00Z"}'),
		tests.upsert('events', tests.event('e0a00000-0000-4000-8000-000000000002', '2025-12-02T10:00:00Z') || '{"ends_at": "2025-12-02T00:00:00Z"}'),
		tests.upsert('events', tests.event('not-a-uuid', '2025-12-02T10:00:00Z')),
		tests.upsert('events', tests.event('e0a00000-0000-4000-8000-000000000002', '2025-12-02T10:00:00Z') - 'name'),
		tests.upsert('events', tests.event('e0a00000-0000-4000-8000-000000000002', '2025-12-02T10:00:00Z') || '{"venue": 42}')
	),
	jsonb_build_array(
		'{"index": 0, "table": "events", "id": "e0a00000-0000-4000-8000-000000000002", "status": "rejected", "code": "invalid_row", "message": "context"}'::jsonb,
		'{"index": 1, "table": "events", "id": "e0a00000-0000-4000-8000-000000000002", "status": "rejected", "code": "invalid_row", "message": "name"}'::jsonb,
		'{"index": 2, "table": "events", "id": "e0a00000-0000-4000-8000-000000000002", "status": "rejected", "code": "invalid_row", "message": "time_zone"}'::jsonb,
		'{"index": 3, "table": "events", "id": "e0a00000-0000-4000-8000-000000000002", "status": "rejected", "code": "invalid_row", "message": "updated_at"}'::jsonb,
		'{"index": 4, "table": "events", "id": "e0a00000-0000-4000-8000-000000000002", "status": "rejected", "code": "invalid_row", "message": "starts_at"}'::jsonb,
		'{"index": 5, "table": "events", "id": "e0a00000-0000-4000-8000-000000000002", "status": "rejected", "code": "invalid_row", "message": "events_ends_after_start_check"}'::jsonb,
		'{"index": 6, "table": "events", "id": "not-a-uuid", "status": "rejected", "code": "invalid_row", "message": "id"}'::jsonb,
		'{"index": 7, "table": "events", "id": "e0a00000-0000-4000-8000-000000000002", "status": "rejected", "code": "invalid_row", "message": "name"}'::jsonb,
		'{"index": 8, "table": "events", "id": "e0a00000-0000-4000-8000-000000000002", "status": "rejected", "code": "invalid_row", "message": "venue"}'::jsonb
	),
	'invalid fields are rejected with the column (or the multi-column constraint) in message'
);
select is(
	tests.push(
		'{"table": "contacts", "op": "upsert", "row": {}}',
		'{"table": "events", "op": "merge", "row": {}}',
		'{"table": "events", "op": "upsert", "row": "e0a00000"}',
		'"events"'
	),
	'[{"index": 0, "table": "contacts", "id": null, "status": "rejected", "code": "unknown_table"},
	  {"index": 1, "table": "events", "id": null, "status": "rejected", "code": "invalid_op"},
	  {"index": 2, "table": "events", "id": null, "status": "rejected", "code": "invalid_row", "message": "row"},
	  {"index": 3, "table": null, "id": null, "status": "rejected", "code": "unknown_table"}]',
	'unknown tables, unknown ops and rows that are not objects are rejected'
);
select is((select count(*) from public.events where id = 'e0a00000-0000-4000-8000-000000000002'), 0::bigint,
	'no rejected change stored anything');

-- One bad change never blocks the others.
select is(
	(select jsonb_agg(result ->> 'status') from jsonb_array_elements(tests.push(
		tests.upsert('events', tests.event('e0a00000-0000-4000-8000-000000000003', '2025-12-02T10:00:00Z')),
		tests.upsert('events', tests.event('e0a00000-0000-4000-8000-000000000004', '2025-12-02T10:00:00Z') || '{"context": "party"}'),
		tests.upsert('events', tests.event('e0a00000-0000-4000-8000-000000000005', '2025-12-02T10:00:00Z'))
	)) result),
	'["applied", "rejected", "applied"]',
	'good, bad, good: the good ones apply'
);
select is(
	array(select id::text from public.events where id in (
		'e0a00000-0000-4000-8000-000000000003', 'e0a00000-0000-4000-8000-000000000004',
		'e0a00000-0000-4000-8000-000000000005') order by id),
	'{e0a00000-0000-4000-8000-000000000003,e0a00000-0000-4000-8000-000000000005}',
	'and are stored'
);

-- Deferred: references to rows the caller does not have.
select is(
	tests.push(tests.upsert('connections', tests.connection(
		'c0a00000-0000-4000-8000-000000000001', '2025-12-03T12:00:00Z', 'e0a00000-0000-4000-8000-0000000000ff'))),
	'[{"index": 0, "table": "connections", "id": "c0a00000-0000-4000-8000-000000000001", "status": "deferred", "code": "missing_reference", "message": "event_id"}]',
	'a connection at an event not pushed yet is deferred'
);
select is(
	tests.push(tests.upsert('connections', tests.connection(
		'c0a00000-0000-4000-8000-000000000001', '2025-12-03T12:00:00Z', 'e0b00000-0000-4000-8000-000000000001'))) -> 0 ->> 'status',
	'deferred',
	'a connection at someone else''s event reads the same: deferred, nothing told'
);
select is(
	tests.push(tests.upsert('follow_ups', tests.follow_up(
		'f0a00000-0000-4000-8000-000000000001', 'c0a00000-0000-4000-8000-0000000000ff', '2025-12-03T12:00:00Z', 'pending'))),
	'[{"index": 0, "table": "follow_ups", "id": "f0a00000-0000-4000-8000-000000000001", "status": "deferred", "code": "missing_reference", "message": "connection_id"}]',
	'a follow-up of a connection not pushed yet is deferred'
);
select is(
	tests.push(tests.upsert('follow_ups', tests.follow_up(
		'f0a00000-0000-4000-8000-000000000001', 'c0b00000-0000-4000-8000-000000000001', '2099-01-01T00:00:00Z', 'done'))) -> 0 ->> 'status',
	'deferred',
	'a follow-up merged into someone else''s connection is deferred, not applied nor stale'
);
select is(
	tests.push(
		tests.upsert('connections', tests.connection(
			'c0a00000-0000-4000-8000-000000000001', '2025-12-03T12:00:00Z', 'e0a00000-0000-4000-8000-000000000001'))
	) -> 0 ->> 'status',
	'applied',
	'once its event is there, the connection applies'
);

-- Follow-ups merge with the one the trigger scheduled.
select is(
	(select count(*) from public.follow_ups where connection_id = 'c0a00000-0000-4000-8000-000000000001'),
	1::bigint,
	'the new connection got its post-event follow-up from the trigger'
);
create temp table scheduled as
	select id from public.follow_ups where connection_id = 'c0a00000-0000-4000-8000-000000000001';
create temp table merged_follow_up as select tests.push(tests.upsert('follow_ups', tests.follow_up(
	'f0a00000-0000-4000-8000-000000000001', 'c0a00000-0000-4000-8000-000000000001', '2025-12-04T10:00:00Z', 'done'))
) -> 0 as result;
select is(
	(select result - 'row' from merged_follow_up),
	'{"index": 0, "table": "follow_ups", "id": "f0a00000-0000-4000-8000-000000000001", "status": "applied"}',
	'the app''s own copy of it, newer, is applied'
);
select is(
	(select result -> 'row' ->> 'id' || ' ' || (result -> 'row' ->> 'status') from merged_follow_up),
	(select id::text || ' done' from scheduled),
	'and answered with the server''s row, which keeps the trigger''s id'
);
select is(
	(select count(*) from public.follow_ups where connection_id = 'c0a00000-0000-4000-8000-000000000001'),
	1::bigint,
	'still one post-event follow-up for the connection'
);
select is(
	(select id::text || ' ' || status from public.follow_ups where connection_id = 'c0a00000-0000-4000-8000-000000000001'),
	(select id::text from scheduled) || ' done',
	'the server row keeps its id and takes the pushed fields'
);
select is(
	tests.push(tests.upsert('follow_ups', tests.follow_up(
		'f0a00000-0000-4000-8000-000000000001', 'c0a00000-0000-4000-8000-000000000001', '2025-12-04T09:00:00Z', 'skipped'))) -> 0 ->> 'status',
	'stale',
	'an older copy is stale'
);
select is(
	(select status from public.follow_ups where connection_id = 'c0a00000-0000-4000-8000-000000000001'),
	'done',
	'and leaves the merged row alone'
);
select is(
	tests.push(tests.upsert('follow_ups', tests.follow_up(
		'f0a00000-0000-4000-8000-000000000002', 'c0a00000-0000-4000-8000-000000000001', '2025-12-05T00:00:00Z', 'someday'))),
	'[{"index": 0, "table": "follow_ups", "id": "f0a00000-0000-4000-8000-000000000002", "status": "rejected", "code": "invalid_row", "message": "status"}]',
	'an unknown follow-up status is rejected'
);

select is(
	tests.push(tests.upsert('follow_ups', tests.follow_up(
		(select id::text from scheduled), 'c0a00000-0000-4000-8000-000000000001', '2025-12-05T00:00:00Z', 'pending')
		|| '{"kind": "keep_in_touch", "cycle": 1}')) -> 0 ->> 'message',
	'id',
	'a follow-up id already used for another (connection, kind, cycle) is rejected'
);

-- Tombstones.
select is(
	tests.push('{"table": "events", "op": "delete", "row": {"id": "e0a00000-0000-4000-8000-000000000003", "updated_at": "2025-12-06T00:00:00Z"}}') -> 0 ->> 'status',
	'applied',
	'a newer delete is applied'
);
select is(
	(select deleted_at::text || ' ' || updated_at::text from public.events where id = 'e0a00000-0000-4000-8000-000000000003'),
	'2025-12-06 00:00:00+00 2025-12-06 00:00:00+00',
	'it keeps the row as a tombstone: deleted_at = updated_at = the delete''s time'
);
select is(
	tests.push(tests.upsert('events', tests.event('e0a00000-0000-4000-8000-000000000003', '2025-12-05T00:00:00Z', 'Undeleted?'))) -> 0 ->> 'status',
	'stale',
	'an edit older than the delete cannot bring the row back'
);
select is(
	tests.push('{"table": "events", "op": "delete", "row": {"id": "e0a00000-0000-4000-8000-000000000003", "updated_at": "2025-12-06T00:00:00Z"}}') -> 0 ->> 'status',
	'stale',
	'the same delete again is stale'
);
select is(
	tests.push('{"table": "connections", "op": "delete", "row": {"id": "c0a00000-0000-4000-8000-0000000000ee", "updated_at": "2025-12-06T00:00:00Z"}}'),
	'[{"index": 0, "table": "connections", "id": "c0a00000-0000-4000-8000-0000000000ee", "status": "applied"}]',
	'a delete of a row the server never had answers applied'
);
select is((select count(*) from public.connections where id = 'c0a00000-0000-4000-8000-0000000000ee'), 0::bigint,
	'and stores nothing');
select is(
	tests.push('{"table": "events", "op": "delete", "row": {"id": "e0a00000-0000-4000-8000-000000000005"}}'),
	'[{"index": 0, "table": "events", "id": "e0a00000-0000-4000-8000-000000000005", "status": "rejected", "code": "invalid_row", "message": "updated_at"}]',
	'a delete without updated_at is rejected'
);

-- Someone else's ids.
select is(
	tests.push(tests.upsert('events', tests.event('e0b00000-0000-4000-8000-000000000001', '2099-01-01T00:00:00Z', 'Hijacked'))),
	'[{"index": 0, "table": "events", "id": "e0b00000-0000-4000-8000-000000000001", "status": "rejected", "code": "owned_elsewhere"}]',
	'an event id of another user is rejected as owned_elsewhere, with nothing else said'
);
select is(
	tests.push(tests.upsert('events', tests.event('e0b00000-0000-4000-8000-000000000001', '2000-01-01T00:00:00Z', 'Hijacked'))) -> 0 ->> 'code',
	'owned_elsewhere',
	'whether or not the push is newer than their row (stale would tell its age)'
);
select is(
	tests.push(tests.upsert('connections', tests.connection('c0b00000-0000-4000-8000-000000000001', '2099-01-01T00:00:00Z'))) -> 0 ->> 'code',
	'owned_elsewhere',
	'a connection id of another user is rejected as owned_elsewhere'
);
reset role;
-- B's follow-up id, which A cannot look up: read here as the superuser.
create temp table b_follow_up as
	select id from public.follow_ups where connection_id = 'c0b00000-0000-4000-8000-000000000001';
grant select on b_follow_up to authenticated;
select tests.authenticate_as('0a000000-0000-4000-8000-00000000000a');
select is(
	(tests.push(tests.upsert('follow_ups', tests.follow_up(
		(select id::text from b_follow_up), 'c0a00000-0000-4000-8000-000000000001', '2099-01-01T00:00:00Z', 'skipped')))
		-> 0) - 'id',
	'{"index": 0, "table": "follow_ups", "status": "rejected", "code": "owned_elsewhere"}',
	'a follow-up id of another user is rejected as owned_elsewhere'
);
select is(
	(select status from public.follow_ups where connection_id = 'c0a00000-0000-4000-8000-000000000001'),
	'done',
	'and A''s own follow-up with that (connection, kind, cycle) is untouched'
);

-- The profile: one per user, never with an id.
select is(
	tests.push(tests.upsert('profiles', tests.profile('2025-12-02T00:00:00Z'))),
	'[{"index": 0, "table": "profiles", "id": null, "status": "applied"}]',
	'the profile is applied'
);
select is(
	(select owner_id::text || ' ' || follow_up_delay_days || ' ' || follow_up_skip_weekends from public.profiles),
	'0a000000-0000-4000-8000-00000000000a 2 false',
	'as the caller''s own row'
);
select is(
	tests.push(tests.upsert('profiles',
		tests.profile('2025-12-03T00:00:00Z') || '{"locale": "fr"}')) -> 0 ->> 'message',
	'locale',
	'an unsupported locale is rejected'
);
select is(
	tests.push(tests.upsert('profiles',
		tests.profile('2025-12-03T00:00:00Z') || '{"follow_up_delay_days": 1.5}')) -> 0 ->> 'message',
	'follow_up_delay_days',
	'a fractional delay is rejected'
);

-- Pull arguments.
select throws_ok($$select public.sync_pull(null, 0)$$, 'P0001', 'sync_page_size_invalid',
	'a page size of 0 is refused');
select throws_ok($$select public.sync_pull(null, 1001)$$, 'P0001', 'sync_page_size_invalid',
	'a page size over 1000 is refused');
select throws_ok($$select public.sync_pull('yesterday')$$, 'P0001', 'sync_cursor_invalid',
	'a cursor sync_pull did not make is refused');
reset role;

-- What A's attempts left of B's rows, seen by the superuser.
select is(
	(select name || ' ' || updated_at::text from public.events where id = 'e0b00000-0000-4000-8000-000000000001'),
	'B''s meetup 2025-12-02 00:00:00+00',
	'B''s event is unchanged'
);

select * from finish();
rollback;
