-- Per-account quotas (20261202120000_sync_quotas.sql), with the limits made small for the test:
-- what the account writes itself is refused past them, edits and deletes are not, and what the
-- server writes for it is counted but never refused.
--
--   A  0a000000-0000-4000-8000-00000000000a  the user syncing
begin;
select plan(9);

-- Quotas of 3 connections and 3 follow-ups, and bytes set below as the test goes.
set local rapport.test_bytes_quota = 1000000;
create or replace function internal.sync_quota(table_name text)
returns bigint
language sql
stable
set search_path = ''
as $$
	select case table_name
		when 'profiles' then 1 when 'events' then 10 when 'connections' then 3 when 'follow_ups' then 3
		when 'bytes' then current_setting('rapport.test_bytes_quota')::bigint
	end::bigint
$$;

select tests.create_user('0a000000-0000-4000-8000-00000000000a');

create function pg_temp.answers(results jsonb)
returns text
language sql
as $$
	select string_agg(concat_ws(' ', r ->> 'status', r ->> 'code', r ->> 'message'), ', '
		order by (r ->> 'index')::integer)
	from jsonb_array_elements(results) r
$$;

select tests.authenticate_as('0a000000-0000-4000-8000-00000000000a');

select is(
	pg_temp.answers(tests.push(
		tests.upsert('connections',
			tests.connection('c0a00000-0000-4000-8000-000000000001', '2025-11-20T00:00:00Z')),
		tests.upsert('connections',
			tests.connection('c0a00000-0000-4000-8000-000000000002', '2025-11-20T00:00:00Z')),
		tests.upsert('connections',
			tests.connection('c0a00000-0000-4000-8000-000000000003', '2025-11-20T00:00:00Z')),
		tests.upsert('connections',
			tests.connection('c0a00000-0000-4000-8000-000000000004', '2025-11-20T00:00:00Z'))
	)),
	'applied, applied, applied, rejected quota_exceeded connections',
	'rows: the connection past the quota is refused, naming the table'
);

reset role;
select results_eq(
	$$select table_name, row_count from internal.sync_usage
		where owner_id = '0a000000-0000-4000-8000-00000000000a' order by table_name$$,
	$$values ('connections'::text, 3::bigint), ('follow_ups', 3)$$,
	'usage: three connections and the three post-event follow-ups the trigger gave them'
);
select is(
	(select sum(byte_count)::bigint from internal.sync_usage
		where owner_id = '0a000000-0000-4000-8000-00000000000a'),
	(select sum(pg_column_size(c.*))::bigint from public.connections c
		where owner_id = '0a000000-0000-4000-8000-00000000000a')
		+ (select sum(pg_column_size(f.*))::bigint from public.follow_ups f
			where owner_id = '0a000000-0000-4000-8000-00000000000a'),
	'usage: bytes as PostgreSQL stores the rows'
);

-- The server schedules a keep-in-touch round past the follow-ups quota: counted, not refused.
update public.connections set tier = 'close', met_at = '2025-01-01Z'
	where id = 'c0a00000-0000-4000-8000-000000000001';
select is(
	internal.schedule_keep_in_touch_follow_ups('2025-11-30Z'),
	1,
	'server writes: the job''s round goes in past the quota'
);

-- Bytes: the account now holds exactly its bytes quota.
select set_config('rapport.test_bytes_quota', (
	select sum(byte_count)::text from internal.sync_usage
	where owner_id = '0a000000-0000-4000-8000-00000000000a'
), true);
select tests.authenticate_as('0a000000-0000-4000-8000-00000000000a');
select is(
	pg_temp.answers(tests.push(
		tests.upsert('events', tests.event('e0a00000-0000-4000-8000-000000000001', '2025-11-20T00:00:00Z'))
	)),
	'rejected quota_exceeded events',
	'bytes: a new row while over the bytes quota is refused'
);
select is(
	pg_temp.answers(tests.push(
		tests.upsert('connections',
			tests.connection('c0a00000-0000-4000-8000-000000000002', '2025-11-21T00:00:00Z'))
	)),
	'applied',
	'bytes: an edit that does not grow goes through'
);
select is(
	pg_temp.answers(tests.push(tests.upsert('connections',
		tests.connection('c0a00000-0000-4000-8000-000000000002', '2025-11-22T00:00:00Z')
			|| jsonb_build_object('note', repeat('長', 500))
	))),
	'rejected quota_exceeded connections',
	'bytes: an edit that grows is refused'
);
select is(
	pg_temp.answers(tests.push(
		tests.tombstone('connections', 'c0a00000-0000-4000-8000-000000000003', '2025-11-22T00:00:00Z')
	)),
	'applied',
	'bytes: a delete always goes through'
);

-- A hard delete (the API lets an owner delete their rows) gives the room back.
delete from public.connections where id = 'c0a00000-0000-4000-8000-000000000003';
reset role;
select is(
	(select row_count from internal.sync_usage
		where owner_id = '0a000000-0000-4000-8000-00000000000a' and table_name = 'connections'),
	2::bigint,
	'usage: a deleted row no longer counts'
);

select * from finish();
rollback;
