-- A set-based way through sync_push for the batches the app pushes every day: new connections
-- and the follow-ups it scheduled for them, hundreds at a time. Change by change, each in its own
-- subtransaction with a field parser per column and a trigger call per connection, a batch of 500
-- cost about as much as the round trips batching is meant to save.
--
-- Two parts: the post-event follow-ups are scheduled once per statement instead of once per row,
-- and sync_push first tries the whole batch in a few statements, falling back to the change by
-- change loop (unchanged) whenever the batch holds anything whose result could differ.

-- Post-event follow-ups, one statement per insert ------------------------------------------------

drop trigger connections_schedule_post_event_follow_up on public.connections;

-- Runs as the writer (security invoker), as before: an owner's insert is checked by RLS, and the
-- service role (a card sent back through an exchange) writes for the connection's owner.
create or replace function public.schedule_post_event_follow_up()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
	-- The settings and events are read once for the statement, not looked up row by row: with
	-- RLS's owner_id condition at hand, a plan made while the tables were small can walk all of
	-- the owner's events for every connection.
	with settings as materialized (
		select p.owner_id, p.time_zone, p.follow_up_delay_days, p.follow_up_hour, p.follow_up_skip_weekends
		from public.profiles p
		where p.owner_id = any (array(select distinct i.owner_id from inserted i))
	),
	event_ends as materialized (
		select e.id, e.owner_id, e.ends_at
		from public.events e
		where e.id = any (array(select distinct i.event_id from inserted i where i.event_id is not null))
	)
	insert into public.follow_ups (owner_id, connection_id, kind, cycle, due_at, status, updated_at)
	select
		c.owner_id,
		c.id,
		'post_event',
		0,
		public.follow_up_due_at(
			c.met_at,
			e.ends_at,
			coalesce(p.time_zone, 'Asia/Taipei'),
			coalesce(p.follow_up_delay_days, 1),
			coalesce(p.follow_up_hour, 10),
			coalesce(p.follow_up_skip_weekends, true)
		),
		'pending',
		c.updated_at
	from inserted c
	left join settings p on p.owner_id = c.owner_id
	left join event_ends e on e.id = c.event_id and e.owner_id = c.owner_id
	where c.deleted_at is null
	-- The app may already have pushed the same follow-up it scheduled offline.
	on conflict (connection_id, kind, cycle) do nothing;
	return null;
end;
$$;

comment on function public.schedule_post_event_follow_up() is
	'Statement trigger: gives every new connection exactly one post_event follow-up, due per the '
	'owner''s settings (public.follow_up_due_at); a follow-up the app already created is kept as '
	'it is.';

revoke execute on function public.schedule_post_event_follow_up() from public, anon, authenticated;

create trigger connections_schedule_post_event_follow_up
	after insert on public.connections
	referencing new table as inserted
	for each statement
	execute function public.schedule_post_event_follow_up();

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

-- SECURITY INVOKER, as before and for the same reason: RLS does the owner check in every
-- statement, and owner_id is never written here.
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
create or replace function public.sync_push(changes jsonb)
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
