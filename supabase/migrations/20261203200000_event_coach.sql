-- The coach (docs/coach.md): an event carries the person's small goal for it and their
-- morning-after debrief, so both sync with the event to the person's own account and nowhere else.
-- One jsonb column, shaped and validated by the app (as profiles.card is); here it must be an object
-- of bounded size. The wire row of an event gains `coach`; sync_push's two passes and the pulled
-- row carry it. The functions are redefined whole, unchanged but for that column.

alter table public.events
	add column coach jsonb
		constraint events_coach_check check (
			pg_catalog.jsonb_typeof(coach) = 'object' and pg_catalog.octet_length(coach::text) <= 4000
		);

comment on column public.events.coach is
	'Private coaching for this event, as the app stores it: { goal?, debrief? } '
	'(docs/coach.md). A JSON object of at most 4000 bytes.';

create or replace function internal.sync_wire_event(e public.events)
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
		'coach', e.coach,
		'updated_at', e.updated_at,
		'deleted_at', e.deleted_at
	)
$$;

create or replace function internal.sync_push_set(changes jsonb)
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
					and coalesce(pg_catalog.jsonb_typeof(x.r -> 'coach') in ('object', 'null'), true)
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
					nullif(x.coach, 'null'::jsonb) as coach,
					internal.sync_bound(x.updated_at) as updated_at,
					internal.sync_bound(x.deleted_at) as deleted_at,
					x.updated_at > internal.sync_bound(x.updated_at)
						or x.deleted_at > internal.sync_bound(x.deleted_at) as clamped
				from pg_catalog.jsonb_array_elements(changes) with ordinality c
				cross join lateral pg_catalog.jsonb_to_record(c.value -> 'row') as x (
					id uuid, name text, topic text, context text, starts_at timestamptz,
					ends_at timestamptz, venue text, time_zone text, coach jsonb,
					updated_at timestamptz, deleted_at timestamptz
				)
				where c.value ->> 'table' = 'events' and c.value ->> 'op' = 'upsert'
			),
			written as (
				insert into public.events as t (
					id, name, topic, context, starts_at, ends_at, venue, time_zone, coach, updated_at,
					deleted_at
				)
				select
					b.id, b.name, b.topic, b.context, b.starts_at, b.ends_at, b.venue, b.time_zone,
					b.coach, b.updated_at, b.deleted_at
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
					coach = excluded.coach,
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

create or replace function internal.sync_push_each(changes jsonb)
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
						id, name, topic, context, starts_at, ends_at, venue, time_zone, coach, updated_at,
						deleted_at
					) values (
						row_id,
						internal.sync_parse_text(r -> 'name', 'name'),
						internal.sync_parse_text(r -> 'topic', 'topic'),
						internal.sync_parse_text(r -> 'context', 'context'),
						internal.sync_parse_instant(r -> 'starts_at', 'starts_at', true),
						internal.sync_parse_instant(r -> 'ends_at', 'ends_at', true),
						internal.sync_parse_text(r -> 'venue', 'venue'),
						internal.sync_parse_text(r -> 'time_zone', 'time_zone'),
						internal.sync_parse_object(r -> 'coach', 'coach'),
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
						coach = excluded.coach,
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
