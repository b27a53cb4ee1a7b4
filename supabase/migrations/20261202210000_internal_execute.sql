-- Who may execute what in `internal` (issue 13, point 4; docs/sync.md "Privileges").
--
-- PostgreSQL grants EXECUTE on every new function to PUBLIC, and the helpers here were granted
-- to `authenticated` one by one as they were written. The API does not expose this schema, but a
-- SECURITY DEFINER helper that `authenticated` can run is only as safe as its arguments: two took
-- any owner's id (internal.sync_claim_tx locks and moves that owner's sync clock,
-- internal.sync_add_usage changes that owner's quota counts).
--
-- From here on:
-- - nothing in `internal` is executable by PUBLIC or anon. Default privileges cannot say so for
--   one schema (per schema they only add to the global ones, and a global revoke would also strip
--   extensions created later), so supabase/tests/api_surface.sql fails on any function here that
--   PUBLIC, anon or an unlisted one that authenticated may execute;
-- - `authenticated` executes only what the two SECURITY INVOKER RPCs, public.sync_push and
--   public.sync_pull, call. They run as the caller on purpose: RLS is their owner check, so the
--   helpers they call must be the caller's to run. Each of those helpers is either SECURITY
--   INVOKER (it can do nothing RLS would not let the caller do anyway) or SECURITY DEFINER and
--   answers only about auth.uid() or about ids the caller names, with bounded inputs;
-- - helpers only SECURITY DEFINER RPCs, triggers or jobs call are executable by their owner
--   (and service_role where the jobs need it) and nobody else;
-- - the usage trigger runs as its owner, so `authenticated` no longer needs sync_add_usage; it
--   still refuses growth only when an account writes its own rows (owner = auth.uid()).

revoke execute on all functions in schema internal from public, anon, authenticated;

-- The caller's own clock, for sync_push: takes no owner, so it cannot touch anyone else's.
create function internal.sync_claim_my_tx()
returns bigint
language sql
volatile
security definer
set search_path = ''
as $$
	select internal.sync_claim_tx(internal.sync_caller())
$$;

revoke execute on function internal.sync_claim_my_tx() from public, anon;

comment on function internal.sync_claim_my_tx() is
	'internal.sync_claim_tx for the caller (auth.uid()), the only clock sync_push may claim.';

create or replace function public.sync_push(changes jsonb)
returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
declare
	results jsonb;
begin
	-- The body as PostgreSQL holds it (jsonb), read without walking it: a request padded with
	-- fields nobody reads is refused before anything parses them.
	if pg_catalog.pg_column_size(changes) > 2000000 then
		perform internal.sync_caller();
		raise exception 'sync_batch_too_large'
			using hint = 'A batch holds at most 2,000,000 bytes; split it.';
	end if;
	if pg_catalog.jsonb_typeof(changes) is distinct from 'array'
		or pg_catalog.jsonb_array_length(changes) not between 1 and 500 then
		perform internal.sync_caller();
		raise exception 'sync_batch_invalid'
			using hint = 'changes must be an array of 1 to 500 items.';
	end if;
	perform internal.sync_claim_my_tx();
	results := coalesce(internal.sync_push_set(changes), internal.sync_push_each(changes));
	-- A statement of its own, so the rows it reads are the ones just written.
	return internal.sync_push_answer(results, changes);
end;
$$;

-- Runs as its owner now, so current_user no longer tells whose write it is. An account writing its
-- own rows is held to its quota: the session's role is `authenticated` (the API set it; a
-- SECURITY DEFINER function does not change it) and the rows are the JWT's user's (sync_push, or
-- the API's own insert, update and delete, under RLS). Rows the server writes for someone else
-- (an exchange delivers to the token's owner; the jobs run as postgres) are counted, never
-- refused.
create or replace function internal.sync_count_usage()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
	-- Null (no account's own write) compares as false below, never as null.
	writer uuid := case when pg_catalog.current_setting('role') = 'authenticated' then auth.uid() end;
	usage record;
begin
	if tg_op = 'INSERT' then
		for usage in
			select n.owner_id, count(*) as added_rows, sum(pg_catalog.pg_column_size(n.*)) as added_bytes
			from new_rows n group by n.owner_id
		loop
			perform internal.sync_add_usage(
				usage.owner_id, tg_table_name, usage.added_rows, usage.added_bytes,
				coalesce(usage.owner_id = writer, false)
			);
		end loop;
	elsif tg_op = 'UPDATE' and tg_table_name = 'profiles' then
		for usage in
			select
				n.owner_id,
				sum(pg_catalog.pg_column_size(n.*) - pg_catalog.pg_column_size(o.*)) as added_bytes,
				pg_catalog.bool_or(n.deleted_at is not null and o.deleted_at is null) as tombstones
			from new_rows n join old_rows o on o.owner_id = n.owner_id
			group by n.owner_id
		loop
			perform internal.sync_add_usage(
				usage.owner_id, tg_table_name, 0, usage.added_bytes,
				coalesce(usage.owner_id = writer, false) and not usage.tombstones
			);
		end loop;
	elsif tg_op = 'UPDATE' then
		for usage in
			select
				n.owner_id,
				sum(pg_catalog.pg_column_size(n.*) - pg_catalog.pg_column_size(o.*)) as added_bytes,
				pg_catalog.bool_or(n.deleted_at is not null and o.deleted_at is null) as tombstones
			from new_rows n join old_rows o on o.id = n.id
			group by n.owner_id
		loop
			perform internal.sync_add_usage(
				usage.owner_id, tg_table_name, 0, usage.added_bytes,
				coalesce(usage.owner_id = writer, false) and not usage.tombstones
			);
		end loop;
	else
		for usage in
			select o.owner_id, count(*) as removed_rows, sum(pg_catalog.pg_column_size(o.*)) as removed_bytes
			from old_rows o group by o.owner_id
		loop
			perform internal.sync_add_usage(
				usage.owner_id, tg_table_name, -usage.removed_rows, -usage.removed_bytes, false
			);
		end loop;
	end if;
	return null;
end;
$$;

comment on function internal.sync_count_usage() is
	'Statement trigger: counts each account''s rows and bytes of the table '
	'(internal.sync_usage); refuses growth beyond internal.sync_quota when the account writes its '
	'own rows (owner_id = auth.uid()).';

-- What sync_push and sync_pull (SECURITY INVOKER) call. SECURITY DEFINER among them:
-- sync_caller, sync_claim_my_tx, sync_last_tx (the caller's own user, clock and number),
-- sync_epoch (a hash naming the database), sync_push_known_ids (at most 1,000 ids a table) and
-- sync_follow_up_owned_elsewhere (one id), which tell whether ids the caller names exist and are
-- theirs: what sync_push answers anyway (owned_elsewhere).
grant execute on function
	internal.sync_caller(),
	internal.sync_claim_my_tx(),
	internal.sync_last_tx(),
	internal.sync_epoch(),
	internal.sync_push_known_ids(uuid[], uuid[], uuid[]),
	internal.sync_follow_up_owned_elsewhere(uuid),
	internal.sync_bound(timestamptz),
	internal.sync_parse_uuid(jsonb, text, boolean),
	internal.sync_parse_instant(jsonb, text, boolean),
	internal.sync_parse_text(jsonb, text),
	internal.sync_parse_integer(jsonb, text),
	internal.sync_parse_boolean(jsonb, text),
	internal.sync_parse_object(jsonb, text),
	internal.sync_parse_tags(jsonb, text),
	internal.sync_field_times(jsonb, timestamptz),
	internal.sync_field_time(jsonb, text, timestamptz),
	internal.sync_connection_wins(public.connections, public.connections),
	internal.sync_merge_connection(public.connections, public.connections),
	internal.sync_wire_profile(public.profiles),
	internal.sync_wire_event(public.events),
	internal.sync_wire_connection(public.connections),
	internal.sync_wire_follow_up(public.follow_ups),
	internal.sync_server_row(text, jsonb),
	internal.sync_push_set(jsonb),
	internal.sync_push_each(jsonb),
	internal.sync_push_answer(jsonb, jsonb)
to authenticated;
