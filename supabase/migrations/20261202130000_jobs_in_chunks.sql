-- The keep-in-touch and stale-account jobs in chunks of at most 1,000 rows per transaction
-- (issue 13): one account with 50,000 tiered connections made the hourly job one 3.8 s
-- transaction, which held locks (and, before per-owner cursors, every pull) for that long.
--
-- A PL/pgSQL function runs in its caller's single transaction, so each job is now a procedure
-- that commits after every chunk; pg_cron CALLs it. A procedure that commits can have no SET
-- clause and cannot be SECURITY DEFINER, so the procedures qualify every name themselves and the
-- work of a chunk is a function (search_path pinned) they call. The jobs move to schema internal:
-- they were never the API's.

-- Keep-in-touch follow-ups -----------------------------------------------------------------------

alter function public.schedule_keep_in_touch_follow_ups(timestamptz) set schema internal;

-- Chunks walk the tiered connections by (owner_id, id): each chunk's rows belong to few owners,
-- whose sync clocks (internal.sync_claim_tx) it then claims once each.
create index connections_keep_in_touch_chunk_idx on public.connections (owner_id, id)
	where tier <> 'none' and deleted_at is null;
drop index public.connections_keep_in_touch_idx;

create function internal.schedule_keep_in_touch_chunk(
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
			public.follow_up_due_at(
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

comment on function internal.schedule_keep_in_touch_chunk(timestamptz, uuid, uuid, integer) is
	'One chunk of the keep-in-touch job: of the next chunk_size (at most 1000) tiered connections '
	'after (after_owner, after_id), every one without an open keep_in_touch follow-up whose next '
	'round is due by "at" gets one, numbered after its last round, due a cadence (close 30 days, '
	'regular 90, light 180) after the later of the last contact and the last follow-up done or '
	'skipped, per the owner''s settings. Returns how many it created, how many connections it '
	'read and the last one.';

revoke execute on function internal.schedule_keep_in_touch_chunk(timestamptz, uuid, uuid, integer)
	from public, anon, authenticated;
grant execute on function internal.schedule_keep_in_touch_chunk(timestamptz, uuid, uuid, integer)
	to service_role;

-- Every chunk in the caller's one transaction: for tests and for running the job by hand.
create or replace function internal.schedule_keep_in_touch_follow_ups("at" timestamptz)
returns integer
language plpgsql
volatile
set search_path = ''
as $$
declare
	chunk record;
	after_owner uuid := '00000000-0000-0000-0000-000000000000';
	after_id uuid := '00000000-0000-0000-0000-000000000000';
	total integer := 0;
begin
	if "at" is null then
		raise exception 'schedule_keep_in_touch_follow_ups: at is required'
			using errcode = 'invalid_parameter_value';
	end if;
	loop
		select * into chunk
		from internal.schedule_keep_in_touch_chunk("at", after_owner, after_id, 1000);
		total := total + chunk.created;
		exit when chunk.scanned < 1000;
		after_owner := chunk.last_owner;
		after_id := chunk.last_id;
	end loop;
	return total;
end;
$$;

comment on function internal.schedule_keep_in_touch_follow_ups(timestamptz) is
	'The keep-in-touch job in one transaction (internal.schedule_keep_in_touch_chunk over every '
	'tiered connection). pg_cron runs internal.run_keep_in_touch_follow_ups instead, which commits '
	'after each chunk. Returns how many follow-ups it created.';

-- Commits after every chunk: no transaction of the job holds more than 1,000 connections' work.
-- 500 by default: a chunk of 1,000 took up to 0.35 s on a busy 2-core machine, most of it the
-- follow-up rule's time-zone arithmetic, and a transaction should stay well under 0.5 s.
create procedure internal.run_keep_in_touch_follow_ups(
	"at" timestamptz default null,
	chunk_size integer default 500
)
language plpgsql
as $$
declare
	moment timestamptz := coalesce("at", pg_catalog.now());
	chunk record;
	after_owner uuid := '00000000-0000-0000-0000-000000000000';
	after_id uuid := '00000000-0000-0000-0000-000000000000';
	started timestamptz;
begin
	loop
		started := pg_catalog.clock_timestamp();
		select * into chunk
		from internal.schedule_keep_in_touch_chunk(moment, after_owner, after_id, chunk_size);
		commit;
		-- How long that transaction lasted, for whoever watches (client_min_messages = debug1).
		raise debug 'keep_in_touch chunk: % connections, % follow-ups, % ms',
			chunk.scanned, chunk.created,
			pg_catalog.round(extract(epoch from pg_catalog.clock_timestamp() - started) * 1000, 1);
		exit when chunk.scanned < chunk_size;
		after_owner := chunk.last_owner;
		after_id := chunk.last_id;
	end loop;
end;
$$;

comment on procedure internal.run_keep_in_touch_follow_ups(timestamptz, integer) is
	'Cron job (hourly): the keep-in-touch job at "at" (default now()), committing after each '
	'chunk of at most chunk_size (default 500, at most 1000) tiered connections. Each chunk''s '
	'duration is '
	'reported at DEBUG1.';

revoke execute on procedure internal.run_keep_in_touch_follow_ups(timestamptz, integer)
	from public, anon, authenticated;
grant execute on procedure internal.run_keep_in_touch_follow_ups(timestamptz, integer) to service_role;

-- Stale anonymous accounts -----------------------------------------------------------------------

alter function public.delete_stale_anonymous_users(timestamptz) set schema internal;

-- Security definer: deleting from auth.users is a privilege of postgres, not of service_role.
create or replace function internal.delete_stale_anonymous_users("at" timestamptz)
returns integer
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
	removed uuid[];
begin
	if "at" is null then
		raise exception 'delete_stale_anonymous_users: at is required'
			using errcode = 'invalid_parameter_value';
	end if;
	with gone as (
		delete from auth.users u
		where u.id in (
			select s.id
			from auth.users s
			where s.is_anonymous
				and s.created_at < "at" - interval '30 days'
				and not exists (select 1 from public.profiles p where p.owner_id = s.id)
				and not exists (select 1 from public.events e where e.owner_id = s.id)
				and not exists (select 1 from public.connections c where c.owner_id = s.id)
				and not exists (select 1 from public.follow_ups f where f.owner_id = s.id)
				and not exists (select 1 from public.exchange_tokens t where t.owner_id = s.id)
			limit 1000
		)
		returning u.id
	)
	select coalesce(pg_catalog.array_agg(gone.id), '{}') into removed from gone;
	-- A push that wrote nothing still started the account's sync clock and usage.
	delete from internal.sync_clocks c where c.owner_id = any (removed);
	delete from internal.sync_usage u where u.owner_id = any (removed);
	return pg_catalog.cardinality(removed);
end;
$$;

comment on function internal.delete_stale_anonymous_users(timestamptz) is
	'One chunk of the cleanup job: deletes up to 1000 anonymous auth users created more than 30 '
	'days before "at" that own no profile, event, connection, follow-up or exchange token. Returns '
	'how many it deleted.';

create procedure internal.run_delete_stale_anonymous_users("at" timestamptz default null)
language plpgsql
as $$
declare
	moment timestamptz := coalesce("at", pg_catalog.now());
	removed integer;
begin
	loop
		removed := internal.delete_stale_anonymous_users(moment);
		commit;
		exit when removed < 1000;
	end loop;
end;
$$;

comment on procedure internal.run_delete_stale_anonymous_users(timestamptz) is
	'Cron job (daily): internal.delete_stale_anonymous_users at "at" (default now()), committing '
	'after every 1000 accounts.';

revoke execute on procedure internal.run_delete_stale_anonymous_users(timestamptz)
	from public, anon, authenticated;
grant execute on procedure internal.run_delete_stale_anonymous_users(timestamptz) to service_role;

-- Account deletion: the sync clock and usage have no foreign key to cascade from
-- (20261202120000).
create or replace function public.delete_my_account()
returns void
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
	caller uuid := auth.uid();
begin
	if caller is null then
		raise exception 'not_signed_in'
			using errcode = 'P0001', hint = 'Only a signed-in user can delete their account.';
	end if;
	-- Every table's owner_id (and exchange_token_uses.scanner_id) cascades from auth.users.
	delete from auth.users u where u.id = caller;
	delete from internal.sync_clocks c where c.owner_id = caller;
	delete from internal.sync_usage u where u.owner_id = caller;
end;
$$;

-- pg_cron ---------------------------------------------------------------------------------------

do $$
begin
	if not exists (select from pg_catalog.pg_extension where extname = 'pg_cron') then
		raise notice 'pg_cron is not installed here: scheduled jobs not registered';
		return;
	end if;
	-- cron.schedule replaces the command of a job of the same name.
	perform cron.schedule(
		'rapport-keep-in-touch-follow-ups',
		'0 * * * *',
		$job$call internal.run_keep_in_touch_follow_ups()$job$
	);
	perform cron.schedule(
		'rapport-delete-stale-anonymous-users',
		'45 3 * * *',
		$job$call internal.run_delete_stale_anonymous_users()$job$
	);
end;
$$;
