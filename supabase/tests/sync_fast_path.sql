-- sync_push's set-based pass against its change by change loop (20261125040000_sync.sql), and the
-- statement trigger that schedules post-event follow-ups.
--
-- Every batch runs both ways from the same rows: first with one more change that the pass cannot
-- take (so the loop applies all of it), undone, then as it is. The pass must answer each change
-- as the loop did and leave the same rows behind. Which way ran shows in the calls to the loop's
-- field parsers (sync_parse_*), which the pass never makes.
--
--   A  0a000000-0000-4000-8000-00000000000a  the user syncing (Asia/Taipei, 2 days later at 09:00)
--   B  0b000000-0000-4000-8000-00000000000b  stranger, with a connection of their own
begin;
select plan(46);

-- Counted per transaction only when tracked; superusers only may turn it on.
set local track_functions = 'pl';

select tests.create_user('0a000000-0000-4000-8000-00000000000a');
select tests.create_user('0b000000-0000-4000-8000-00000000000b', 'b@example.test');
insert into public.profiles (owner_id, time_zone, follow_up_delay_days, follow_up_hour) values
	('0a000000-0000-4000-8000-00000000000a', 'Asia/Taipei', 2, 9);
insert into public.connections (id, owner_id, card, met_at, updated_at) values
	('c0b00000-0000-4000-8000-000000000001', '0b000000-0000-4000-8000-00000000000b',
		'{"name": "B''s friend"}', '2025-12-02 20:00+08', '2025-12-02 00:00Z');

-- Calls of the loop's field parsers so far in this transaction.
create function pg_temp.parser_calls()
returns bigint
language sql
as $$
	select coalesce(sum(pg_stat_get_xact_function_calls(p.oid)), 0)::bigint
	from pg_proc p
	where p.pronamespace = 'internal'::regnamespace and p.proname like 'sync\_parse\_%'
$$;

-- Everything of the caller's that sync_push writes, but the change stamps (the pass stamps table
-- by table, the loop change by change) and the ids the trigger draws anew on each run.
create function pg_temp.stored(kept_follow_up_ids uuid[])
returns jsonb
language sql
as $$
	select jsonb_build_object(
		'events', (
			select coalesce(jsonb_agg(to_jsonb(e) - 'sync_tx' - 'sync_seq' order by e.id), '[]')
			from public.events e
		),
		'connections', (
			select coalesce(jsonb_agg(to_jsonb(c) - 'sync_tx' - 'sync_seq' order by c.id), '[]')
			from public.connections c
		),
		'follow_ups', (
			select coalesce(jsonb_agg(
				to_jsonb(f) - 'sync_tx' - 'sync_seq'
					|| jsonb_build_object('id', case when f.id = any (kept_follow_up_ids)
						then f.id::text else 'drawn by the trigger' end)
				order by f.connection_id, f.kind, f.cycle
			), '[]')
			from public.follow_ups f
		)
	)
$$;

-- Results, with the ids of follow-up rows they carry that the trigger drew anew on each run.
create function pg_temp.answered(results jsonb, kept_follow_up_ids uuid[])
returns jsonb
language sql
as $$
	select jsonb_agg(
		case when r ? 'row' and r ->> 'table' = 'follow_ups'
			and not (r -> 'row' ->> 'id')::uuid = any (kept_follow_up_ids)
		then jsonb_set(r, '{row,id}', '"drawn by the trigger"') else r end
		order by (r ->> 'index')::integer
	)
	from jsonb_array_elements(results) r
$$;

-- Runs the batch with `spoiler` after it and undoes that, then runs it alone and keeps it.
create function pg_temp.both_ways(changes jsonb, spoiler jsonb)
returns jsonb
language plpgsql
as $$
declare
	-- Follow-up ids there before, or pushed: the same on both runs.
	kept uuid[] := array(
		select f.id from public.follow_ups f
		union all
		select (c.value -> 'row' ->> 'id')::uuid
		from jsonb_array_elements(changes) c
		where c.value ->> 'table' = 'follow_ups'
	);
	calls bigint;
	loop_results jsonb;
	loop_rows jsonb;
	loop_calls bigint;
	pass_results jsonb;
	pass_rows jsonb;
	pass_calls bigint;
begin
	begin
		calls := pg_temp.parser_calls();
		loop_results := pg_temp.answered(
			public.sync_push(changes || jsonb_build_array(spoiler)) -> 'results',
			kept
		);
		loop_calls := pg_temp.parser_calls() - calls;
		loop_rows := pg_temp.stored(kept);
		raise exception 'undo the loop''s run' using errcode = 'U0001';
	exception
		when sqlstate 'U0001' then
			null;
	end;
	calls := pg_temp.parser_calls();
	pass_results := pg_temp.answered(public.sync_push(changes) -> 'results', kept);
	pass_calls := pg_temp.parser_calls() - calls;
	pass_rows := pg_temp.stored(kept);
	return jsonb_build_object(
		'pass_results', pass_results,
		'loop_results', loop_results - (jsonb_array_length(loop_results) - 1),
		'spoiler_result', loop_results -> -1,
		'pass_rows', pass_rows,
		'loop_rows', loop_rows,
		'pass_calls', pass_calls,
		'loop_calls', loop_calls
	);
end;
$$;

create function pg_temp.statuses(results jsonb)
returns text
language sql
as $$
	select string_agg(r ->> 'status', ' ' order by (r ->> 'index')::integer)
	from jsonb_array_elements(results) r
$$;

select tests.authenticate_as('0a000000-0000-4000-8000-00000000000a');

-- People met at an event: the event, each new connection and the follow-up the app scheduled
-- offline. One follow-up is the app's copy of the one the trigger makes (same updated_at:
-- stale), one is newer (applied, into the trigger's row), one is a keep-in-touch round of its own.
create temp table met_batch as select jsonb_build_array(
	tests.upsert('events', tests.event(
		'e0a00000-0000-4000-8000-000000000001', '2025-12-03T11:00:00Z')),
	tests.upsert('connections', tests.connection(
		'c0a00000-0000-4000-8000-000000000001', '2025-12-03T12:10:00Z',
		'e0a00000-0000-4000-8000-000000000001')),
	tests.upsert('follow_ups', tests.follow_up(
		'f0a00000-0000-4000-8000-000000000001', 'c0a00000-0000-4000-8000-000000000001',
		'2025-12-03T12:10:00Z', 'pending')),
	tests.upsert('connections', tests.connection(
		'c0a00000-0000-4000-8000-000000000002', '2025-12-03T12:20:00.5+08:00',
		'e0a00000-0000-4000-8000-000000000001')),
	tests.upsert('follow_ups', tests.follow_up(
		'f0a00000-0000-4000-8000-000000000002', 'c0a00000-0000-4000-8000-000000000002',
		'2025-12-03T13:00:00Z', 'done')),
	tests.upsert('connections', tests.connection(
		'C0A00000-0000-4000-8000-000000000003', '2025-12-03T12:30:00+0800')),
	tests.upsert('follow_ups', tests.follow_up(
		'f0a00000-0000-4000-8000-000000000003', 'c0a00000-0000-4000-8000-000000000003',
		'2025-12-03T12:30:00Z', 'pending', 'keep_in_touch', 1))
) as changes;
create temp table met as select pg_temp.both_ways(
	(select changes from met_batch),
	'{"table": "contacts", "op": "upsert", "row": {}}'
) as x;

select is((select x -> 'pass_calls' from met), '0', 'people met: the pass takes the batch');
select ok((select (x ->> 'loop_calls')::integer > 0 from met),
	'people met: with an unknown table after it, the loop takes it');
select is((select x -> 'spoiler_result' ->> 'code' from met), 'unknown_table',
	'people met: and rejects the unknown table');
select is((select x -> 'pass_results' from met), (select x -> 'loop_results' from met),
	'people met: the pass answers every change as the loop does');
select is(
	(select pg_temp.statuses(x -> 'pass_results') from met),
	'applied applied stale applied applied applied applied',
	'people met: new rows are applied, the copy of the trigger''s follow-up is stale'
);
select is((select x -> 'pass_results' -> 5 ->> 'id' from met), 'C0A00000-0000-4000-8000-000000000003',
	'people met: a result names the id as it was pushed');
select is((select x -> 'pass_rows' from met), (select x -> 'loop_rows' from met),
	'people met: the pass leaves the same rows as the loop');
select is(
	(select count(*) from public.follow_ups where kind = 'post_event'),
	3::bigint,
	'people met: each new connection has its one post-event follow-up'
);
select is(
	(select count(*) from public.follow_ups where id = 'f0a00000-0000-4000-8000-000000000002'),
	0::bigint,
	'people met: the newer copy went into the trigger''s row, which keeps its own id'
);
select is(
	(select status || ' ' || updated_at::text from public.follow_ups
		where connection_id = 'c0a00000-0000-4000-8000-000000000002'),
	'done 2025-12-03 13:00:00+00',
	'people met: and took its fields'
);
select is(
	(select due_at from public.follow_ups
		where connection_id = 'c0a00000-0000-4000-8000-000000000001' and kind = 'post_event'),
	internal.follow_up_due_at('2025-12-03 20:10:00.123+08', '2025-12-03 21:30+08', 'Asia/Taipei', 2, 9, true),
	'people met: the trigger''s follow-up is due per A''s settings, after the event pushed with it'
);
select is(
	(select id::text || ' ' || cycle from public.follow_ups where kind = 'keep_in_touch'),
	'f0a00000-0000-4000-8000-000000000003 1',
	'people met: a follow-up nothing merges with is stored under the pushed id'
);

-- That batch again but for its last connection and follow-up, as after an answer that got lost:
-- all stale.
create temp table replayed as select pg_temp.both_ways(
	(select jsonb_path_query_array(changes, '$[0 to 4]') from met_batch),
	-- 30 February: the pass casts it and gives up, the loop rejects it.
	tests.upsert('events', tests.event(
		'e0a00000-0000-4000-8000-000000000009', '2026-02-30T00:00:00Z'))
) as x;

select is((select x -> 'pass_calls' from replayed), '0', 'replay: the pass takes the batch');
select is((select x -> 'spoiler_result' from replayed),
	'{"index": 5, "table": "events", "id": "e0a00000-0000-4000-8000-000000000009", "status": "rejected", "code": "invalid_row", "message": "updated_at"}',
	'replay: a day the month does not have sends the batch to the loop, which rejects it');
select is((select x -> 'pass_results' from replayed), (select x -> 'loop_results' from replayed),
	'replay: the pass answers every change as the loop does');
select is((select pg_temp.statuses(x -> 'pass_results') from replayed), 'stale stale stale stale stale',
	'replay: everything is stale');
select is((select x -> 'pass_rows' from replayed), (select x -> 'loop_rows' from replayed),
	'replay: the pass leaves the same rows as the loop (unchanged)');

-- Edits from another device: last writer wins, to the millisecond, whatever the offset.
create temp table edited as select pg_temp.both_ways(
	jsonb_build_array(
		tests.upsert('events', tests.event(
			'e0a00000-0000-4000-8000-000000000001', '2025-12-03T19:00:00.001+08:00', 'Renamed')),
		tests.upsert('connections', tests.connection(
			'c0a00000-0000-4000-8000-000000000001', '2025-12-03T20:10:00+08:00')),
		tests.upsert('connections', tests.connection(
			'c0a00000-0000-4000-8000-000000000002', '2025-12-03T12:20:00Z')),
		tests.upsert('follow_ups', tests.follow_up(
			'f0a00000-0000-4000-8000-000000000001', 'c0a00000-0000-4000-8000-000000000001',
			'2025-12-03T12:09:59.999Z', 'skipped')),
		tests.upsert('follow_ups', tests.follow_up(
			'f0a00000-0000-4000-8000-000000000003', 'C0A00000-0000-4000-8000-000000000003',
			'2025-12-04T00:00:00+00', 'done', 'keep_in_touch', 1))
	),
	-- B's connection: owned elsewhere.
	tests.upsert('connections', tests.connection(
		'c0b00000-0000-4000-8000-000000000001', '2099-01-01T00:00:00Z'))
) as x;

select is((select x -> 'pass_calls' from edited), '0', 'edits: the pass takes the batch');
select is((select x -> 'spoiler_result' ->> 'code' from edited), 'owned_elsewhere',
	'edits: someone else''s id sends the batch to the loop, which rejects it');
select is((select x -> 'pass_results' from edited), (select x -> 'loop_results' from edited),
	'edits: the pass answers every change as the loop does');
select is((select pg_temp.statuses(x -> 'pass_results') from edited), 'applied stale applied stale applied',
	'edits: newer is applied; the same instant (another offset) and older are stale');
select is((select x -> 'pass_rows' from edited), (select x -> 'loop_rows' from edited),
	'edits: the pass leaves the same rows as the loop');

-- Per-field merge and the server's clock: a connection whose note is newer than the stored one
-- though its row is older, and an event dated far ahead.
select pg_temp.both_ways(
	jsonb_build_array(jsonb_set(
		tests.upsert('connections', tests.connection(
			'c0a00000-0000-4000-8000-0000000000a4', '2025-12-04T10:00:00Z')),
		'{row,field_updated_at}',
		'{"note": "2025-12-04T08:00:00Z", "tags": "2025-12-04T10:00:00Z", "tier": "2025-12-04T10:00:00Z"}'
	)),
	'{"table": "contacts", "op": "upsert", "row": {}}'
);
create temp table merged as select pg_temp.both_ways(
	jsonb_build_array(
		jsonb_set(jsonb_set(jsonb_set(
			tests.upsert('connections', tests.connection(
				'c0a00000-0000-4000-8000-0000000000a4', '2025-12-04T09:00:00Z')),
			'{row,field_updated_at}',
			'{"note": "2025-12-04T09:00:00Z", "tags": "2025-12-04T07:00:00Z", "tier": "2025-12-04T07:00:00Z"}'),
			'{row,note}', '"Later note"'),
			'{row,tags}', '["older"]'),
		tests.upsert('events', tests.event(
			'e0a00000-0000-4000-8000-0000000000a4', '2099-01-01T00:00:00Z', 'Ahead'))
	),
	'{"table": "contacts", "op": "upsert", "row": {}}'
) as x;

select is((select x -> 'pass_calls' from merged), '0', 'merge: the pass takes the batch');
select is((select x -> 'pass_results' from merged), (select x -> 'loop_results' from merged),
	'merge: the pass answers every change as the loop does, rows included');
select is((select x -> 'pass_rows' from merged), (select x -> 'loop_rows' from merged),
	'merge: the pass leaves the same rows as the loop');
select is(
	(select x -> 'pass_results' -> 0 -> 'row' ->> 'note' || ' ' || (x -> 'pass_results' -> 0 -> 'row' ->> 'tags')
		|| ' ' || (x -> 'pass_results' -> 0 ->> 'status') from merged),
	'Later note ["開源", "前端"] applied',
	'merge: the newer note is taken, the newer tags kept, and the device hears the merged row'
);
select is(
	(select (x -> 'pass_results' -> 1 -> 'row' ->> 'updated_at')::timestamptz from merged),
	now(),
	'merge: a time far ahead is stored as the server''s now, and answered'
);

-- Tombstones.
create temp table deleted as select pg_temp.both_ways(
	jsonb_build_array(
		tests.tombstone('events', 'e0a00000-0000-4000-8000-000000000001', '2025-12-06T00:00:00Z'),
		tests.tombstone('connections', 'c0a00000-0000-4000-8000-000000000002', '2025-12-03T12:20:00Z'),
		tests.tombstone('connections', 'c0a00000-0000-4000-8000-0000000000ee', '2025-12-06T00:00:00Z'),
		tests.tombstone('connections', 'c0b00000-0000-4000-8000-000000000001', '2099-01-01T00:00:00Z')
	),
	-- The same row twice: the pass cannot tell which the loop would see first.
	tests.tombstone('events', 'e0a00000-0000-4000-8000-000000000001', '2025-12-06T00:00:00Z')
) as x;

select ok((select (x ->> 'pass_calls')::integer > 0 from deleted),
	'deletes: an id of someone else sends the batch to the loop');
select is((select pg_temp.statuses(x -> 'pass_results') from deleted), 'applied stale applied applied',
	'deletes: newer, the same time, never had, someone else''s (RLS makes it look never had)');

create temp table deleted_own as select pg_temp.both_ways(
	jsonb_build_array(
		tests.tombstone('events', 'e0a00000-0000-4000-8000-000000000002', '2025-12-06T00:00:00Z'),
		tests.tombstone('connections', 'c0a00000-0000-4000-8000-000000000001', '2025-12-07T00:00:00Z'),
		tests.tombstone('connections', 'c0a00000-0000-4000-8000-000000000003', '2025-12-03T04:29:59Z'),
		tests.tombstone('connections', 'c0a00000-0000-4000-8000-000000000002', '2025-12-03T20:20:00+08:00')
	),
	tests.tombstone('events', 'e0a00000-0000-4000-8000-000000000002', '2025-12-06T00:00:00Z')
) as x;

select is((select x -> 'pass_calls' from deleted_own), '0', 'own deletes: the pass takes the batch');
select is((select x -> 'spoiler_result' ->> 'status' from deleted_own), 'applied',
	'own deletes: the same id twice sends the batch to the loop');
select is((select x -> 'pass_results' from deleted_own), (select x -> 'loop_results' from deleted_own),
	'own deletes: the pass answers every change as the loop does');
select is((select pg_temp.statuses(x -> 'pass_results') from deleted_own), 'applied applied stale stale',
	'own deletes: never had, newer, older, the same instant');
select is((select x -> 'pass_rows' from deleted_own), (select x -> 'loop_rows' from deleted_own),
	'own deletes: the pass leaves the same tombstones as the loop');
select is(
	(select deleted_at::text || ' ' || updated_at::text from public.connections
		where id = 'c0a00000-0000-4000-8000-000000000001'),
	'2025-12-07 00:00:00+00 2025-12-07 00:00:00+00',
	'own deletes: a tombstone is deleted_at = updated_at = the delete''s time'
);

create temp table deleted_follow_ups as select pg_temp.both_ways(
	jsonb_build_array(
		tests.tombstone('follow_ups', 'f0a00000-0000-4000-8000-000000000003', '2025-12-08T00:00:00Z'),
		tests.tombstone('follow_ups', 'f0a00000-0000-4000-8000-0000000000ee', '2025-12-08T00:00:00Z')
	),
	-- A follow-up of a connection the server does not have: deferred.
	tests.upsert('follow_ups', tests.follow_up(
		'f0a00000-0000-4000-8000-000000000009', 'c0a00000-0000-4000-8000-0000000000ff',
		'2025-12-08T00:00:00Z', 'pending'))
) as x;

select is((select x -> 'pass_calls' from deleted_follow_ups), '0',
	'follow-up deletes: the pass takes the batch');
select is((select x -> 'spoiler_result' ->> 'status' from deleted_follow_ups), 'deferred',
	'follow-up deletes: a missing connection sends the batch to the loop, which defers it');
select is((select x -> 'pass_results' from deleted_follow_ups),
	(select x -> 'loop_results' from deleted_follow_ups),
	'follow-up deletes: the pass answers every change as the loop does');
select is((select x -> 'pass_rows' from deleted_follow_ups), (select x -> 'loop_rows' from deleted_follow_ups),
	'follow-up deletes: the pass leaves the same rows as the loop');

-- What only the loop answers.
create temp table out_of_order as select pg_temp.both_ways(
	jsonb_build_array(
		tests.upsert('follow_ups', tests.follow_up(
			'f0a00000-0000-4000-8000-000000000004', 'c0a00000-0000-4000-8000-000000000004',
			'2025-12-09T00:00:00Z', 'pending')),
		tests.upsert('connections', tests.connection(
			'c0a00000-0000-4000-8000-000000000004', '2025-12-09T00:00:00Z'))
	),
	'{"table": "contacts", "op": "upsert", "row": {}}'
) as x;

select ok((select (x ->> 'pass_calls')::integer > 0 from out_of_order),
	'out of order: a follow-up ahead of its connection sends the batch to the loop');
select is((select x -> 'pass_results' from out_of_order),
	'[{"index": 0, "table": "follow_ups", "id": "f0a00000-0000-4000-8000-000000000004", "status": "deferred", "code": "missing_reference", "message": "connection_id"},
	  {"index": 1, "table": "connections", "id": "c0a00000-0000-4000-8000-000000000004", "status": "applied"}]',
	'out of order: which defers the follow-up, as the connection was not there yet');

create temp table refused as select pg_temp.both_ways(
	jsonb_build_array(
		jsonb_set(tests.upsert('connections', tests.connection(
			'c0a00000-0000-4000-8000-000000000005', '2025-12-09T00:00:00Z')),
			'{row,tier}', '"best"')
	),
	'{"table": "contacts", "op": "upsert", "row": {}}'
) as x;

select ok((select (x ->> 'pass_calls')::integer > 0 from refused),
	'refused: a check constraint the pass runs into sends the batch to the loop');
select is(
	(select x -> 'pass_results' -> 0 ->> 'code' from refused),
	'invalid_row',
	'refused: which rejects the row'
);
select is((select count(*) from public.connections where id = 'c0a00000-0000-4000-8000-000000000005'),
	0::bigint, 'refused: and nothing of the pass''s attempt is left');

reset role;

-- The trigger, one statement at a time: every new connection that is not deleted gets its
-- follow-up, whoever inserts it and however many at once.
select tests.authenticate_as_service_role();
insert into public.connections (id, owner_id, card, event_id, met_at, updated_at, deleted_at) values
	('c0a00000-0000-4000-8000-000000000010', '0a000000-0000-4000-8000-00000000000a', '{"name": "x"}',
		'e0a00000-0000-4000-8000-000000000001', '2025-12-03 20:00+08', '2025-12-03 12:00Z', null),
	('c0a00000-0000-4000-8000-000000000011', '0a000000-0000-4000-8000-00000000000a', '{"name": "y"}',
		null, '2025-12-06 23:30+08', '2025-12-06 15:31Z', null),
	('c0a00000-0000-4000-8000-000000000012', '0a000000-0000-4000-8000-00000000000a', '{"name": "z"}',
		null, '2025-12-06 23:30+08', '2025-12-06 15:31Z', '2025-12-06 15:31Z'),
	('c0b00000-0000-4000-8000-000000000010', '0b000000-0000-4000-8000-00000000000b', '{"name": "w"}',
		null, '2025-12-06 23:30+08', '2025-12-06 15:32Z', null);
reset role;

select is(
	array(
		select f.connection_id::text || ' ' || f.owner_id::text || ' ' || f.kind || ' ' || f.cycle || ' '
			|| f.status || ' ' || f.due_at::text || ' ' || f.updated_at::text
		from public.follow_ups f
		where f.connection_id in (
			'c0a00000-0000-4000-8000-000000000010', 'c0a00000-0000-4000-8000-000000000011',
			'c0a00000-0000-4000-8000-000000000012', 'c0b00000-0000-4000-8000-000000000010'
		)
		order by f.connection_id
	),
	array[
		'c0a00000-0000-4000-8000-000000000010 0a000000-0000-4000-8000-00000000000a post_event 0 pending '
			|| internal.follow_up_due_at('2025-12-03 20:00+08', '2025-12-03 21:30+08', 'Asia/Taipei', 2, 9, true)
			|| ' 2025-12-03 12:00:00+00',
		'c0a00000-0000-4000-8000-000000000011 0a000000-0000-4000-8000-00000000000a post_event 0 pending '
			|| internal.follow_up_due_at('2025-12-06 23:30+08', null, 'Asia/Taipei', 2, 9, true)
			|| ' 2025-12-06 15:31:00+00',
		'c0b00000-0000-4000-8000-000000000010 0b000000-0000-4000-8000-00000000000b post_event 0 pending '
			|| internal.follow_up_due_at('2025-12-06 23:30+08', null, 'Asia/Taipei', 1, 10, true)
			|| ' 2025-12-06 15:32:00+00'
	],
	'trigger: one statement, each owner''s settings (or the defaults), the event''s end, none when deleted'
);
select is(
	(select action_orientation || ' ' || action_timing || ' ' || event_manipulation
		from information_schema.triggers
		where trigger_name = 'connections_schedule_post_event_follow_up'),
	'STATEMENT AFTER INSERT',
	'trigger: it runs once per statement'
);

select * from finish();
rollback;
