-- Sync push, split by job and bounded by the server (issue 13, docs/sync.md):
-- - internals (field parsers, SECURITY DEFINER look-ups, the wire rows) move to schema `internal`,
--   which the API does not expose; their inputs are bounded;
-- - `public.sync_push` is a short dispatcher over a set-based pass (internal.sync_push_set) and a
--   change by change pass (internal.sync_push_each);
-- - the server's clock bounds the client's: an updated_at or deleted_at more than 5 minutes ahead
--   of now() is stored as now();
-- - a result carries `row`, the row as the server holds it, when that differs from what was sent:
--   always on `stale`, and on `applied` when a time was clamped or a connection merged per field;
-- - connections gain `talk_phrase` and `field_updated_at`, and merge note, talk phrase, tags and
--   tier field by field;
-- - a caller whose user no longer exists gets `not_signed_in`; a body over 2,000,000 bytes
--   `sync_batch_too_large`.

create schema if not exists internal;
revoke all on schema internal from public;
grant usage on schema internal to authenticated, service_role;

comment on schema internal is
	'Helpers of the RPCs in public (parsers, SECURITY DEFINER look-ups, jobs). Not exposed by the '
	'API: nothing here can be called over HTTP, only from the functions that use it.';

-- Moved out of the API -------------------------------------------------------------------------

alter function public.sync_parse_uuid(jsonb, text, boolean) set schema internal;
alter function public.sync_parse_instant(jsonb, text, boolean) set schema internal;
alter function public.sync_parse_text(jsonb, text) set schema internal;
alter function public.sync_parse_integer(jsonb, text) set schema internal;
alter function public.sync_parse_boolean(jsonb, text) set schema internal;
alter function public.sync_parse_object(jsonb, text) set schema internal;
alter function public.sync_parse_tags(jsonb, text) set schema internal;
alter function public.sync_follow_up_owned_elsewhere(uuid) set schema internal;
alter function public.sync_push_known_ids(uuid[], uuid[], uuid[]) set schema internal;

-- Bounded: a push names at most 500 ids and 500 references per table.
create or replace function internal.sync_push_known_ids(
	event_ids uuid[],
	connection_ids uuid[],
	follow_up_ids uuid[]
)
returns table (table_name text, id uuid, mine boolean)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
	if coalesce(pg_catalog.cardinality(event_ids), 0) > 1000
		or coalesce(pg_catalog.cardinality(connection_ids), 0) > 1000
		or coalesce(pg_catalog.cardinality(follow_up_ids), 0) > 500 then
		raise exception 'sync_push_known_ids: at most 1000 ids per table'
			using errcode = 'program_limit_exceeded';
	end if;
	return query execute
		'select ''events'', t.id, t.owner_id = $4 from public.events t where t.id = any ($1)
		union all
		select ''connections'', t.id, t.owner_id = $4 from public.connections t where t.id = any ($2)
		union all
		select ''follow_ups'', t.id, t.owner_id = $4 from public.follow_ups t where t.id = any ($3)'
		using event_ids, connection_ids, follow_up_ids, auth.uid();
end;
$$;

comment on function internal.sync_push_known_ids(uuid[], uuid[], uuid[]) is
	'sync_push: the given event, connection and follow-up ids that exist, each with whether it is '
	'the caller''s (mine). Ids that do not exist are left out. At most 1000 event or connection '
	'ids and 500 follow-up ids.';

-- The caller --------------------------------------------------------------------------------------

-- SECURITY DEFINER to read auth.users, which the API roles cannot; it answers only about the
-- caller's own id.
create function internal.sync_caller()
returns uuid
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
	caller uuid := auth.uid();
begin
	if caller is null then
		raise exception 'sync needs a signed-in user' using errcode = 'insufficient_privilege';
	end if;
	-- A deleted account's JWT stays valid until it expires.
	if not exists (select from auth.users u where u.id = caller) then
		raise exception 'not_signed_in'
			using errcode = 'P0001', hint = 'This account no longer exists.';
	end if;
	return caller;
end;
$$;

comment on function internal.sync_caller() is
	'The signed-in user of a sync call: raises 42501 without one and not_signed_in (P0001) when '
	'the user no longer exists (a deleted account whose JWT has not expired).';

revoke execute on function internal.sync_caller() from public, anon;
grant execute on function internal.sync_caller() to authenticated;

-- The server's clock -------------------------------------------------------------------------------

create function internal.sync_bound(instant timestamptz)
returns timestamptz
language sql
stable
set search_path = ''
as $$
	select case when instant > pg_catalog.now() + interval '5 minutes' then pg_catalog.now() else instant end
$$;

comment on function internal.sync_bound(timestamptz) is
	'sync_push: a client''s time, or the server''s now() when it is more than 5 minutes ahead.';

revoke execute on function internal.sync_bound(timestamptz) from public, anon;
grant execute on function internal.sync_bound(timestamptz) to authenticated, service_role;

-- Rows stamped ahead of the server before the bound existed (a delete dated 9999-12-31 would
-- otherwise outlive every later edit) come back to now.
update public.profiles set updated_at = now() where updated_at > now() + interval '5 minutes';
update public.profiles set deleted_at = now() where deleted_at > now() + interval '5 minutes';
update public.events set updated_at = now() where updated_at > now() + interval '5 minutes';
update public.events set deleted_at = now() where deleted_at > now() + interval '5 minutes';
update public.connections set updated_at = now() where updated_at > now() + interval '5 minutes';
update public.connections set deleted_at = now() where deleted_at > now() + interval '5 minutes';
update public.follow_ups set updated_at = now() where updated_at > now() + interval '5 minutes';
update public.follow_ups set deleted_at = now() where deleted_at > now() + interval '5 minutes';

-- Connections: talk phrase and per-field times ------------------------------------------------------

alter table public.connections
	add column talk_phrase text
		constraint connections_talk_phrase_check check (char_length(talk_phrase) <= 200),
	add column field_updated_at jsonb not null default '{}'
		constraint connections_field_updated_at_check check (
			jsonb_typeof(field_updated_at) = 'object'
			and field_updated_at - array['note', 'talk_phrase', 'tags', 'tier'] = '{}'::jsonb
		);

comment on column public.connections.talk_phrase is
	'What they talked about, written to be shared: drafts cite it (the note stays private).';
comment on column public.connections.field_updated_at is
	'When note, talk_phrase, tags and tier were last edited ({field: ISO time}); a field missing '
	'counts as updated_at. sync_push merges those four fields by these times.';

-- A connection's field times as sent: an object whose keys are among note, talk_phrase, tags and
-- tier, each an ISO 8601 time with an offset. Each is bounded by the server's clock and by the
-- row's own updated_at (an edit of a field is an edit of the row). Not one of the sync_parse_*
-- parsers: the set-based pass calls it too, and the fast-path test tells the passes apart by
-- those calls.
create function internal.sync_field_times(value jsonb, updated timestamptz)
returns jsonb
language plpgsql
stable
set search_path = ''
as $$
declare
	times jsonb := '{}';
	field text;
	instant text;
	parsed timestamptz;
begin
	if value is null or pg_catalog.jsonb_typeof(value) = 'null' then
		return times;
	end if;
	if pg_catalog.jsonb_typeof(value) <> 'object'
		or value - array['note', 'talk_phrase', 'tags', 'tier'] <> '{}'::jsonb then
		raise exception 'invalid_row' using errcode = 'data_exception', column = 'field_updated_at';
	end if;
	for field, instant in select e.key, e.value #>> '{}' from pg_catalog.jsonb_each(value) e loop
		if instant is null or instant !~ (
			'^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):[0-5]\d'
			'(?::[0-5]\d(?:\.\d{1,9})?)?(?:Z|[+-](?:0\d|1[0-5])(?::?[0-5]\d)?)$'
		) or pg_catalog.jsonb_typeof(value -> field) <> 'string' then
			raise exception 'invalid_row' using errcode = 'data_exception', column = 'field_updated_at';
		end if;
		begin
			parsed := instant::timestamptz;
		exception
			when data_exception then
				raise exception 'invalid_row' using errcode = 'data_exception', column = 'field_updated_at';
		end;
		times := times || pg_catalog.jsonb_build_object(
			field,
			least(internal.sync_bound(parsed), updated)
		);
	end loop;
	return times;
end;
$$;

comment on function internal.sync_field_times(jsonb, timestamptz) is
	'sync_push: a connection''s field_updated_at as sent, checked (keys note, talk_phrase, tags, '
	'tier; ISO 8601 times) and normalized, each time bounded by now() + 5 minutes and by the '
	'row''s updated_at; raises invalid_row with COLUMN field_updated_at otherwise.';

revoke execute on function internal.sync_field_times(jsonb, timestamptz) from public, anon;
grant execute on function internal.sync_field_times(jsonb, timestamptz) to authenticated;

create function internal.sync_field_time(times jsonb, field text, updated timestamptz)
returns timestamptz
language sql
immutable
set search_path = ''
as $$
	select coalesce((times ->> field)::timestamptz, updated)
$$;

comment on function internal.sync_field_time(jsonb, text, timestamptz) is
	'When a connection''s field was last edited: its entry in field_updated_at, else updated_at.';

revoke execute on function internal.sync_field_time(jsonb, text, timestamptz) from public, anon;
grant execute on function internal.sync_field_time(jsonb, text, timestamptz) to authenticated;

-- Whether an incoming connection changes anything of the stored one: the row is newer, or one of
-- the four personal fields is.
create function internal.sync_connection_wins(stored public.connections, incoming public.connections)
returns boolean
language sql
stable
set search_path = ''
as $$
	select incoming.updated_at > stored.updated_at
		or exists (
			select
			from pg_catalog.unnest(array['note', 'talk_phrase', 'tags', 'tier']) f
			where internal.sync_field_time(incoming.field_updated_at, f, incoming.updated_at)
				> internal.sync_field_time(stored.field_updated_at, f, stored.updated_at)
		)
$$;

comment on function internal.sync_connection_wins(public.connections, public.connections) is
	'sync_push: whether an incoming connection is newer than the stored one as a row or in one of '
	'note, talk_phrase, tags and tier (by field_updated_at).';

revoke execute on function internal.sync_connection_wins(public.connections, public.connections)
	from public, anon;
grant execute on function internal.sync_connection_wins(public.connections, public.connections)
	to authenticated;

-- The one place the merge rule lives; both passes write what it returns.
create function internal.sync_merge_connection(stored public.connections, incoming public.connections)
returns public.connections
language plpgsql
stable
set search_path = ''
as $$
declare
	merged public.connections := stored;
	field text;
	stored_time timestamptz;
	incoming_time timestamptz;
begin
	-- Every other column: last writer wins on the row's updated_at.
	if incoming.updated_at > stored.updated_at then
		merged.card := incoming.card;
		merged.event_id := incoming.event_id;
		merged.met_at := incoming.met_at;
		merged.prompt_text := incoming.prompt_text;
		merged.last_contacted_at := incoming.last_contacted_at;
		merged.source := incoming.source;
		merged.deleted_at := incoming.deleted_at;
	end if;
	merged.field_updated_at := '{}';
	foreach field in array array['note', 'talk_phrase', 'tags', 'tier'] loop
		stored_time := internal.sync_field_time(stored.field_updated_at, field, stored.updated_at);
		incoming_time := internal.sync_field_time(incoming.field_updated_at, field, incoming.updated_at);
		if incoming_time > stored_time then
			case field
				when 'note' then merged.note := incoming.note;
				when 'talk_phrase' then merged.talk_phrase := incoming.talk_phrase;
				when 'tags' then merged.tags := incoming.tags;
				else merged.tier := incoming.tier;
			end case;
		end if;
		-- A field neither map names keeps counting as the row's updated_at, which becomes the later
		-- of the two: the same time.
		if stored.field_updated_at ? field or incoming.field_updated_at ? field then
			merged.field_updated_at := merged.field_updated_at
				|| pg_catalog.jsonb_build_object(field, greatest(stored_time, incoming_time));
		end if;
	end loop;
	merged.updated_at := greatest(stored.updated_at, incoming.updated_at);
	return merged;
end;
$$;

comment on function internal.sync_merge_connection(public.connections, public.connections) is
	'sync_push: a stored connection merged with an incoming one. note, talk_phrase, tags and tier '
	'each take the value with the later field time (field_updated_at, else updated_at); every other '
	'column follows the later updated_at; field_updated_at is the per-field maximum and updated_at '
	'the later of the two.';

revoke execute on function internal.sync_merge_connection(public.connections, public.connections)
	from public, anon;
grant execute on function internal.sync_merge_connection(public.connections, public.connections)
	to authenticated;

-- Wire rows (docs/sync.md, "Rows on the wire"): one builder per table, for pulls and for the rows
-- a push answers with.

create function internal.sync_wire_profile(p public.profiles)
returns jsonb
language sql
stable
set search_path = ''
as $$
	select pg_catalog.jsonb_build_object(
		'display_name', p.display_name,
		'card', p.card,
		'locale', p.locale,
		'time_zone', p.time_zone,
		'follow_up_delay_days', p.follow_up_delay_days,
		'follow_up_hour', p.follow_up_hour,
		'follow_up_skip_weekends', p.follow_up_skip_weekends,
		'updated_at', p.updated_at,
		'deleted_at', p.deleted_at
	)
$$;

create function internal.sync_wire_event(e public.events)
returns jsonb
language sql
stable
set search_path = ''
as $$
	select pg_catalog.jsonb_build_object(
		'id', e.id,
		'name', e.name,
		'topic', e.topic,
		'context', e.context,
		'starts_at', e.starts_at,
		'ends_at', e.ends_at,
		'venue', e.venue,
		'time_zone', e.time_zone,
		'updated_at', e.updated_at,
		'deleted_at', e.deleted_at
	)
$$;

create function internal.sync_wire_connection(c public.connections)
returns jsonb
language sql
stable
set search_path = ''
as $$
	select pg_catalog.jsonb_build_object(
		'id', c.id,
		'card', c.card,
		'event_id', c.event_id,
		'met_at', c.met_at,
		'note', c.note,
		'talk_phrase', c.talk_phrase,
		'prompt_text', c.prompt_text,
		'tags', pg_catalog.to_jsonb(c.tags),
		'tier', c.tier,
		'last_contacted_at', c.last_contacted_at,
		'source', c.source,
		'field_updated_at', c.field_updated_at,
		'updated_at', c.updated_at,
		'deleted_at', c.deleted_at
	)
$$;

create function internal.sync_wire_follow_up(f public.follow_ups)
returns jsonb
language sql
stable
set search_path = ''
as $$
	select pg_catalog.jsonb_build_object(
		'id', f.id,
		'connection_id', f.connection_id,
		'kind', f.kind,
		'cycle', f.cycle,
		'due_at', f.due_at,
		'status', f.status,
		'snoozed_until', f.snoozed_until,
		'done_at', f.done_at,
		'updated_at', f.updated_at,
		'deleted_at', f.deleted_at
	)
$$;

revoke execute on function internal.sync_wire_profile(public.profiles) from public, anon;
revoke execute on function internal.sync_wire_event(public.events) from public, anon;
revoke execute on function internal.sync_wire_connection(public.connections) from public, anon;
revoke execute on function internal.sync_wire_follow_up(public.follow_ups) from public, anon;
grant execute on function internal.sync_wire_profile(public.profiles) to authenticated;
grant execute on function internal.sync_wire_event(public.events) to authenticated;
grant execute on function internal.sync_wire_connection(public.connections) to authenticated;
grant execute on function internal.sync_wire_follow_up(public.follow_ups) to authenticated;

-- The caller's row a change is about, as the server holds it now. SECURITY INVOKER: RLS shows the
-- caller's rows only. Follow-ups are upserted by (connection_id, kind, cycle), so the row may have
-- an id of its own.
create function internal.sync_server_row(target text, change jsonb)
returns jsonb
language sql
stable
set search_path = ''
as $$
	select case target
		when 'profiles' then (
			select internal.sync_wire_profile(p) from public.profiles p where p.owner_id = auth.uid()
		)
		when 'events' then (
			select internal.sync_wire_event(e) from public.events e
			where e.id = (change -> 'row' ->> 'id')::uuid
		)
		when 'connections' then (
			select internal.sync_wire_connection(c) from public.connections c
			where c.id = (change -> 'row' ->> 'id')::uuid
		)
		when 'follow_ups' then
			case when change ->> 'op' = 'upsert' then (
				select internal.sync_wire_follow_up(f) from public.follow_ups f
				where f.connection_id = (change -> 'row' ->> 'connection_id')::uuid
					and f.kind = change -> 'row' ->> 'kind'
					and f.cycle = (change -> 'row' ->> 'cycle')::integer
			) else (
				select internal.sync_wire_follow_up(f) from public.follow_ups f
				where f.id = (change -> 'row' ->> 'id')::uuid
			) end
	end
$$;

comment on function internal.sync_server_row(text, jsonb) is
	'sync_push: the caller''s row a change is about (follow-up upserts by connection, kind and '
	'cycle), as a wire row, or null.';

revoke execute on function internal.sync_server_row(text, jsonb) from public, anon;
grant execute on function internal.sync_server_row(text, jsonb) to authenticated;

-- Push: the set-based pass ------------------------------------------------------------------------

-- SECURITY INVOKER, as every part of sync_push: the tables' RLS policies do the owner check in
-- every statement, and owner_id is never written (its default, auth.uid(), fills it on insert).
--
-- Answers and writes exactly what the change by change pass (internal.sync_push_each) would, or
-- gives up (returns null, having written nothing) and leaves the batch to it. Before writing
-- anything it makes sure the batch holds only events, connections and follow-ups, and that:
-- - every change is well-formed and every field passes the parsers' rules (the parsers name the
--   failing column, which only the other pass reports);
-- - no id comes twice per table, no follow-up key (connection_id, kind, cycle) twice, and
--   follow-ups are not both upserted and deleted (a delete by id may hit the row a key merges
--   into): so no change sees another's write, but for references;
-- - no reference points at a row changed later in the batch (the other pass would defer it, not
--   having written it yet), so writing events, then connections, then follow-ups shows each change
--   the rows the other pass would have shown it;
-- - no id is another user's, and every reference is to a row the caller has or the batch upserts.
-- What it runs into while writing (a check or not-null constraint, a day the month does not have,
-- the account's quota) raises: the function's subtransaction undoes every write and it gives up.
-- Otherwise each change is applied when its statement wrote the row and stale when the caller's
-- row was at least as new; a delete of a row the caller never had is applied. Each result says
-- whether the server holds something else than was sent (`changed`, for sync_push's answer).
--
-- Within the transaction the pass stamps events, then connections, then follow-ups, where the
-- other pass stamps in batch order; a pull gets the same rows either way.
create function internal.sync_push_set(changes jsonb)
returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
declare
	well_formed boolean;
	uuids text;
	uuid_count integer;
	instants text;
	instant_count integer;
	integers text;
	integer_count integer;
	independent boolean;
	event_ids uuid[];
	connection_ids uuid[];
	follow_up_ids uuid[];
	event_refs uuid[];
	connection_refs uuid[];
	event_upserts uuid[];
	connection_upserts uuid[];
	known_events uuid[];
	known_connections uuid[];
	known_follow_ups uuid[];
	event_changes integer;
	connection_changes integer;
	follow_up_upserts integer;
	follow_up_deletes integer;
	pass_results jsonb;
begin
	-- The shape of every change and the JSON type of every field, and its uuids, instants and
	-- integers as comma-separated text, to match each list with one regular expression below (a
	-- match per value costs ten times as much, for every change pushed). A uuid or instant read
	-- with ->> needs no JSON type check: no number, boolean, object or array reads as one.
	-- Integers are read as JSON text, so "5" does not pass.
	select
		pg_catalog.bool_and((
			pg_catalog.jsonb_typeof(c.value -> 'table') = 'string'
			and pg_catalog.jsonb_typeof(c.value -> 'op') = 'string'
			and pg_catalog.jsonb_typeof(x.r) = 'object'
			and x.r ->> 'id' is not null
			and x.r ->> 'updated_at' is not null
			and case
				when x.op = 'delete' then x.target in ('events', 'connections', 'follow_ups')
				when x.op <> 'upsert' then false
				when x.target = 'events' then
					x.r ->> 'starts_at' is not null
					and x.r ->> 'ends_at' is not null
					and coalesce(pg_catalog.jsonb_typeof(x.r -> 'name') in ('string', 'null'), true)
					and coalesce(pg_catalog.jsonb_typeof(x.r -> 'topic') in ('string', 'null'), true)
					and coalesce(pg_catalog.jsonb_typeof(x.r -> 'context') in ('string', 'null'), true)
					and coalesce(pg_catalog.jsonb_typeof(x.r -> 'venue') in ('string', 'null'), true)
					and coalesce(pg_catalog.jsonb_typeof(x.r -> 'time_zone') in ('string', 'null'), true)
				when x.target = 'connections' then
					x.r ->> 'met_at' is not null
					and coalesce(pg_catalog.jsonb_typeof(x.r -> 'card') in ('object', 'null'), true)
					and coalesce(pg_catalog.jsonb_typeof(x.r -> 'note') in ('string', 'null'), true)
					and coalesce(pg_catalog.jsonb_typeof(x.r -> 'talk_phrase') in ('string', 'null'), true)
					and coalesce(pg_catalog.jsonb_typeof(x.r -> 'field_updated_at') in ('object', 'null'), true)
					and coalesce(pg_catalog.jsonb_typeof(x.r -> 'prompt_text') in ('string', 'null'), true)
					and coalesce(pg_catalog.jsonb_typeof(x.r -> 'tier') in ('string', 'null'), true)
					and coalesce(pg_catalog.jsonb_typeof(x.r -> 'source') in ('string', 'null'), true)
					and case coalesce(pg_catalog.jsonb_typeof(x.r -> 'tags'), 'null')
						when 'null' then true
						when 'array' then not pg_catalog.jsonb_path_exists(
							x.r -> 'tags',
							'$[*] ? (@.type() != "string" || @ like_regex "^.{51}" flag "s")'
						)
						else false
					end
				when x.target = 'follow_ups' then
					x.r ->> 'connection_id' is not null
					and x.r ->> 'due_at' is not null
					and coalesce(pg_catalog.jsonb_typeof(x.r -> 'kind') in ('string', 'null'), true)
					and coalesce(pg_catalog.jsonb_typeof(x.r -> 'status') in ('string', 'null'), true)
				else false
			end
		) is true),
		pg_catalog.string_agg(nullif(pg_catalog.array_to_string(v.uuids, ','), ''), ','),
		pg_catalog.sum(pg_catalog.num_nonnulls(variadic v.uuids)),
		pg_catalog.string_agg(nullif(pg_catalog.array_to_string(v.instants, ','), ''), ','),
		pg_catalog.sum(pg_catalog.num_nonnulls(variadic v.instants)),
		pg_catalog.string_agg(v.integer_, ','),
		pg_catalog.count(v.integer_),
		pg_catalog.count(*) filter (where x.target = 'events'),
		pg_catalog.count(*) filter (where x.target = 'connections'),
		pg_catalog.count(*) filter (where x.target = 'follow_ups' and x.op = 'upsert'),
		pg_catalog.count(*) filter (where x.target = 'follow_ups' and x.op = 'delete')
	into well_formed, uuids, uuid_count, instants, instant_count, integers, integer_count,
		event_changes, connection_changes, follow_up_upserts, follow_up_deletes
	from pg_catalog.jsonb_array_elements(changes) c
	cross join lateral (
		select c.value ->> 'table' as target, c.value ->> 'op' as op, c.value -> 'row' as r
	) x
	cross join lateral (
		select
			case
				when x.op = 'upsert' and x.target = 'connections' then
					array[x.r ->> 'id', x.r ->> 'event_id']
				when x.op = 'upsert' and x.target = 'follow_ups' then
					array[x.r ->> 'id', x.r ->> 'connection_id']
				else array[x.r ->> 'id']
			end as uuids,
			case
				when x.op = 'upsert' and x.target = 'events' then array[
					x.r ->> 'starts_at', x.r ->> 'ends_at', x.r ->> 'updated_at', x.r ->> 'deleted_at'
				]
				when x.op = 'upsert' and x.target = 'connections' then array[
					x.r ->> 'met_at', x.r ->> 'last_contacted_at', x.r ->> 'updated_at',
					x.r ->> 'deleted_at'
				]
				when x.op = 'upsert' and x.target = 'follow_ups' then array[
					x.r ->> 'due_at', x.r ->> 'snoozed_until', x.r ->> 'done_at', x.r ->> 'updated_at',
					x.r ->> 'deleted_at'
				]
				else array[x.r ->> 'updated_at']
			end as instants,
			case when x.op = 'upsert' and x.target = 'follow_ups'
				then nullif((x.r -> 'cycle')::text, 'null') end as integer_
	) v;

	-- Each list must be values of the parsers' patterns (sync_parse_uuid, sync_parse_instant,
	-- sync_parse_integer) separated by commas, and hold exactly as many commas as it joined
	-- values: a value holding a comma would read as two. A day the month does not have passes
	-- here and fails the cast when the rows are read, which ends the pass too.
	if well_formed
		and (follow_up_upserts = 0 or follow_up_deletes = 0)
		and uuids
			~ '^(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?:,|$))+$'
		and pg_catalog.length(uuids) - pg_catalog.length(pg_catalog.replace(uuids, ',', ''))
			= uuid_count - 1
		and instants ~ (
			'^(?:\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):[0-5]\d'
			'(?::[0-5]\d(?:\.\d{1,9})?)?(?:Z|[+-](?:0\d|1[0-5])(?::?[0-5]\d)?)(?:,|$))+$'
		)
		and pg_catalog.length(instants) - pg_catalog.length(pg_catalog.replace(instants, ',', ''))
			= instant_count - 1
		and (
			integer_count = 0
			or integers ~ '^(?:-?\d{1,9}(?:,|$))+$'
			and pg_catalog.length(integers) - pg_catalog.length(pg_catalog.replace(integers, ',', ''))
				= integer_count - 1
		)
	then
		with batch as (
			select
				c.ordinality as position,
				c.value ->> 'table' as target,
				c.value ->> 'op' as op,
				(c.value -> 'row' ->> 'id')::uuid as id,
				case when c.value ->> 'op' = 'upsert' then
					case c.value ->> 'table'
						when 'connections' then (c.value -> 'row' ->> 'event_id')::uuid
						when 'follow_ups' then (c.value -> 'row' ->> 'connection_id')::uuid
					end
				end as ref_id,
				case when c.value ->> 'table' = 'follow_ups' and c.value ->> 'op' = 'upsert'
					then (c.value -> 'row' ->> 'kind', c.value -> 'row' -> 'cycle')::text
				end as kind_and_cycle
			from pg_catalog.jsonb_array_elements(changes) with ordinality c
		)
		select
			-- One change per row: no change sees another's write.
			pg_catalog.count(distinct (b.target, b.id)) = pg_catalog.count(*)
			and pg_catalog.count(distinct (b.ref_id, b.kind_and_cycle))
				filter (where b.kind_and_cycle is not null)
				= pg_catalog.count(*) filter (where b.kind_and_cycle is not null)
			-- No reference to a row changed later in the batch.
			and not exists (
				select
				from batch f
				join batch b
					on b.target = case f.target when 'connections' then 'events' else 'connections' end
					and b.id = f.ref_id
					and b.position > f.position
			),
			pg_catalog.array_agg(b.id) filter (where b.target = 'events'),
			pg_catalog.array_agg(b.id) filter (where b.target = 'connections'),
			pg_catalog.array_agg(b.id) filter (where b.target = 'follow_ups'),
			pg_catalog.array_agg(b.ref_id) filter (where b.target = 'connections' and b.ref_id is not null),
			pg_catalog.array_agg(b.ref_id) filter (where b.target = 'follow_ups' and b.ref_id is not null),
			pg_catalog.array_agg(b.id) filter (where b.target = 'events' and b.op = 'upsert'),
			pg_catalog.array_agg(b.id) filter (where b.target = 'connections' and b.op = 'upsert')
		into independent, event_ids, connection_ids, follow_up_ids, event_refs, connection_refs,
			event_upserts, connection_upserts
		from batch b;
	end if;

	if independent then
		select
			coalesce(pg_catalog.bool_and(k.mine), true),
			coalesce(pg_catalog.array_agg(k.id) filter (where k.table_name = 'events'), '{}'),
			coalesce(pg_catalog.array_agg(k.id) filter (where k.table_name = 'connections'), '{}'),
			coalesce(pg_catalog.array_agg(k.id) filter (where k.table_name = 'follow_ups'), '{}')
		into independent, known_events, known_connections, known_follow_ups
		from internal.sync_push_known_ids(
			pg_catalog.array_cat(event_ids, event_refs),
			pg_catalog.array_cat(connection_ids, connection_refs),
			follow_up_ids
		) k;
		-- Every reference is to a row the caller has, or one an earlier change upserts (a missing
		-- or someone else's row is the loop's deferred).
		independent := independent
			and not exists (
				select from pg_catalog.unnest(event_refs) ref
				where not ref = any (known_events || coalesce(event_upserts, '{}'))
			)
			and not exists (
				select from pg_catalog.unnest(connection_refs) ref
				where not ref = any (known_connections || coalesce(connection_upserts, '{}'))
			);
	end if;

	if independent then
		pass_results := '[]';

		-- Each statement reads every change of its table and op through jsonb_to_record, which
		-- casts every field: a day that does not exist raises there. Rows are matched with
		-- = any over arrays, never joined: the planner cannot know how many changes there are.
		if event_changes > 0 then
			with batch as (
				select
					c.ordinality - 1 as change_index,
					c.value -> 'row' ->> 'id' as id_text,
					x.id, x.name, x.topic, x.context, x.starts_at, x.ends_at, x.venue, x.time_zone,
					internal.sync_bound(x.updated_at) as updated_at,
					internal.sync_bound(x.deleted_at) as deleted_at,
					x.updated_at > internal.sync_bound(x.updated_at)
						or x.deleted_at > internal.sync_bound(x.deleted_at) as clamped
				from pg_catalog.jsonb_array_elements(changes) with ordinality c
				cross join lateral pg_catalog.jsonb_to_record(c.value -> 'row') as x (
					id uuid, name text, topic text, context text, starts_at timestamptz,
					ends_at timestamptz, venue text, time_zone text, updated_at timestamptz,
					deleted_at timestamptz
				)
				where c.value ->> 'table' = 'events' and c.value ->> 'op' = 'upsert'
			),
			written as (
				insert into public.events as t (
					id, name, topic, context, starts_at, ends_at, venue, time_zone, updated_at, deleted_at
				)
				select
					b.id, b.name, b.topic, b.context, b.starts_at, b.ends_at, b.venue, b.time_zone,
					b.updated_at, b.deleted_at
				from batch b
				order by b.change_index
				on conflict (id) do update set
					name = excluded.name,
					topic = excluded.topic,
					context = excluded.context,
					starts_at = excluded.starts_at,
					ends_at = excluded.ends_at,
					venue = excluded.venue,
					time_zone = excluded.time_zone,
					updated_at = excluded.updated_at,
					deleted_at = excluded.deleted_at
				where t.updated_at < excluded.updated_at
				returning t.id
			),
			written_ids as materialized (
				select coalesce(pg_catalog.array_agg(w.id), '{}') as ids from written w
			)
			-- Not written: the caller's row was at least as new (no id here is anyone else's).
			select pass_results || coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
				'index', b.change_index,
				'table', 'events',
				'id', b.id_text,
				'status', case when b.id = any (w.ids) then 'applied' else 'stale' end,
				'changed', b.clamped
			)), '[]')
			into pass_results
			from batch b, written_ids w;

			with batch as (
				select
					c.ordinality - 1 as change_index,
					c.value -> 'row' ->> 'id' as id_text,
					x.id,
					internal.sync_bound(x.updated_at) as updated_at,
					x.updated_at > internal.sync_bound(x.updated_at) as clamped
				from pg_catalog.jsonb_array_elements(changes) with ordinality c
				cross join lateral pg_catalog.jsonb_to_record(c.value -> 'row')
					as x (id uuid, updated_at timestamptz)
				where c.value ->> 'table' = 'events' and c.value ->> 'op' = 'delete'
			),
			written as (
				update public.events t set deleted_at = b.updated_at, updated_at = b.updated_at
				from batch b
				where t.id = any (array(select d.id from batch d))
					and t.id = b.id
					and t.updated_at < b.updated_at
				returning t.id
			),
			written_ids as materialized (
				select coalesce(pg_catalog.array_agg(w.id), '{}') as ids from written w
			)
			-- A row the caller never had stores nothing and is applied.
			select pass_results || coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
				'index', b.change_index,
				'table', 'events',
				'id', b.id_text,
				'status', case
					when b.id = any (known_events) and not b.id = any (w.ids) then 'stale'
					else 'applied'
				end,
				'changed', b.clamped and b.id = any (w.ids)
			)), '[]')
			into pass_results
			from batch b, written_ids w;
		end if;

		if connection_changes > 0 then
			-- The statement trigger schedules the post-event follow-ups of the new connections. An
			-- existing connection is merged field by field (internal.sync_merge_connection).
			with batch as (
				select
					c.ordinality - 1 as change_index,
					c.value -> 'row' ->> 'id' as id_text,
					x.id, x.card, x.event_id, x.met_at, x.note, x.talk_phrase, x.prompt_text, x.tags,
					x.tier, x.last_contacted_at, x.source,
					case when c.value -> 'row' -> 'field_updated_at' is null
						or c.value -> 'row' -> 'field_updated_at' = '{}'::jsonb
						or c.value -> 'row' -> 'field_updated_at' = 'null'::jsonb
					then '{}'::jsonb
					else internal.sync_field_times(
						c.value -> 'row' -> 'field_updated_at',
						internal.sync_bound(x.updated_at)
					) end as field_updated_at,
					internal.sync_bound(x.updated_at) as updated_at,
					internal.sync_bound(x.deleted_at) as deleted_at,
					x.updated_at > internal.sync_bound(x.updated_at)
						or x.deleted_at > internal.sync_bound(x.deleted_at) as clamped
				from pg_catalog.jsonb_array_elements(changes) with ordinality c
				cross join lateral pg_catalog.jsonb_to_record(c.value -> 'row') as x (
					id uuid, card jsonb, event_id uuid, met_at timestamptz, note text, talk_phrase text,
					prompt_text text, tags text[], tier text, last_contacted_at timestamptz, source text,
					updated_at timestamptz, deleted_at timestamptz
				)
				where c.value ->> 'table' = 'connections' and c.value ->> 'op' = 'upsert'
			),
			written as (
				insert into public.connections as t (
					id, card, event_id, met_at, note, talk_phrase, prompt_text, tags, tier,
					last_contacted_at, source, field_updated_at, updated_at, deleted_at
				)
				select
					b.id, b.card, b.event_id, b.met_at, b.note, b.talk_phrase, b.prompt_text, b.tags,
					b.tier, b.last_contacted_at, b.source, b.field_updated_at, b.updated_at, b.deleted_at
				from batch b
				order by b.change_index
				on conflict (id) do update set (
					card, event_id, met_at, note, talk_phrase, prompt_text, tags, tier, last_contacted_at,
					source, field_updated_at, updated_at, deleted_at
				) = (
					select
						m.card, m.event_id, m.met_at, m.note, m.talk_phrase, m.prompt_text, m.tags, m.tier,
						m.last_contacted_at, m.source, m.field_updated_at, m.updated_at, m.deleted_at
					from internal.sync_merge_connection(t, excluded) m
				)
				where internal.sync_connection_wins(t, excluded)
				returning t.id, t.note, t.talk_phrase, t.tags, t.tier, t.field_updated_at, t.updated_at,
					t.deleted_at
			),
			written_rows as materialized (
				select coalesce(pg_catalog.array_agg(w.id), '{}') as ids from written w
			)
			-- Applied, with the row to return when the server holds something else than was sent:
			-- a clamped time or a field another device edited later.
			select pass_results || coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
				'index', b.change_index,
				'table', 'connections',
				'id', b.id_text,
				'status', case when b.id = any (r.ids) then 'applied' else 'stale' end,
				'changed', b.clamped or exists (
					select
					from written w
					where w.id = b.id
						and (w.note, w.talk_phrase, w.tags, w.tier, w.field_updated_at, w.updated_at, w.deleted_at)
							is distinct from
							(b.note, b.talk_phrase, b.tags, b.tier, b.field_updated_at, b.updated_at, b.deleted_at)
				)
			)), '[]')
			into pass_results
			from batch b, written_rows r;

			with batch as (
				select
					c.ordinality - 1 as change_index,
					c.value -> 'row' ->> 'id' as id_text,
					x.id,
					internal.sync_bound(x.updated_at) as updated_at,
					x.updated_at > internal.sync_bound(x.updated_at) as clamped
				from pg_catalog.jsonb_array_elements(changes) with ordinality c
				cross join lateral pg_catalog.jsonb_to_record(c.value -> 'row')
					as x (id uuid, updated_at timestamptz)
				where c.value ->> 'table' = 'connections' and c.value ->> 'op' = 'delete'
			),
			written as (
				update public.connections t set deleted_at = b.updated_at, updated_at = b.updated_at
				from batch b
				where t.id = any (array(select d.id from batch d))
					and t.id = b.id
					and t.updated_at < b.updated_at
				returning t.id
			),
			written_ids as materialized (
				select coalesce(pg_catalog.array_agg(w.id), '{}') as ids from written w
			)
			select pass_results || coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
				'index', b.change_index,
				'table', 'connections',
				'id', b.id_text,
				'status', case
					when b.id = any (known_connections) and not b.id = any (w.ids) then 'stale'
					else 'applied'
				end,
				'changed', b.clamped and b.id = any (w.ids)
			)), '[]')
			into pass_results
			from batch b, written_ids w;
		end if;

		if follow_up_upserts > 0 then
			-- Merged on (connection_id, kind, cycle), usually into the row the connection's trigger
			-- made: the server row keeps its id. The key as text, to match with = any (kind is
			-- one word once the insert has taken it).
			with batch as (
				select
					c.ordinality - 1 as change_index,
					c.value -> 'row' ->> 'id' as id_text,
					x.id, x.connection_id, x.kind, x.cycle, x.due_at, x.status, x.snoozed_until, x.done_at,
					internal.sync_bound(x.updated_at) as updated_at,
					internal.sync_bound(x.deleted_at) as deleted_at,
					x.updated_at > internal.sync_bound(x.updated_at)
						or x.deleted_at > internal.sync_bound(x.deleted_at) as clamped,
					x.connection_id::text || ' ' || x.kind || ' ' || x.cycle as merge_key
				from pg_catalog.jsonb_array_elements(changes) with ordinality c
				cross join lateral pg_catalog.jsonb_to_record(c.value -> 'row') as x (
					id uuid, connection_id uuid, kind text, cycle integer, due_at timestamptz,
					status text, snoozed_until timestamptz, done_at timestamptz,
					updated_at timestamptz, deleted_at timestamptz
				)
				where c.value ->> 'table' = 'follow_ups'
			),
			written as (
				insert into public.follow_ups as t (
					id, connection_id, kind, cycle, due_at, status, snoozed_until, done_at, updated_at,
					deleted_at
				)
				select
					b.id, b.connection_id, b.kind, b.cycle, b.due_at, b.status, b.snoozed_until,
					b.done_at, b.updated_at, b.deleted_at
				from batch b
				order by b.change_index
				on conflict (connection_id, kind, cycle) do update set
					due_at = excluded.due_at,
					status = excluded.status,
					snoozed_until = excluded.snoozed_until,
					done_at = excluded.done_at,
					updated_at = excluded.updated_at,
					deleted_at = excluded.deleted_at
				where t.updated_at < excluded.updated_at
				returning t.connection_id::text || ' ' || t.kind || ' ' || t.cycle as merge_key, t.id
			),
			written_keys as materialized (
				select
					coalesce(pg_catalog.array_agg(w.merge_key), '{}') as keys,
					coalesce(pg_catalog.array_agg(w.id), '{}') as ids
				from written w
			)
			-- Applied into a row with another id (the trigger's): the device learns the server's.
			select pass_results || pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
				'index', b.change_index,
				'table', 'follow_ups',
				'id', b.id_text,
				'status', case when b.merge_key = any (w.keys) then 'applied' else 'stale' end,
				'changed', b.merge_key = any (w.keys) and (b.clamped or not b.id = any (w.ids))
			))
			into pass_results
			from batch b, written_keys w;
		end if;

		if follow_up_deletes > 0 then
			with batch as (
				select
					c.ordinality - 1 as change_index,
					c.value -> 'row' ->> 'id' as id_text,
					x.id,
					internal.sync_bound(x.updated_at) as updated_at,
					x.updated_at > internal.sync_bound(x.updated_at) as clamped
				from pg_catalog.jsonb_array_elements(changes) with ordinality c
				cross join lateral pg_catalog.jsonb_to_record(c.value -> 'row')
					as x (id uuid, updated_at timestamptz)
				where c.value ->> 'table' = 'follow_ups'
			),
			written as (
				update public.follow_ups t set deleted_at = b.updated_at, updated_at = b.updated_at
				from batch b
				where t.id = any (array(select d.id from batch d))
					and t.id = b.id
					and t.updated_at < b.updated_at
				returning t.id
			),
			written_ids as materialized (
				select coalesce(pg_catalog.array_agg(w.id), '{}') as ids from written w
			)
			select pass_results || pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
				'index', b.change_index,
				'table', 'follow_ups',
				'id', b.id_text,
				'status', case
					when b.id = any (known_follow_ups) and not b.id = any (w.ids) then 'stale'
					else 'applied'
				end,
				'changed', b.clamped and b.id = any (w.ids)
			))
			into pass_results
			from batch b, written_ids w;
		end if;

		return (
			select pg_catalog.jsonb_agg(result order by (result ->> 'index')::integer)
			from pg_catalog.jsonb_array_elements(pass_results) result
		);
	end if;
	return null;
exception
	-- A change the other pass would reject, or one another transaction made its business after the
	-- checks (an id it took, a row it removed): that pass sorts it out change by change.
	when data_exception or integrity_constraint_violation or insufficient_privilege
		or cardinality_violation or program_limit_exceeded then
		return null;
end;
$$;

comment on function internal.sync_push_set(jsonb) is
	'sync_push''s set-based pass: applies a batch of events, connections and follow-ups that cannot '
	'fail and does not depend on its own order in a few statements and returns its results '
	'[{index, table, id, status, changed}], or writes nothing and returns null.';

revoke execute on function internal.sync_push_set(jsonb) from public, anon;
grant execute on function internal.sync_push_set(jsonb) to authenticated;

-- Push: change by change --------------------------------------------------------------------------

-- Applies each change in its own subtransaction, in order: a change that fails leaves nothing
-- behind and the batch goes on.
create function internal.sync_push_each(changes jsonb)
returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
declare
	caller uuid := auth.uid();
	change jsonb;
	change_index integer;
	target text;
	op text;
	r jsonb;
	row_id uuid;
	ref_id uuid;
	updated timestamptz;
	deleted timestamptz;
	applied boolean;
	changed boolean;
	written_id uuid;
	incoming public.connections;
	stored public.connections;
	status text;
	code text;
	message text;
	failed_column text;
	failed_constraint text;
	failed_table text;
	results jsonb[] := '{}';
begin
	for change, change_index in
		select e.value, e.ordinality - 1 from pg_catalog.jsonb_array_elements(changes) with ordinality e
	loop
		target := case when pg_catalog.jsonb_typeof(change -> 'table') = 'string'
			then change ->> 'table' end;
		op := case when pg_catalog.jsonb_typeof(change -> 'op') = 'string' then change ->> 'op' end;
		r := change -> 'row';
		status := 'applied';
		changed := false;
		written_id := null;
		code := null;
		message := null;
		applied := null;

		if target is null or target not in ('profiles', 'events', 'connections', 'follow_ups') then
			status := 'rejected';
			code := 'unknown_table';
		elsif op is null or op not in ('upsert', 'delete') then
			status := 'rejected';
			code := 'invalid_op';
		elsif pg_catalog.jsonb_typeof(r) is distinct from 'object' then
			status := 'rejected';
			code := 'invalid_row';
			message := 'row';
		else
			-- Its own subtransaction: a change that fails leaves nothing behind and the batch goes on.
			begin
				row_id := case when target <> 'profiles'
					then internal.sync_parse_uuid(r -> 'id', 'id', true) end;
				-- The server's clock bounds the client's (internal.sync_bound).
				updated := internal.sync_parse_instant(r -> 'updated_at', 'updated_at', true);
				changed := updated > internal.sync_bound(updated);
				updated := internal.sync_bound(updated);
				if op = 'upsert' then
					deleted := internal.sync_parse_instant(r -> 'deleted_at', 'deleted_at', false);
					changed := changed or coalesce(deleted > internal.sync_bound(deleted), false);
					deleted := internal.sync_bound(deleted);
				end if;

				if op = 'delete' then
					-- A tombstone: the row stays, so other devices learn of the delete. updated_at moves
					-- with it, so an older edit arriving later cannot bring the row back.
					case target
						when 'profiles' then
							update public.profiles set deleted_at = updated, updated_at = updated
								where owner_id = caller and updated_at < updated
								returning true into applied;
							if applied is null then
								perform from public.profiles where owner_id = caller;
							end if;
						when 'events' then
							update public.events set deleted_at = updated, updated_at = updated
								where id = row_id and updated_at < updated
								returning true into applied;
							if applied is null then
								perform from public.events where id = row_id;
							end if;
						when 'connections' then
							update public.connections set deleted_at = updated, updated_at = updated
								where id = row_id and updated_at < updated
								returning true into applied;
							if applied is null then
								perform from public.connections where id = row_id;
							end if;
						when 'follow_ups' then
							update public.follow_ups set deleted_at = updated, updated_at = updated
								where id = row_id and updated_at < updated
								returning true into applied;
							if applied is null then
								perform from public.follow_ups where id = row_id;
							end if;
					end case;
					-- RLS hides other people's rows, so "not found" means this user never had it: nothing
					-- to store, and nothing to say about whose it might be.
					if applied is null and found then
						status := 'stale';
					end if;

				elsif target = 'profiles' then
					insert into public.profiles as t (
						display_name, card, locale, time_zone, follow_up_delay_days, follow_up_hour,
						follow_up_skip_weekends, updated_at, deleted_at
					) values (
						internal.sync_parse_text(r -> 'display_name', 'display_name'),
						internal.sync_parse_object(r -> 'card', 'card'),
						internal.sync_parse_text(r -> 'locale', 'locale'),
						internal.sync_parse_text(r -> 'time_zone', 'time_zone'),
						internal.sync_parse_integer(r -> 'follow_up_delay_days', 'follow_up_delay_days'),
						internal.sync_parse_integer(r -> 'follow_up_hour', 'follow_up_hour'),
						internal.sync_parse_boolean(r -> 'follow_up_skip_weekends', 'follow_up_skip_weekends'),
						updated,
						deleted
					)
					on conflict (owner_id) do update set
						display_name = excluded.display_name,
						card = excluded.card,
						locale = excluded.locale,
						time_zone = excluded.time_zone,
						follow_up_delay_days = excluded.follow_up_delay_days,
						follow_up_hour = excluded.follow_up_hour,
						follow_up_skip_weekends = excluded.follow_up_skip_weekends,
						updated_at = excluded.updated_at,
						deleted_at = excluded.deleted_at
					where t.updated_at < excluded.updated_at
					returning true into applied;
					if applied is null then
						status := 'stale';
					end if;

				elsif target = 'events' then
					-- Someone else's row under this id fails the UPDATE policy (insufficient_privilege,
					-- below) or, when the WHERE already skips it, is simply not visible.
					insert into public.events as t (
						id, name, topic, context, starts_at, ends_at, venue, time_zone, updated_at, deleted_at
					) values (
						row_id,
						internal.sync_parse_text(r -> 'name', 'name'),
						internal.sync_parse_text(r -> 'topic', 'topic'),
						internal.sync_parse_text(r -> 'context', 'context'),
						internal.sync_parse_instant(r -> 'starts_at', 'starts_at', true),
						internal.sync_parse_instant(r -> 'ends_at', 'ends_at', true),
						internal.sync_parse_text(r -> 'venue', 'venue'),
						internal.sync_parse_text(r -> 'time_zone', 'time_zone'),
						updated,
						deleted
					)
					on conflict (id) do update set
						name = excluded.name,
						topic = excluded.topic,
						context = excluded.context,
						starts_at = excluded.starts_at,
						ends_at = excluded.ends_at,
						venue = excluded.venue,
						time_zone = excluded.time_zone,
						updated_at = excluded.updated_at,
						deleted_at = excluded.deleted_at
					where t.updated_at < excluded.updated_at
					returning true into applied;
					if applied is null then
						perform from public.events where id = row_id;
						if found then
							status := 'stale';
						else
							status := 'rejected';
							code := 'owned_elsewhere';
						end if;
					end if;

				elsif target = 'connections' then
					-- An event_id this user does not have fails the (event_id, owner_id) foreign key:
					-- deferred, below. The insert trigger schedules the post-event follow-up; an existing
					-- connection is merged field by field (internal.sync_merge_connection).
					incoming := null;
					incoming.id := row_id;
					incoming.card := internal.sync_parse_object(r -> 'card', 'card');
					incoming.event_id := internal.sync_parse_uuid(r -> 'event_id', 'event_id', false);
					incoming.met_at := internal.sync_parse_instant(r -> 'met_at', 'met_at', true);
					incoming.note := internal.sync_parse_text(r -> 'note', 'note');
					incoming.talk_phrase := internal.sync_parse_text(r -> 'talk_phrase', 'talk_phrase');
					incoming.prompt_text := internal.sync_parse_text(r -> 'prompt_text', 'prompt_text');
					incoming.tags := internal.sync_parse_tags(r -> 'tags', 'tags');
					incoming.tier := internal.sync_parse_text(r -> 'tier', 'tier');
					incoming.last_contacted_at :=
						internal.sync_parse_instant(r -> 'last_contacted_at', 'last_contacted_at', false);
					incoming.source := internal.sync_parse_text(r -> 'source', 'source');
					incoming.field_updated_at := internal.sync_field_times(r -> 'field_updated_at', updated);
					incoming.updated_at := updated;
					incoming.deleted_at := deleted;
					insert into public.connections as t (
						id, card, event_id, met_at, note, talk_phrase, prompt_text, tags, tier,
						last_contacted_at, source, field_updated_at, updated_at, deleted_at
					) values (
						incoming.id, incoming.card, incoming.event_id, incoming.met_at, incoming.note,
						incoming.talk_phrase, incoming.prompt_text, incoming.tags, incoming.tier,
						incoming.last_contacted_at, incoming.source, incoming.field_updated_at,
						incoming.updated_at, incoming.deleted_at
					)
					on conflict (id) do update set (
						card, event_id, met_at, note, talk_phrase, prompt_text, tags, tier, last_contacted_at,
						source, field_updated_at, updated_at, deleted_at
					) = (
						select
							m.card, m.event_id, m.met_at, m.note, m.talk_phrase, m.prompt_text, m.tags, m.tier,
							m.last_contacted_at, m.source, m.field_updated_at, m.updated_at, m.deleted_at
						from internal.sync_merge_connection(t, excluded) m
					)
					where internal.sync_connection_wins(t, excluded)
					returning t.* into stored;
					if stored.id is null then
						perform from public.connections where id = row_id;
						if found then
							status := 'stale';
						else
							status := 'rejected';
							code := 'owned_elsewhere';
						end if;
					else
						changed := changed or (
							stored.note, stored.talk_phrase, stored.tags, stored.tier, stored.field_updated_at,
							stored.updated_at, stored.deleted_at
						) is distinct from (
							incoming.note, incoming.talk_phrase, incoming.tags, incoming.tier,
							incoming.field_updated_at, incoming.updated_at, incoming.deleted_at
						);
					end if;

				else -- follow_ups
					-- Merged on (connection_id, kind, cycle), not on id: the connection's insert trigger
					-- has usually scheduled this very follow-up already, under an id of its own, which
					-- it keeps. The merge would never reach the pushed id, so whose it is gets checked
					-- first; and the connection must be this user's (which makes the merged row theirs),
					-- or a merge into someone else's row would read as stale.
					ref_id := internal.sync_parse_uuid(r -> 'connection_id', 'connection_id', true);
					if internal.sync_follow_up_owned_elsewhere(row_id) then
						status := 'rejected';
						code := 'owned_elsewhere';
					else
						perform from public.connections where id = ref_id;
						if not found then
							status := 'deferred';
							code := 'missing_reference';
							message := 'connection_id';
						end if;
					end if;
					if status = 'applied' then
						insert into public.follow_ups as t (
							id, connection_id, kind, cycle, due_at, status, snoozed_until, done_at, updated_at,
							deleted_at
						) values (
							row_id,
							ref_id,
							internal.sync_parse_text(r -> 'kind', 'kind'),
							internal.sync_parse_integer(r -> 'cycle', 'cycle'),
							internal.sync_parse_instant(r -> 'due_at', 'due_at', true),
							internal.sync_parse_text(r -> 'status', 'status'),
							internal.sync_parse_instant(r -> 'snoozed_until', 'snoozed_until', false),
							internal.sync_parse_instant(r -> 'done_at', 'done_at', false),
							updated,
							deleted
						)
						-- A follow-up of this user under the same id but another connection, kind or
						-- cycle fails follow_ups_pkey instead: rejected, message 'id'.
						on conflict (connection_id, kind, cycle) do update set
							due_at = excluded.due_at,
							status = excluded.status,
							snoozed_until = excluded.snoozed_until,
							done_at = excluded.done_at,
							updated_at = excluded.updated_at,
							deleted_at = excluded.deleted_at
						where t.updated_at < excluded.updated_at
						returning t.id into written_id;
						if written_id is null then
							status := 'stale';
						else
							-- Merged into a row with another id (the trigger's): the device learns it.
							changed := changed or written_id <> row_id;
						end if;
					end if;
				end if;
			exception
				when program_limit_exceeded then
					-- The account's quota (internal.sync_add_usage) names the table that is full: this
					-- change's, or follow_ups for the post-event follow-up of a new connection.
					get stacked diagnostics failed_table = table_name;
					status := 'rejected';
					code := 'quota_exceeded';
					message := coalesce(nullif(failed_table, ''), target);
				when insufficient_privilege then
					-- Only the UPDATE policy can refuse here (inserts take owner_id = auth.uid()): the id
					-- is someone else's event or connection. Nothing about it is told.
					status := 'rejected';
					code := 'owned_elsewhere';
				when data_exception or integrity_constraint_violation then
					get stacked diagnostics
						failed_column = column_name,
						failed_constraint = constraint_name,
						failed_table = table_name;
					if sqlstate = '23503' then
						-- The event or connection is not (yet) this user's: retry after the rest.
						status := 'deferred';
						code := 'missing_reference';
						message := case target when 'connections' then 'event_id' else 'connection_id' end;
					else
						status := 'rejected';
						code := 'invalid_row';
						-- A check constraint on one column names that column; a constraint over several
						-- (ends_at >= starts_at) names itself.
						message := coalesce(
							nullif(failed_column, ''),
							(
								select a.attname::text
								from pg_catalog.pg_constraint c
								join pg_catalog.pg_attribute a
									on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
								where c.conname = failed_constraint
									and c.conrelid = pg_catalog.to_regclass('public.' || pg_catalog.quote_ident(failed_table))
									and pg_catalog.cardinality(c.conkey) = 1
							),
							nullif(failed_constraint, ''),
							'row'
						);
					end if;
			end;
		end if;

		results := results || (
			pg_catalog.jsonb_build_object(
				'index', change_index,
				'table', target,
				'id', case when target <> 'profiles' and pg_catalog.jsonb_typeof(r -> 'id') = 'string'
					then r ->> 'id' end,
				'status', status,
				'changed', status = 'applied' and changed
			) || pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object('code', code, 'message', message))
		);
	end loop;

	return pg_catalog.to_jsonb(results);
end;
$$;

comment on function internal.sync_push_each(jsonb) is
	'sync_push''s change by change pass: applies each change in its own subtransaction, in order, '
	'and returns [{index, table, id, status, changed, code?, message?}].';

revoke execute on function internal.sync_push_each(jsonb) from public, anon;
grant execute on function internal.sync_push_each(jsonb) to authenticated;

-- Push: the answer ----------------------------------------------------------------------------------

-- The results in batch order, each with the server's row when the device must adopt it: always on
-- stale (the winner), and on applied when what is stored differs from what was sent.
create function internal.sync_push_answer(results jsonb, changes jsonb)
returns jsonb
language sql
stable
set search_path = ''
as $$
	select pg_catalog.jsonb_build_object('results', coalesce(pg_catalog.jsonb_agg(
		(a.result - 'changed')
			|| case when s.server_row is null then '{}' else pg_catalog.jsonb_build_object('row', s.server_row) end
		order by (a.result ->> 'index')::integer
	), '[]'))
	from pg_catalog.jsonb_array_elements(results) a (result)
	cross join lateral (
		select case when a.result ->> 'status' = 'stale' or (a.result ->> 'changed')::boolean
			then internal.sync_server_row(a.result ->> 'table', changes -> (a.result ->> 'index')::integer)
		end as server_row
	) s
$$;

comment on function internal.sync_push_answer(jsonb, jsonb) is
	'sync_push: its results in order, with `row` (the server''s row) on stale ones and on applied '
	'ones whose stored row differs from what was sent.';

revoke execute on function internal.sync_push_answer(jsonb, jsonb) from public, anon;
grant execute on function internal.sync_push_answer(jsonb, jsonb) to authenticated;

-- Push: the RPC ------------------------------------------------------------------------------------

create or replace function public.sync_push(changes jsonb)
returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
declare
	results jsonb;
begin
	perform internal.sync_caller();
	-- The body as PostgreSQL holds it (jsonb), read without walking it: a request padded with
	-- fields nobody reads is refused before anything parses them.
	if pg_catalog.pg_column_size(changes) > 2000000 then
		raise exception 'sync_batch_too_large'
			using hint = 'A batch holds at most 2,000,000 bytes; split it.';
	end if;
	if pg_catalog.jsonb_typeof(changes) is distinct from 'array'
		or pg_catalog.jsonb_array_length(changes) not between 1 and 500 then
		raise exception 'sync_batch_invalid'
			using hint = 'changes must be an array of 1 to 500 items.';
	end if;
	results := coalesce(internal.sync_push_set(changes), internal.sync_push_each(changes));
	-- A statement of its own, so the rows it reads are the ones just written.
	return internal.sync_push_answer(results, changes);
end;
$$;

comment on function public.sync_push(jsonb) is
	'Applies a batch of 1-500 changes {table, op: upsert|delete, row} from the app''s outbox for '
	'the caller, as if each ran in its own subtransaction and in order: last-writer-wins on '
	'updated_at (bounded by the server''s clock), tombstones for deletes, follow-ups merged on '
	'(connection_id, kind, cycle), connections merged per field. Returns {results: [{index, table, '
	'id, status: applied|stale|deferred|rejected, code?, message?, row?}]}. Raises not_signed_in, '
	'sync_batch_too_large or sync_batch_invalid (P0001). Contract: docs/sync.md.';

revoke execute on function public.sync_push(jsonb) from public, anon;
grant execute on function public.sync_push(jsonb) to authenticated;
