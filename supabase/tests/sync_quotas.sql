-- Per-account quotas (20261202120000_sync_quotas.sql), with the limits made small for the test:
-- what the account writes itself is refused past them, edits and deletes are not, and what the
-- server writes for it is counted but never refused.
--
--   A  0a000000-0000-4000-8000-00000000000a  the user syncing
begin;
select plan(8);

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

insert into auth.users (id, is_anonymous) values ('0a000000-0000-4000-8000-00000000000a', true);

create function pg_temp.event(id text, updated_at text, venue text default null)
returns jsonb
language sql
as $$
	select jsonb_build_object('table', 'events', 'op', 'upsert', 'row', jsonb_build_object(
		'id', id, 'name', 'Meetup', 'topic', null, 'context', 'meetup',
		'starts_at', '2025-11-20T19:00:00+08:00', 'ends_at', '2025-11-20T21:00:00+08:00',
		'venue', venue, 'time_zone', 'Asia/Taipei', 'updated_at', updated_at, 'deleted_at', null
	))
$$;

create function pg_temp.connection(id text)
returns jsonb
language sql
as $$
	select jsonb_build_object('table', 'connections', 'op', 'upsert', 'row', jsonb_build_object(
		'id', id, 'card', '{"name": "陳怡君"}'::jsonb, 'event_id', null, 'met_at', '2025-11-20T20:00:00Z',
		'note', null, 'talk_phrase', null, 'prompt_text', null, 'tags', '[]'::jsonb, 'tier', 'none',
		'last_contacted_at', null, 'source', 'manual', 'field_updated_at', '{}'::jsonb,
		'updated_at', '2025-11-20T20:00:00Z', 'deleted_at', null
	))
$$;

create function pg_temp.answers(changes jsonb)
returns text
language sql
as $$
	select string_agg(concat_ws(' ', r ->> 'status', r ->> 'code', r ->> 'message'), ', '
		order by (r ->> 'index')::integer)
	from jsonb_array_elements(public.sync_push(changes) -> 'results') r
$$;

set local role authenticated;
set local request.jwt.claims to
	'{"sub": "0a000000-0000-4000-8000-00000000000a", "role": "authenticated", "is_anonymous": true}';

select is(
	pg_temp.answers(jsonb_build_array(
		pg_temp.connection('c0a00000-0000-4000-8000-000000000001'),
		pg_temp.connection('c0a00000-0000-4000-8000-000000000002'),
		pg_temp.connection('c0a00000-0000-4000-8000-000000000003'),
		pg_temp.connection('c0a00000-0000-4000-8000-000000000004')
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
set local role authenticated;
set local request.jwt.claims to
	'{"sub": "0a000000-0000-4000-8000-00000000000a", "role": "authenticated", "is_anonymous": true}';
select is(
	pg_temp.answers(jsonb_build_array(
		pg_temp.event('e0a00000-0000-4000-8000-000000000001', '2025-11-20T10:00:00Z')
	)),
	'rejected quota_exceeded events',
	'bytes: a new row while over the bytes quota is refused'
);
select is(
	pg_temp.answers(jsonb_build_array(jsonb_set(
		pg_temp.connection('c0a00000-0000-4000-8000-000000000002'),
		'{row,updated_at}', '"2025-11-21T00:00:00Z"'
	))),
	'applied',
	'bytes: an edit that does not grow goes through'
);
select is(
	pg_temp.answers(jsonb_build_array(jsonb_set(jsonb_set(
		pg_temp.connection('c0a00000-0000-4000-8000-000000000002'),
		'{row,updated_at}', '"2025-11-22T00:00:00Z"'),
		'{row,note}', to_jsonb(repeat('長', 500))
	))),
	'rejected quota_exceeded connections',
	'bytes: an edit that grows is refused'
);
select is(
	pg_temp.answers(jsonb_build_array(jsonb_build_object('table', 'connections', 'op', 'delete',
		'row', jsonb_build_object('id', 'c0a00000-0000-4000-8000-000000000003',
			'updated_at', '2025-11-22T00:00:00Z')))),
	'applied',
	'bytes: a delete always goes through'
);

select * from finish();
rollback;
