-- TEST-ONLY, NEVER DEPLOYED: not a migration. The pgTAP files' shared helpers, in schema `tests`,
-- as basejump's supabase-test-helpers keep theirs. tests/support/run-db-tests.mjs applies this
-- file once, after the migrations and before pg_prove; each pgTAP file then runs in a transaction
-- of its own that it rolls back.
--
-- Personas: a request runs as PostgREST runs it, `set local role` to the JWT's role with the claims
-- in request.jwt.claims. `reset role` goes back to postgres.
-- Wire rows: the rows of docs/sync.md, complete, with the fields tests vary as arguments.

create schema tests;
-- The helpers are called while a test acts as one of the API roles.
grant usage on schema tests to anon, authenticated, service_role;

-- Personas ----------------------------------------------------------------------------------------

-- A user of Supabase Auth: anonymous when they have no e-mail, as the app's accounts are.
create function tests.create_user(id uuid, email text default null)
returns uuid
language sql
as $$
	insert into auth.users (id, email, is_anonymous) values (id, email, email is null)
	returning id
$$;

-- Acts as a signed-in user from here on. The JWT says whether the session is anonymous; unless
-- told otherwise, as the account is (a user that does not exist counts as signed in with e-mail).
create function tests.authenticate_as(user_id uuid, is_anonymous boolean default null)
returns void
language plpgsql
as $$
begin
	-- Back to postgres first, to read auth.users whoever the test was acting as.
	perform set_config('role', 'none', true);
	perform set_config('request.jwt.claims', jsonb_build_object(
		'sub', user_id,
		'role', 'authenticated',
		'is_anonymous', coalesce(is_anonymous,
			(select u.is_anonymous from auth.users u where u.id = user_id), false)
	)::text, true);
	perform set_config('role', 'authenticated', true);
end;
$$;

-- Acts as server-side work with the service key from here on.
create function tests.authenticate_as_service_role()
returns void
language plpgsql
as $$
begin
	perform set_config('request.jwt.claims', '{"role": "service_role"}', true);
	perform set_config('role', 'service_role', true);
end;
$$;

-- Acts as a visitor with no session, the anon key only, from here on.
create function tests.clear_authentication()
returns void
language plpgsql
as $$
begin
	perform set_config('request.jwt.claims', '{"role": "anon"}', true);
	perform set_config('role', 'anon', true);
end;
$$;

-- What a statement returns, as text, or the error it raises: SQLSTATE, message, and whether a hint
-- came with it. Runs as whoever calls it.
create function tests.outcome(statement text)
returns text
language plpgsql
as $$
declare
	result text;
	hint text;
begin
	execute statement into result;
	return result;
exception
	when others then
		get stacked diagnostics hint = pg_exception_hint;
		return format('%s %s%s', sqlstate, sqlerrm, case when hint <> '' then ' (with hint)' end);
end;
$$;

-- tests.outcome of one request, as a persona: 'anon', 'service_role' or a user's id. Acts as
-- before afterwards.
create function tests.outcome_as(persona text, statement text)
returns text
language plpgsql
as $$
declare
	role_before text := current_setting('role');
	claims_before text := current_setting('request.jwt.claims', true);
	result text;
begin
	case persona
		when 'anon' then perform tests.clear_authentication();
		when 'service_role' then perform tests.authenticate_as_service_role();
		else perform tests.authenticate_as(persona::uuid);
	end case;
	result := tests.outcome(statement);
	perform set_config('request.jwt.claims', claims_before, true);
	perform set_config('role', role_before, true);
	return result;
end;
$$;

-- Wire rows ---------------------------------------------------------------------------------------

create function tests.profile(updated_at text)
returns jsonb
language sql
as $$
	select jsonb_build_object(
		'display_name', '林小美', 'card', '{"name": "林小美"}'::jsonb, 'locale', 'zh-TW',
		'time_zone', 'Asia/Taipei', 'follow_up_delay_days', 2, 'follow_up_hour', 9,
		'follow_up_skip_weekends', false, 'updated_at', updated_at, 'deleted_at', null
	)
$$;

create function tests.event(
	id text,
	updated_at text,
	name text default 'Frontend meetup',
	coach jsonb default null
)
returns jsonb
language sql
as $$
	select jsonb_build_object(
		'id', id, 'name', name, 'topic', null, 'context', 'meetup',
		'starts_at', '2025-12-03T19:00:00+08:00', 'ends_at', '2025-12-03T21:30:00+08:00',
		'venue', 'Taipei', 'time_zone', 'Asia/Taipei', 'coach', coach, 'updated_at', updated_at,
		'deleted_at', null
	)
$$;

create function tests.connection(id text, updated_at text, event_id text default null)
returns jsonb
language sql
as $$
	select jsonb_build_object(
		'id', id, 'card', '{"name": "陳怡君", "channels": [{"kind": "line", "value": "yijun"}]}'::jsonb,
		'event_id', event_id, 'met_at', '2025-12-03T20:10:00.123+08:00', 'note', '聊到開源',
		'prompt_text', null, 'tags', '["開源", "前端"]'::jsonb, 'tier', 'regular',
		'last_contacted_at', null, 'source', 'scan', 'updated_at', updated_at, 'deleted_at', null
	)
$$;

create function tests.follow_up(
	id text,
	connection_id text,
	updated_at text,
	status text,
	kind text default 'post_event',
	cycle integer default 0
)
returns jsonb
language sql
as $$
	select jsonb_build_object(
		'id', id, 'connection_id', connection_id, 'kind', kind, 'cycle', cycle,
		'due_at', '2025-12-05T09:00:00+08:00', 'status', status, 'snoozed_until', null,
		'done_at', null, 'updated_at', updated_at, 'deleted_at', null
	)
$$;

-- Changes of a sync_push batch.
create function tests.upsert(table_name text, row_ jsonb)
returns jsonb
language sql
as $$
	select jsonb_build_object('table', table_name, 'op', 'upsert', 'row', row_)
$$;

create function tests.tombstone(table_name text, id text, updated_at text)
returns jsonb
language sql
as $$
	select jsonb_build_object(
		'table', table_name, 'op', 'delete', 'row', jsonb_build_object('id', id, 'updated_at', updated_at)
	)
$$;

-- The results of pushing these changes, as the caller.
create function tests.push(variadic changes jsonb[])
returns jsonb
language sql
as $$
	select public.sync_push(to_jsonb(changes)) -> 'results'
$$;
