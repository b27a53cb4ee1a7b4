-- Sync: the server side of docs/sync.md. `sync_push` applies a batch of the app's outbox with
-- last-writer-wins on updated_at, and `sync_pull` hands back everything of the caller that changed
-- after a cursor, without ever skipping a row that a slow transaction commits late.
--
-- Change stamps: every insert or update of a synced row records the writing transaction's id
-- (sync_xid) and a number from one global sequence (sync_seq). A pull walks the rows in
-- (sync_xid, sync_seq) order but stops short of the oldest transaction still running
-- (pg_snapshot_xmin of the current snapshot): every row stamped below that xid is committed or
-- gone for good, and every later write gets a larger xid, so no row can appear behind a cursor
-- once the cursor has passed it. A timestamp (now() is the transaction's start, not its commit)
-- cannot promise that.

-- Change stamps ---------------------------------------------------------------------------------

create sequence public.sync_seq as bigint;

comment on sequence public.sync_seq is
	'Orders the changes made within one transaction for sync pulls (see public.stamp_sync_change).';

-- The stamp trigger runs as the writer, who needs nextval; anon writes nothing.
revoke all on sequence public.sync_seq from public, anon;
grant usage on sequence public.sync_seq to authenticated, service_role;

create function public.stamp_sync_change()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
	-- The top-level transaction's id even inside sync_push's subtransactions: that is the one
	-- whose commit makes the row visible.
	new.sync_xid := pg_catalog.pg_current_xact_id();
	new.sync_seq := pg_catalog.nextval('public.sync_seq');
	return new;
end;
$$;

comment on function public.stamp_sync_change() is
	'Trigger: stamps every inserted or updated synced row with its transaction id and a sequence '
	'number, overriding whatever the writer sent, so public.sync_pull can page in commit-safe order.';

-- Only ever called by triggers, which do not check EXECUTE.
revoke execute on function public.stamp_sync_change() from public, anon, authenticated;

-- The volatile defaults stamp the rows that already exist (each its own sequence number) while
-- the columns are added; from then on the trigger stamps every write, so the defaults go.
alter table public.profiles
	add column sync_xid xid8 not null default pg_catalog.pg_current_xact_id(),
	add column sync_seq bigint not null default pg_catalog.nextval('public.sync_seq');
alter table public.events
	add column sync_xid xid8 not null default pg_catalog.pg_current_xact_id(),
	add column sync_seq bigint not null default pg_catalog.nextval('public.sync_seq');
alter table public.connections
	add column sync_xid xid8 not null default pg_catalog.pg_current_xact_id(),
	add column sync_seq bigint not null default pg_catalog.nextval('public.sync_seq');
alter table public.follow_ups
	add column sync_xid xid8 not null default pg_catalog.pg_current_xact_id(),
	add column sync_seq bigint not null default pg_catalog.nextval('public.sync_seq');

alter table public.profiles
	alter column sync_xid drop default,
	alter column sync_seq drop default;
alter table public.events
	alter column sync_xid drop default,
	alter column sync_seq drop default;
alter table public.connections
	alter column sync_xid drop default,
	alter column sync_seq drop default;
alter table public.follow_ups
	alter column sync_xid drop default,
	alter column sync_seq drop default;

comment on column public.profiles.sync_xid is 'Transaction that last wrote the row (sync pulls).';
comment on column public.profiles.sync_seq is 'Order of that write within public.sync_seq.';
comment on column public.events.sync_xid is 'Transaction that last wrote the row (sync pulls).';
comment on column public.events.sync_seq is 'Order of that write within public.sync_seq.';
comment on column public.connections.sync_xid is 'Transaction that last wrote the row (sync pulls).';
comment on column public.connections.sync_seq is 'Order of that write within public.sync_seq.';
comment on column public.follow_ups.sync_xid is 'Transaction that last wrote the row (sync pulls).';
comment on column public.follow_ups.sync_seq is 'Order of that write within public.sync_seq.';

create trigger profiles_stamp_sync_change
	before insert or update on public.profiles
	for each row
	execute function public.stamp_sync_change();
create trigger events_stamp_sync_change
	before insert or update on public.events
	for each row
	execute function public.stamp_sync_change();
create trigger connections_stamp_sync_change
	before insert or update on public.connections
	for each row
	execute function public.stamp_sync_change();
create trigger follow_ups_stamp_sync_change
	before insert or update on public.follow_ups
	for each row
	execute function public.stamp_sync_change();

-- Pulls read one owner's rows in stamp order from a cursor on.
create index profiles_owner_id_sync_idx on public.profiles (owner_id, sync_xid, sync_seq);
create index events_owner_id_sync_idx on public.events (owner_id, sync_xid, sync_seq);
create index connections_owner_id_sync_idx on public.connections (owner_id, sync_xid, sync_seq);
create index follow_ups_owner_id_sync_idx on public.follow_ups (owner_id, sync_xid, sync_seq);

-- These served pulls by updated_at, which the stamps replace; every write paid for them.
drop index public.events_owner_id_updated_at_idx;
drop index public.connections_owner_id_updated_at_idx;
drop index public.follow_ups_owner_id_updated_at_idx;

-- Field parsers -----------------------------------------------------------------------------------
--
-- One per wire type. Each returns the SQL value or raises `invalid_row` naming the field in the
-- error's COLUMN, which sync_push turns into the change's rejection. They only check the shape
-- (JSON type, uuid and ISO 8601 syntax); lengths, enums and time zones are the tables' check
-- constraints, so the rules live in one place. A parser never lets a cast fail: such an error
-- would carry no column to report.

create function public.sync_parse_uuid(value jsonb, field text, required boolean)
returns uuid
language plpgsql
immutable
set search_path = ''
as $$
begin
	if value is null or pg_catalog.jsonb_typeof(value) = 'null' then
		if required then
			raise exception 'invalid_row' using errcode = 'data_exception', column = field;
		end if;
		return null;
	end if;
	if pg_catalog.jsonb_typeof(value) <> 'string'
		or (value #>> '{}') !~ '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' then
		raise exception 'invalid_row' using errcode = 'data_exception', column = field;
	end if;
	return (value #>> '{}')::uuid;
end;
$$;

comment on function public.sync_parse_uuid(jsonb, text, boolean) is
	'sync_push: a JSON string in the canonical 8-4-4-4-12 uuid form, or null when not required; '
	'raises invalid_row with the field as COLUMN otherwise.';

create function public.sync_parse_instant(value jsonb, field text, required boolean)
returns timestamptz
language plpgsql
immutable
set search_path = ''
as $$
declare
	instant text;
	year_ integer;
	month_ integer;
	month_days integer;
begin
	if value is null or pg_catalog.jsonb_typeof(value) = 'null' then
		if required then
			raise exception 'invalid_row' using errcode = 'data_exception', column = field;
		end if;
		return null;
	end if;
	instant := value #>> '{}';
	-- ISO 8601 with an offset, as the app's toISOString() and PostgreSQL's JSON output write it.
	-- PostgreSQL alone would also take 'now', 'epoch', or a time without offset read in the
	-- session's zone. Offsets stop at ±15:59, PostgreSQL's limit. Non-capturing groups and `~`
	-- rather than regexp_match: capturing costs ten times as much, for every timestamp pushed.
	if pg_catalog.jsonb_typeof(value) <> 'string' or instant !~ (
		'^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):[0-5]\d'
		'(?::[0-5]\d(?:\.\d{1,9})?)?(?:Z|[+-](?:0\d|1[0-5])(?::?[0-5]\d)?)$'
	) then
		raise exception 'invalid_row' using errcode = 'data_exception', column = field;
	end if;
	-- Days the month does not have (30 February) would make the cast fail, without a column.
	year_ := pg_catalog.substr(instant, 1, 4)::integer;
	month_ := pg_catalog.substr(instant, 6, 2)::integer;
	month_days := case
		when month_ = 2 then
			case when year_ % 4 = 0 and (year_ % 100 <> 0 or year_ % 400 = 0) then 29 else 28 end
		when month_ in (4, 6, 9, 11) then 30
		else 31
	end;
	if year_ = 0 or pg_catalog.substr(instant, 9, 2)::integer > month_days then
		raise exception 'invalid_row' using errcode = 'data_exception', column = field;
	end if;
	return instant::timestamptz;
end;
$$;

comment on function public.sync_parse_instant(jsonb, text, boolean) is
	'sync_push: an ISO 8601 date and time with an offset (Z or ±hh:mm), or null when not required; '
	'raises invalid_row with the field as COLUMN otherwise.';

create function public.sync_parse_text(value jsonb, field text)
returns text
language plpgsql
immutable
set search_path = ''
as $$
begin
	if value is null or pg_catalog.jsonb_typeof(value) = 'null' then
		return null;
	end if;
	if pg_catalog.jsonb_typeof(value) <> 'string' then
		raise exception 'invalid_row' using errcode = 'data_exception', column = field;
	end if;
	return value #>> '{}';
end;
$$;

comment on function public.sync_parse_text(jsonb, text) is
	'sync_push: a JSON string or null (required text is the columns'' NOT NULL); raises '
	'invalid_row with the field as COLUMN for any other JSON type.';

create function public.sync_parse_integer(value jsonb, field text)
returns integer
language plpgsql
immutable
set search_path = ''
as $$
begin
	if value is null or pg_catalog.jsonb_typeof(value) = 'null' then
		return null;
	end if;
	-- Whole numbers small enough for integer; 1.5, 1e99 and "1" are refused.
	if pg_catalog.jsonb_typeof(value) <> 'number' or value::text !~ '^-?\d{1,9}$' then
		raise exception 'invalid_row' using errcode = 'data_exception', column = field;
	end if;
	return value::text::integer;
end;
$$;

comment on function public.sync_parse_integer(jsonb, text) is
	'sync_push: a whole JSON number of at most nine digits, or null; raises invalid_row with the '
	'field as COLUMN otherwise.';

create function public.sync_parse_boolean(value jsonb, field text)
returns boolean
language plpgsql
immutable
set search_path = ''
as $$
begin
	if value is null or pg_catalog.jsonb_typeof(value) = 'null' then
		return null;
	end if;
	if pg_catalog.jsonb_typeof(value) <> 'boolean' then
		raise exception 'invalid_row' using errcode = 'data_exception', column = field;
	end if;
	return value::text::boolean;
end;
$$;

comment on function public.sync_parse_boolean(jsonb, text) is
	'sync_push: true, false or null; raises invalid_row with the field as COLUMN otherwise.';

create function public.sync_parse_object(value jsonb, field text)
returns jsonb
language plpgsql
immutable
set search_path = ''
as $$
begin
	if value is null or pg_catalog.jsonb_typeof(value) = 'null' then
		return null;
	end if;
	if pg_catalog.jsonb_typeof(value) <> 'object' then
		raise exception 'invalid_row' using errcode = 'data_exception', column = field;
	end if;
	return value;
end;
$$;

comment on function public.sync_parse_object(jsonb, text) is
	'sync_push: a JSON object (a card) or null; raises invalid_row with the field as COLUMN '
	'otherwise. Its size is the table''s check constraint.';

create function public.sync_parse_tags(value jsonb, field text)
returns text[]
language plpgsql
immutable
set search_path = ''
as $$
begin
	if value is null or pg_catalog.jsonb_typeof(value) = 'null' then
		return null;
	end if;
	-- Each tag is a string of at most 50 characters, as the app's schema says; how many there
	-- may be is the table's check constraint. A JSON path and jsonb_populate_record rather than
	-- subqueries over the elements: this runs for every connection pushed.
	if pg_catalog.jsonb_typeof(value) <> 'array' or pg_catalog.jsonb_path_exists(
		value,
		'$[*] ? (@.type() != "string" || @ like_regex "^.{51}" flag "s")'
	) then
		raise exception 'invalid_row' using errcode = 'data_exception', column = field;
	end if;
	return (pg_catalog.jsonb_populate_record(
		null::public.connections,
		pg_catalog.jsonb_build_object('tags', value)
	)).tags;
end;
$$;

comment on function public.sync_parse_tags(jsonb, text) is
	'sync_push: a JSON array of strings of at most 50 characters, or null; raises invalid_row '
	'with the field as COLUMN otherwise.';

-- sync_push runs as the caller, who calls these; anon calls nothing.
revoke execute on function public.sync_parse_uuid(jsonb, text, boolean) from public, anon;
revoke execute on function public.sync_parse_instant(jsonb, text, boolean) from public, anon;
revoke execute on function public.sync_parse_text(jsonb, text) from public, anon;
revoke execute on function public.sync_parse_integer(jsonb, text) from public, anon;
revoke execute on function public.sync_parse_boolean(jsonb, text) from public, anon;
revoke execute on function public.sync_parse_object(jsonb, text) from public, anon;
revoke execute on function public.sync_parse_tags(jsonb, text) from public, anon;
grant execute on function public.sync_parse_uuid(jsonb, text, boolean) to authenticated, service_role;
grant execute on function public.sync_parse_instant(jsonb, text, boolean) to authenticated, service_role;
grant execute on function public.sync_parse_text(jsonb, text) to authenticated, service_role;
grant execute on function public.sync_parse_integer(jsonb, text) to authenticated, service_role;
grant execute on function public.sync_parse_boolean(jsonb, text) to authenticated, service_role;
grant execute on function public.sync_parse_object(jsonb, text) to authenticated, service_role;
grant execute on function public.sync_parse_tags(jsonb, text) to authenticated, service_role;

-- The one question sync_push cannot answer as the caller, whom RLS shows only their own rows.
-- SECURITY DEFINER, and it answers nothing but yes or no about an id the caller already holds: no
-- more than the `owned_elsewhere` result it feeds, which is the whole point of that result.
create function public.sync_follow_up_owned_elsewhere(follow_up_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
	select exists (
		select from public.follow_ups
		where id = follow_up_id and owner_id is distinct from auth.uid()
	)
$$;

comment on function public.sync_follow_up_owned_elsewhere(uuid) is
	'sync_push: whether a follow-up id belongs to another user. Needed because follow-ups merge on '
	'(connection_id, kind, cycle), so an upsert never runs into the pushed id itself.';

revoke execute on function public.sync_follow_up_owned_elsewhere(uuid) from public, anon;
grant execute on function public.sync_follow_up_owned_elsewhere(uuid) to authenticated;

-- Rows a batch names, looked up for sync_push ---------------------------------------------------

-- Which of these ids exist, and whether each is the caller's: what sync_push needs before it
-- writes a batch in one go. SECURITY DEFINER because RLS hides other users' rows, and an id
-- taken by one of them is what the change by change loop answers `owned_elsewhere` (follow-ups:
-- public.sync_follow_up_owned_elsewhere). It tells no more than that loop: yes or no about ids
-- the caller already holds, and nothing of anyone else's rows. Also faster than RLS here: with
-- its owner_id condition at hand, a plan made while the tables were small walks all of the
-- caller's rows instead of looking the ids up. EXECUTE plans each call for the ids it gets.
create function public.sync_push_known_ids(event_ids uuid[], connection_ids uuid[], follow_up_ids uuid[])
returns table (table_name text, id uuid, mine boolean)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
	return query execute
		'select ''events'', t.id, t.owner_id = $4 from public.events t where t.id = any ($1)
		union all
		select ''connections'', t.id, t.owner_id = $4 from public.connections t where t.id = any ($2)
		union all
		select ''follow_ups'', t.id, t.owner_id = $4 from public.follow_ups t where t.id = any ($3)'
		using event_ids, connection_ids, follow_up_ids, auth.uid();
end;
$$;

comment on function public.sync_push_known_ids(uuid[], uuid[], uuid[]) is
	'sync_push: the given event, connection and follow-up ids that exist, each with whether it is '
	'the caller''s (mine). Ids that do not exist are left out.';

revoke execute on function public.sync_push_known_ids(uuid[], uuid[], uuid[]) from public, anon;
grant execute on function public.sync_push_known_ids(uuid[], uuid[], uuid[]) to authenticated;

-- Push ------------------------------------------------------------------------------------------

-- SECURITY INVOKER on purpose: every statement runs as the signed-in user, so the tables' RLS
-- policies keep doing the owner check (a row of someone else is neither visible nor writable),
-- and owner_id is never written here at all: its default, auth.uid(), fills it on insert. A
-- definer function would have to repeat that check in every statement, and one forgotten
-- `and owner_id = auth.uid()` would hand out other people's rows.
--
-- First a set-based pass, which answers and writes exactly what the change by change loop below
-- would, or gives up and leaves the batch to that loop. Before writing anything it makes sure the
-- batch holds only events, connections and follow-ups, and that:
-- - every change is well-formed and every field passes the parsers' rules (the loop's parsers
--   name the failing column, which only the loop reports);
-- - no id comes twice per table, no follow-up key (connection_id, kind, cycle) twice, and
--   follow-ups are not both upserted and deleted (a delete by id may hit the row a key merges
--   into): so no change sees another's write, but for references;
-- - no reference points at a row changed later in the batch (the loop would defer it, not having
--   written it yet), so writing events, then connections, then follow-ups shows each change the
--   rows the loop would have shown it;
-- - no id is another user's, and every reference is to a row the caller has or the batch upserts.
-- What it runs into while writing (a check or not-null constraint, a day the month does not
-- have) raises: the block's subtransaction undoes every write of the pass and the loop starts
-- afresh. Otherwise each change is applied when its statement wrote the row and stale when the
-- caller's row was at least as new; a delete of a row the caller never had is applied.
--
-- Within the transaction the pass stamps events, then connections, then follow-ups, where the
-- loop stamps in batch order; a pull gets the same rows either way.
create function public.sync_push(changes jsonb)
returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
declare
	caller uuid := auth.uid();
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
	change jsonb;
	change_index integer;
	target text;
	op text;
	r jsonb;
	row_id uuid;
	ref_id uuid;
	updated timestamptz;
	applied boolean;
	status text;
	code text;
	message text;
	failed_column text;
	failed_constraint text;
	failed_table text;
	results jsonb[] := '{}';
begin
	if caller is null then
		raise exception 'sync_push needs a signed-in user' using errcode = 'insufficient_privilege';
	end if;
	if pg_catalog.jsonb_typeof(changes) is distinct from 'array'
		or pg_catalog.jsonb_array_length(changes) not between 1 and 500 then
		raise exception 'sync_batch_invalid'
			using hint = 'changes must be an array of 1 to 500 items.';
	end if;

	-- Set-based pass ------------------------------------------------------------------------------
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
			from public.sync_push_known_ids(
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
					select c.ordinality - 1 as change_index, c.value -> 'row' ->> 'id' as id_text, x.*
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
					'status', case when b.id = any (w.ids) then 'applied' else 'stale' end
				)), '[]')
				into pass_results
				from batch b, written_ids w;

				with batch as (
					select c.ordinality - 1 as change_index, c.value -> 'row' ->> 'id' as id_text, x.*
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
					end
				)), '[]')
				into pass_results
				from batch b, written_ids w;
			end if;

			if connection_changes > 0 then
				-- The statement trigger schedules the post-event follow-ups of the new connections.
				with batch as (
					select c.ordinality - 1 as change_index, c.value -> 'row' ->> 'id' as id_text, x.*
					from pg_catalog.jsonb_array_elements(changes) with ordinality c
					cross join lateral pg_catalog.jsonb_to_record(c.value -> 'row') as x (
						id uuid, card jsonb, event_id uuid, met_at timestamptz, note text, prompt_text text,
						tags text[], tier text, last_contacted_at timestamptz, source text,
						updated_at timestamptz, deleted_at timestamptz
					)
					where c.value ->> 'table' = 'connections' and c.value ->> 'op' = 'upsert'
				),
				written as (
					insert into public.connections as t (
						id, card, event_id, met_at, note, prompt_text, tags, tier, last_contacted_at, source,
						updated_at, deleted_at
					)
					select
						b.id, b.card, b.event_id, b.met_at, b.note, b.prompt_text, b.tags, b.tier,
						b.last_contacted_at, b.source, b.updated_at, b.deleted_at
					from batch b
					order by b.change_index
					on conflict (id) do update set
						card = excluded.card,
						event_id = excluded.event_id,
						met_at = excluded.met_at,
						note = excluded.note,
						prompt_text = excluded.prompt_text,
						tags = excluded.tags,
						tier = excluded.tier,
						last_contacted_at = excluded.last_contacted_at,
						source = excluded.source,
						updated_at = excluded.updated_at,
						deleted_at = excluded.deleted_at
					where t.updated_at < excluded.updated_at
					returning t.id
				),
				written_ids as materialized (
					select coalesce(pg_catalog.array_agg(w.id), '{}') as ids from written w
				)
				select pass_results || coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
					'index', b.change_index,
					'table', 'connections',
					'id', b.id_text,
					'status', case when b.id = any (w.ids) then 'applied' else 'stale' end
				)), '[]')
				into pass_results
				from batch b, written_ids w;

				with batch as (
					select c.ordinality - 1 as change_index, c.value -> 'row' ->> 'id' as id_text, x.*
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
					end
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
						x.*,
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
					returning t.connection_id::text || ' ' || t.kind || ' ' || t.cycle as merge_key
				),
				written_keys as materialized (
					select coalesce(pg_catalog.array_agg(w.merge_key), '{}') as keys from written w
				)
				select pass_results || pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
					'index', b.change_index,
					'table', 'follow_ups',
					'id', b.id_text,
					'status', case when b.merge_key = any (w.keys) then 'applied' else 'stale' end
				))
				into pass_results
				from batch b, written_keys w;
			end if;

			if follow_up_deletes > 0 then
				with batch as (
					select c.ordinality - 1 as change_index, c.value -> 'row' ->> 'id' as id_text, x.*
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
					end
				))
				into pass_results
				from batch b, written_ids w;
			end if;

			return pg_catalog.jsonb_build_object(
				'results',
				(
					select pg_catalog.jsonb_agg(result order by (result ->> 'index')::integer)
					from pg_catalog.jsonb_array_elements(pass_results) result
				)
			);
		end if;
	exception
		-- A change the loop would reject, or one another transaction made the loop's business after
		-- the checks (an id it took, a row it removed): the loop sorts it out change by change.
		when data_exception or integrity_constraint_violation or insufficient_privilege
			or cardinality_violation then
			null;
	end;

	-- Change by change ------------------------------------------------------------------------------
	for change, change_index in
		select e.value, e.ordinality - 1 from pg_catalog.jsonb_array_elements(changes) with ordinality e
	loop
		target := case when pg_catalog.jsonb_typeof(change -> 'table') = 'string'
			then change ->> 'table' end;
		op := case when pg_catalog.jsonb_typeof(change -> 'op') = 'string' then change ->> 'op' end;
		r := change -> 'row';
		status := 'applied';
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
					then public.sync_parse_uuid(r -> 'id', 'id', true) end;
				updated := public.sync_parse_instant(r -> 'updated_at', 'updated_at', true);

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
						public.sync_parse_text(r -> 'display_name', 'display_name'),
						public.sync_parse_object(r -> 'card', 'card'),
						public.sync_parse_text(r -> 'locale', 'locale'),
						public.sync_parse_text(r -> 'time_zone', 'time_zone'),
						public.sync_parse_integer(r -> 'follow_up_delay_days', 'follow_up_delay_days'),
						public.sync_parse_integer(r -> 'follow_up_hour', 'follow_up_hour'),
						public.sync_parse_boolean(r -> 'follow_up_skip_weekends', 'follow_up_skip_weekends'),
						updated,
						public.sync_parse_instant(r -> 'deleted_at', 'deleted_at', false)
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
						public.sync_parse_text(r -> 'name', 'name'),
						public.sync_parse_text(r -> 'topic', 'topic'),
						public.sync_parse_text(r -> 'context', 'context'),
						public.sync_parse_instant(r -> 'starts_at', 'starts_at', true),
						public.sync_parse_instant(r -> 'ends_at', 'ends_at', true),
						public.sync_parse_text(r -> 'venue', 'venue'),
						public.sync_parse_text(r -> 'time_zone', 'time_zone'),
						updated,
						public.sync_parse_instant(r -> 'deleted_at', 'deleted_at', false)
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
					-- deferred, below. The insert trigger schedules the post-event follow-up.
					insert into public.connections as t (
						id, card, event_id, met_at, note, prompt_text, tags, tier, last_contacted_at, source,
						updated_at, deleted_at
					) values (
						row_id,
						public.sync_parse_object(r -> 'card', 'card'),
						public.sync_parse_uuid(r -> 'event_id', 'event_id', false),
						public.sync_parse_instant(r -> 'met_at', 'met_at', true),
						public.sync_parse_text(r -> 'note', 'note'),
						public.sync_parse_text(r -> 'prompt_text', 'prompt_text'),
						public.sync_parse_tags(r -> 'tags', 'tags'),
						public.sync_parse_text(r -> 'tier', 'tier'),
						public.sync_parse_instant(r -> 'last_contacted_at', 'last_contacted_at', false),
						public.sync_parse_text(r -> 'source', 'source'),
						updated,
						public.sync_parse_instant(r -> 'deleted_at', 'deleted_at', false)
					)
					on conflict (id) do update set
						card = excluded.card,
						event_id = excluded.event_id,
						met_at = excluded.met_at,
						note = excluded.note,
						prompt_text = excluded.prompt_text,
						tags = excluded.tags,
						tier = excluded.tier,
						last_contacted_at = excluded.last_contacted_at,
						source = excluded.source,
						updated_at = excluded.updated_at,
						deleted_at = excluded.deleted_at
					where t.updated_at < excluded.updated_at
					returning true into applied;
					if applied is null then
						perform from public.connections where id = row_id;
						if found then
							status := 'stale';
						else
							status := 'rejected';
							code := 'owned_elsewhere';
						end if;
					end if;

				else -- follow_ups
					-- Merged on (connection_id, kind, cycle), not on id: the connection's insert trigger
					-- has usually scheduled this very follow-up already, under an id of its own, which
					-- it keeps. The merge would never reach the pushed id, so whose it is gets checked
					-- first; and the connection must be this user's (which makes the merged row theirs),
					-- or a merge into someone else's row would read as stale.
					ref_id := public.sync_parse_uuid(r -> 'connection_id', 'connection_id', true);
					if public.sync_follow_up_owned_elsewhere(row_id) then
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
							public.sync_parse_text(r -> 'kind', 'kind'),
							public.sync_parse_integer(r -> 'cycle', 'cycle'),
							public.sync_parse_instant(r -> 'due_at', 'due_at', true),
							public.sync_parse_text(r -> 'status', 'status'),
							public.sync_parse_instant(r -> 'snoozed_until', 'snoozed_until', false),
							public.sync_parse_instant(r -> 'done_at', 'done_at', false),
							updated,
							public.sync_parse_instant(r -> 'deleted_at', 'deleted_at', false)
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
						returning true into applied;
						if applied is null then
							status := 'stale';
						end if;
					end if;
				end if;
			exception
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
				'status', status
			) || pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object('code', code, 'message', message))
		);
	end loop;

	return pg_catalog.jsonb_build_object('results', pg_catalog.to_jsonb(results));
end;
$$;

comment on function public.sync_push(jsonb) is
	'Applies a batch of 1-500 changes {table, op: upsert|delete, row} from the app''s outbox for '
	'auth.uid(), as if each ran in its own subtransaction and in order, with last-writer-wins on '
	'updated_at (strictly later replaces), tombstones for deletes and follow-ups merged on '
	'(connection_id, kind, cycle). A batch of events, connections and follow-ups that cannot fail '
	'and does not depend on its own order is written in a few set-based statements; any other is '
	'applied change by change. Returns {results: [{index, table, id, status: '
	'applied|stale|deferred|rejected, code?, message?}]}. Raises sync_batch_invalid (P0001) for '
	'anything but an array of 1-500. Contract: docs/sync.md.';

revoke execute on function public.sync_push(jsonb) from public, anon;
grant execute on function public.sync_push(jsonb) to authenticated;

-- Pull ------------------------------------------------------------------------------------------

-- SECURITY INVOKER for the same reason as sync_push: RLS limits every read to the caller's rows.
create function public.sync_pull(cursor text default null, page_size integer default 500)
returns jsonb
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
	caller uuid := auth.uid();
	after_xid xid8 := '0';
	after_seq bigint := 0;
	parts text[];
	page jsonb;
	row_count integer;
	last_cursor text;
begin
	if caller is null then
		raise exception 'sync_pull needs a signed-in user' using errcode = 'insufficient_privilege';
	end if;
	if page_size is null or page_size not between 1 and 1000 then
		raise exception 'sync_page_size_invalid' using hint = 'page_size must be 1 to 1000.';
	end if;
	-- Qualified: CURSOR alone is a PL/pgSQL keyword.
	if sync_pull.cursor is not null then
		parts := pg_catalog.regexp_match(sync_pull.cursor, '^(\d{1,20}):(\d{1,18})$');
		if parts is null then
			raise exception 'sync_cursor_invalid' using hint = 'Pass back a cursor sync_pull returned.';
		end if;
		after_xid := parts[1]::xid8;
		after_seq := parts[2]::bigint;
	end if;

	-- One more row than the page holds tells whether more follow. Each table contributes at most
	-- that many from its (owner_id, sync_xid, sync_seq) index; the stamps of all four come from
	-- one sequence, so their union has one total order.
	with horizon as (
		select pg_catalog.pg_snapshot_xmin(pg_catalog.pg_current_snapshot()) as xmin
	),
	changed as (
		(
			select 'profiles' as table_name, p.sync_xid, p.sync_seq,
				pg_catalog.jsonb_build_object(
					'display_name', p.display_name,
					'card', p.card,
					'locale', p.locale,
					'time_zone', p.time_zone,
					'follow_up_delay_days', p.follow_up_delay_days,
					'follow_up_hour', p.follow_up_hour,
					'follow_up_skip_weekends', p.follow_up_skip_weekends,
					'updated_at', p.updated_at,
					'deleted_at', p.deleted_at
				) as row_json
			from public.profiles p, horizon h
			where p.owner_id = caller
				and (p.sync_xid, p.sync_seq) > (after_xid, after_seq)
				and p.sync_xid < h.xmin
			order by p.sync_xid, p.sync_seq
			limit page_size + 1
		)
		union all
		(
			select 'events', e.sync_xid, e.sync_seq,
				pg_catalog.jsonb_build_object(
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
			from public.events e, horizon h
			where e.owner_id = caller
				and (e.sync_xid, e.sync_seq) > (after_xid, after_seq)
				and e.sync_xid < h.xmin
			order by e.sync_xid, e.sync_seq
			limit page_size + 1
		)
		union all
		(
			select 'connections', c.sync_xid, c.sync_seq,
				pg_catalog.jsonb_build_object(
					'id', c.id,
					'card', c.card,
					'event_id', c.event_id,
					'met_at', c.met_at,
					'note', c.note,
					'prompt_text', c.prompt_text,
					'tags', pg_catalog.to_jsonb(c.tags),
					'tier', c.tier,
					'last_contacted_at', c.last_contacted_at,
					'source', c.source,
					'updated_at', c.updated_at,
					'deleted_at', c.deleted_at
				)
			from public.connections c, horizon h
			where c.owner_id = caller
				and (c.sync_xid, c.sync_seq) > (after_xid, after_seq)
				and c.sync_xid < h.xmin
			order by c.sync_xid, c.sync_seq
			limit page_size + 1
		)
		union all
		(
			select 'follow_ups', f.sync_xid, f.sync_seq,
				pg_catalog.jsonb_build_object(
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
			from public.follow_ups f, horizon h
			where f.owner_id = caller
				and (f.sync_xid, f.sync_seq) > (after_xid, after_seq)
				and f.sync_xid < h.xmin
			order by f.sync_xid, f.sync_seq
			limit page_size + 1
		)
	),
	numbered as (
		select changed.*, pg_catalog.row_number() over (order by sync_xid, sync_seq) as position
		from changed
	)
	select
		coalesce(
			pg_catalog.jsonb_agg(
				pg_catalog.jsonb_build_object('table', n.table_name, 'row', n.row_json)
				order by n.position
			) filter (where n.position <= page_size),
			'[]'::jsonb
		),
		pg_catalog.count(*)::integer,
		(
			pg_catalog.array_agg(n.sync_xid::text || ':' || n.sync_seq order by n.position desc)
				filter (where n.position <= page_size)
		)[1]
	into page, row_count, last_cursor
	from numbered n;

	return pg_catalog.jsonb_build_object(
		'changes', page,
		-- An empty page leaves the cursor where it was.
		'cursor', coalesce(last_cursor, sync_pull.cursor),
		'more', row_count > page_size
	);
end;
$$;

comment on function public.sync_pull(text, integer) is
	'The caller''s rows of profiles, events, connections and follow_ups changed after cursor (all '
	'when null), deleted ones included, oldest change first, at most page_size (1-1000): '
	'{changes: [{table, row}], cursor: "<xid>:<seq>", more}. Only rows of transactions older than '
	'the oldest one still running are returned, so a late commit is picked up by a later pull '
	'instead of being skipped. Raises sync_page_size_invalid or sync_cursor_invalid (P0001). '
	'Contract: docs/sync.md.';

revoke execute on function public.sync_pull(text, integer) from public, anon;
grant execute on function public.sync_pull(text, integer) to authenticated;
