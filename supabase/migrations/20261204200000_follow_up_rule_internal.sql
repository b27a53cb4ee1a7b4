-- The follow-up rule and its helpers out of the exposed schema too (issue 18, point 5):
-- is_valid_time_zone, local_time_to_instant and follow_up_due_at are nobody's RPC, yet in
-- `public` PostgREST served all three at /rest/v1/rpc/… to any signed-in user.
--
-- Who still runs them, and why their grants stay as they are:
-- - the time_zone check constraints of profiles and events, and the post-event follow-up trigger
--   (SECURITY INVOKER), run as the writing role: `authenticated` (the API, sync_push) or
--   `service_role`, so both keep EXECUTE. Constraints and triggers call by oid and need no USAGE
--   on `internal`; both roles have it anyway (20261202100000_sync_push_split.sql). That is safe:
--   the API never exposes `internal`, so an API client reaches them only through those
--   constraints, that trigger and sync_push;
-- - the keep-in-touch and reminder jobs run as postgres.
--
-- Constraints and triggers hold their function by oid and follow it. Bodies that call a moved
-- function by name are re-created below, each as its latest migration wrote it with only those
-- calls changed: same SECURITY and search_path (create or replace keeps owner and grants).

alter function public.is_valid_time_zone(text) set schema internal;
alter function public.local_time_to_instant(timestamp, text) set schema internal;
alter function public.follow_up_due_at(timestamptz, timestamptz, text, int, int, boolean)
	set schema internal;

-- The rule itself (20261125000000_follow_up_rule.sql) ------------------------------------------

create or replace function internal.follow_up_due_at(
	met_at timestamptz,
	event_ends_at timestamptz,
	time_zone text,
	delay_days int default 1,
	hour int default 10,
	skip_weekends boolean default true
)
returns timestamptz
language plpgsql
stable
set search_path = ''
as $$
declare
	anchor timestamptz;
	due_date date;
begin
	if met_at is null then
		raise exception 'follow_up_due_at: met_at is required' using errcode = 'invalid_parameter_value';
	end if;
	-- IANA names only: PostgreSQL also reads abbreviations (CET, PST) and POSIX offsets (+08:00)
	-- as fixed offsets, where the browser's Intl reads them differently or not at all.
	if time_zone is null
		or time_zone !~ '^(UTC|[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)+)$'
		or not internal.is_valid_time_zone(time_zone) then
		raise exception 'follow_up_due_at: unknown time zone "%"', time_zone
			using errcode = 'invalid_parameter_value';
	end if;
	if delay_days is null or delay_days not between 0 and 365 then
		raise exception 'follow_up_due_at: delay_days must be 0 to 365, got %', delay_days
			using errcode = 'invalid_parameter_value';
	end if;
	if hour is null or hour not between 0 and 23 then
		raise exception 'follow_up_due_at: hour must be 0 to 23, got %', hour
			using errcode = 'invalid_parameter_value';
	end if;

	-- 1. The later of meeting and the event's end.
	anchor := greatest(met_at, coalesce(event_ends_at, met_at));
	-- 2. That calendar date where the person lives, plus the delay, at the hour.
	due_date := (anchor at time zone time_zone)::date + delay_days;
	-- 3. Never at or before the anchor: the next day instead (one day is always enough).
	if internal.local_time_to_instant(due_date + make_time(hour, 0, 0), time_zone) <= anchor then
		due_date := due_date + 1;
	end if;
	-- 4. The weekend is judged on the date aimed at; the hour is resolved once, last.
	if coalesce(skip_weekends, true) then
		due_date := due_date + case extract(isodow from due_date) when 6 then 2 when 7 then 1 else 0 end;
	end if;
	-- 5. Gaps and repeated hours resolved as the rule says.
	return internal.local_time_to_instant(due_date + make_time(hour, 0, 0), time_zone);
end;
$$;

-- Post-event follow-ups (20261125050000_post_event_follow_ups_per_statement.sql) ----------------

create or replace function internal.schedule_post_event_follow_up()
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
		internal.follow_up_due_at(
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

comment on function internal.schedule_post_event_follow_up() is
	'Statement trigger: gives every new connection exactly one post_event follow-up, due per the '
	'owner''s settings (internal.follow_up_due_at); a follow-up the app already created is kept as '
	'it is.';

comment on column public.follow_ups.due_at is 'When it is due, from internal.follow_up_due_at.';

-- Keep-in-touch job (20261202130000_jobs_in_chunks.sql) -----------------------------------------

create or replace function internal.schedule_keep_in_touch_chunk(
	"at" timestamptz,
	after_owner uuid,
	after_id uuid,
	chunk_size integer
)
returns table (created integer, scanned integer, last_owner uuid, last_id uuid)
language plpgsql
volatile
set search_path = ''
as $$
begin
	if "at" is null or chunk_size is null or chunk_size not between 1 and 1000 then
		raise exception 'schedule_keep_in_touch_chunk: at and a chunk of 1 to 1000 are required'
			using errcode = 'invalid_parameter_value';
	end if;

	with chunk as materialized (
		select
			c.id,
			c.owner_id,
			-- tierCadenceDays in src/lib/domain/followup/queue.ts.
			case c.tier when 'close' then 30 when 'regular' then 90 when 'light' then 180 end as cadence,
			coalesce(c.last_contacted_at, c.met_at) as contacted_at
		from public.connections c
		where c.tier <> 'none' and c.deleted_at is null
			and (c.owner_id, c.id) > (after_owner, after_id)
		order by c.owner_id, c.id
		limit chunk_size
	),
	rounds as (
		select
			t.id,
			t.owner_id,
			t.cadence,
			-- A follow-up done (or skipped, which the app also stamps with done_at) counts as
			-- contact, so the next round is a whole cadence after it.
			greatest(t.contacted_at, f.last_closed_at) as anchor,
			coalesce(f.last_cycle, 0) + 1 as next_cycle
		from chunk t
		cross join lateral (
			select
				max(coalesce(fu.done_at, fu.updated_at)) filter (
					where fu.status in ('done', 'skipped')
				) as last_closed_at,
				-- Deleted rounds count too: their (connection, kind, cycle) is still taken.
				max(fu.cycle) filter (where fu.kind = 'keep_in_touch') as last_cycle,
				coalesce(bool_or(
					fu.kind = 'keep_in_touch'
					and fu.status in ('pending', 'snoozed')
					and fu.deleted_at is null
				), false) as has_open_round
			from public.follow_ups fu
			where fu.connection_id = t.id
		) f
		where not f.has_open_round
	),
	due as (
		select
			r.id,
			r.owner_id,
			r.next_cycle,
			internal.follow_up_due_at(
				r.anchor,
				null,
				-- The same defaults as the post-event trigger when the owner has no profile.
				coalesce(p.time_zone, 'Asia/Taipei'),
				r.cadence,
				coalesce(p.follow_up_hour, 10),
				coalesce(p.follow_up_skip_weekends, true)
			) as due_at
		from rounds r
		left join public.profiles p on p.owner_id = r.owner_id
		-- The due date is the anchor's local date plus the cadence, moved later for weekends; it is
		-- never more than two days (a local day plus a daylight-saving shift) before
		-- anchor + cadence. Rounds further off are skipped here so the rule is not evaluated for
		-- every tiered connection on every run.
		where r.anchor + make_interval(days => r.cadence - 2) <= "at"
	),
	inserted as (
		insert into public.follow_ups (owner_id, connection_id, kind, cycle, due_at, status, updated_at)
		select d.owner_id, d.id, 'keep_in_touch', d.next_cycle, d.due_at, 'pending', "at"
		from due d
		where d.due_at <= "at"
		order by d.owner_id
		-- A round the app created offline, or a concurrent run, wins.
		on conflict (connection_id, kind, cycle) do nothing
		returning 1
	)
	select
		(select count(*)::integer from inserted),
		(select count(*)::integer from chunk),
		last.owner_id,
		last.id
	into created, scanned, last_owner, last_id
	from (select null) one
	left join lateral (
		select t.owner_id, t.id from chunk t order by t.owner_id desc, t.id desc limit 1
	) last on true;

	return next;
end;
$$;

-- Reminder selection (20261203100000_reminders_push.sql) ----------------------------------------

create or replace function internal.queue_reminders("at" timestamptz)
returns integer
language plpgsql
volatile
set search_path = ''
as $$
declare
	created integer;
begin
	if "at" is null then
		raise exception 'queue_reminders: at is required' using errcode = 'invalid_parameter_value';
	end if;

	-- Zones are checked once each, not once per user: there are few of them.
	insert into internal.reminder_skips as k (user_id, time_zone, reason, first_seen_at, last_seen_at)
	select distinct s.user_id, p.time_zone, 'invalid_time_zone', "at", "at"
	from public.push_subscriptions s
	join public.profiles p on p.owner_id = s.user_id
	join (
		-- OFFSET 0 keeps the check above the DISTINCT: once per zone, not per profile.
		select z.time_zone from (select distinct q.time_zone from public.profiles q offset 0) z
		where not internal.is_valid_time_zone(z.time_zone)
	) bad on bad.time_zone = p.time_zone
	on conflict (user_id) do update
		set time_zone = excluded.time_zone, reason = excluded.reason, last_seen_at = excluded.last_seen_at;

	with subscribers as materialized (
		-- Same defaults as the follow-up trigger when the user has no profile.
		select u.user_id, coalesce(p.time_zone, 'Asia/Taipei') as time_zone,
			coalesce(p.follow_up_hour, 10) as hour
		from (select distinct s.user_id from public.push_subscriptions s) u
		left join public.profiles p on p.owner_id = u.user_id
	),
	-- The local time, once per zone, and only in zones found valid (the WHERE comes first).
	zones as materialized (
		select z.time_zone, ("at" at time zone z.time_zone) as wall
		from (select distinct s.time_zone from subscribers s offset 0) z
		where internal.is_valid_time_zone(z.time_zone)
	),
	local as (
		select s.user_id, s.time_zone, s.hour, z.wall
		from subscribers s
		join zones z on z.time_zone = s.time_zone
	),
	-- Open from the follow-up hour (08:00 at the earliest, and 08:00 for an hour of 22 or 23,
	-- whose follow-ups wait for the morning) until 22:00, once per local day. The last digest
	-- announced everything due by the run that made it.
	open as (
		select l.user_id, l.time_zone, l.wall::date as local_date,
			coalesce(last.created_at, '-infinity') as announced_until
		from local l
		left join lateral (
			select d.local_date, d.created_at
			from internal.reminder_digests d
			where d.user_id = l.user_id
			order by d.local_date desc
			limit 1
		) last on true
		where l.wall::time >= pg_catalog.make_time(
				case when l.hour between 8 and 21 then l.hour else 8 end, 0, 0)
			and l.wall::time < time '22:00'
			and last.local_date is distinct from l.wall::date
	),
	due as (
		select o.user_id, w.due_at, nullif(pg_catalog.btrim(c.card ->> 'name'), '') as name
		from open o
		join public.follow_ups f on f.owner_id = o.user_id
			and f.status in ('pending', 'snoozed') and f.deleted_at is null
		-- When the follow-up list shows it again (dueTime in src/lib/domain/followup/queue.ts).
		cross join lateral (
			select case when f.status = 'snoozed' and f.snoozed_until is not null
				then f.snoozed_until else f.due_at end as due_at
		) w
		join public.connections c on c.id = f.connection_id and c.deleted_at is null
		-- Announced: due by the last digest's run and already there then. The keep-in-touch job
		-- writes rounds due at the hour it runs, and sync brings follow-ups made offline, after
		-- their due time: those come in the next digest. (created_at is the server's clock.)
		where w.due_at <= "at"
			and (w.due_at > o.announced_until or f.created_at > o.announced_until)
	),
	grouped as (
		select d.user_id, count(*)::integer as due_count,
			(pg_catalog.array_agg(d.name order by d.due_at, d.name) filter (where d.name is not null))[1:3]
				as names
		from due d
		group by d.user_id
	),
	-- 22:00 where each open user is, worked out once per zone and date.
	evenings as materialized (
		select z.time_zone, z.local_date,
			internal.local_time_to_instant(z.local_date + time '22:00', z.time_zone) as quiet_from
		from (select distinct o.time_zone, o.local_date from open o offset 0) z
	),
	-- A concurrent run that got there first wins; this one then sends nothing.
	inserted as (
		insert into internal.reminder_digests
			(user_id, local_date, time_zone, created_at, send_before, due_count, names)
		select g.user_id, o.local_date, o.time_zone, "at", e.quiet_from, g.due_count,
			coalesce(g.names, '{}')
		from grouped g
		join open o on o.user_id = g.user_id
		join evenings e on e.time_zone = o.time_zone and e.local_date = o.local_date
		on conflict (user_id, local_date) do nothing
		returning id, user_id
	),
	queued as (
		insert into internal.reminder_deliveries (digest_id, subscription_id, next_attempt_at)
		select i.id, s.id, "at"
		from inserted i
		join public.push_subscriptions s on s.user_id = i.user_id
	)
	select count(*)::integer into created from inserted;

	return created;
end;
$$;
