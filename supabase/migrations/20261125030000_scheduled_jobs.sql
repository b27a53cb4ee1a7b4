-- The periodic work (docs/sync.md, "Scheduled jobs"), and account deletion. Each job is a plain
-- function that takes the clock as its argument, so tests call it with a fixed time; pg_cron
-- calls it with now(). Only postgres (pg_cron) and service_role may run the jobs.

-- Keep-in-touch follow-ups ----------------------------------------------------------------------

-- The job reads only connections with a tier, usually a small share of them.
create index connections_keep_in_touch_idx on public.connections (owner_id)
	where tier <> 'none' and deleted_at is null;

create function public.schedule_keep_in_touch_follow_ups("at" timestamptz)
returns integer
language plpgsql
volatile
set search_path = ''
as $$
declare
	created integer;
begin
	if "at" is null then
		raise exception 'schedule_keep_in_touch_follow_ups: at is required'
			using errcode = 'invalid_parameter_value';
	end if;

	with tiered as (
		select
			c.id,
			c.owner_id,
			-- tierCadenceDays in src/lib/domain/followup/queue.ts.
			case c.tier when 'close' then 30 when 'regular' then 90 when 'light' then 180 end as cadence,
			coalesce(c.last_contacted_at, c.met_at) as contacted_at
		from public.connections c
		where c.tier <> 'none' and c.deleted_at is null
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
		from tiered t
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
	)
	insert into public.follow_ups (owner_id, connection_id, kind, cycle, due_at, status, updated_at)
	select d.owner_id, d.id, 'keep_in_touch', d.next_cycle, d.due_at, 'pending', "at"
	from due d
	where d.due_at <= "at"
	-- A round the app created offline, or a concurrent run, wins.
	on conflict (connection_id, kind, cycle) do nothing;

	get diagnostics created = row_count;
	return created;
end;
$$;

comment on function public.schedule_keep_in_touch_follow_ups(timestamptz) is
	'Cron job: every connection with a tier (close 30 days, regular 90, light 180), not deleted and '
	'without an open keep_in_touch follow-up, whose next round is due by "at" gets one, numbered '
	'after its last round. The round is due a cadence after the later of the last contact (or the '
	'meeting) and the last follow-up done or skipped, per the owner''s follow-up settings '
	'(public.follow_up_due_at). Returns how many it created.';

revoke execute on function public.schedule_keep_in_touch_follow_ups(timestamptz)
	from public, anon, authenticated;
grant execute on function public.schedule_keep_in_touch_follow_ups(timestamptz) to service_role;

-- Exchange tokens -------------------------------------------------------------------------------

create function public.expire_exchange_tokens("at" timestamptz)
returns integer
language plpgsql
volatile
set search_path = ''
as $$
declare
	removed integer;
begin
	if "at" is null then
		raise exception 'expire_exchange_tokens: at is required' using errcode = 'invalid_parameter_value';
	end if;
	-- A day of grace: a scanner retrying a card it already sent still gets exchange_token_used,
	-- which its app reads as delivered, rather than exchange_token_invalid.
	delete from public.exchange_tokens t where t.expires_at < "at" - interval '1 day';
	get diagnostics removed = row_count;
	return removed;
end;
$$;

comment on function public.expire_exchange_tokens(timestamptz) is
	'Cron job: deletes exchange tokens (and their uses) that expired more than a day before "at". '
	'Returns how many tokens it deleted.';

revoke execute on function public.expire_exchange_tokens(timestamptz) from public, anon, authenticated;
grant execute on function public.expire_exchange_tokens(timestamptz) to service_role;

-- Stale anonymous accounts ----------------------------------------------------------------------

-- Security definer: deleting from auth.users is a privilege of postgres, not of service_role.
create function public.delete_stale_anonymous_users("at" timestamptz)
returns integer
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
	removed integer;
begin
	if "at" is null then
		raise exception 'delete_stale_anonymous_users: at is required'
			using errcode = 'invalid_parameter_value';
	end if;
	delete from auth.users u
	where u.is_anonymous
		and u.created_at < "at" - interval '30 days'
		and not exists (select 1 from public.profiles p where p.owner_id = u.id)
		and not exists (select 1 from public.events e where e.owner_id = u.id)
		and not exists (select 1 from public.connections c where c.owner_id = u.id)
		and not exists (select 1 from public.follow_ups f where f.owner_id = u.id)
		and not exists (select 1 from public.exchange_tokens t where t.owner_id = u.id);
	get diagnostics removed = row_count;
	return removed;
end;
$$;

comment on function public.delete_stale_anonymous_users(timestamptz) is
	'Cron job: deletes anonymous auth users created more than 30 days before "at" that own no '
	'profile, event, connection, follow-up or exchange token. Returns how many it deleted.';

revoke execute on function public.delete_stale_anonymous_users(timestamptz)
	from public, anon, authenticated;
grant execute on function public.delete_stale_anonymous_users(timestamptz) to service_role;

-- Account deletion ------------------------------------------------------------------------------

create function public.delete_my_account()
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
end;
$$;

comment on function public.delete_my_account() is
	'Deletes the caller''s auth user and, by cascade, every row they own. The device keeps its '
	'local data. Error (P0001): not_signed_in.';

revoke execute on function public.delete_my_account() from public, anon;
grant execute on function public.delete_my_account() to authenticated;

-- pg_cron ---------------------------------------------------------------------------------------

-- pg_cron must be preloaded (shared_preload_libraries), and its extension can only be created in
-- the database named by cron.database_name ('postgres' on Supabase and in the test cluster).
-- Anywhere else, the jobs are not registered and the functions above can be run by hand.
do $$
declare
	cron_database text := current_setting('cron.database_name', true);
begin
	if cron_database is null then
		raise notice 'pg_cron is not loaded (shared_preload_libraries): scheduled jobs not registered';
		return;
	end if;
	if cron_database <> current_database() then
		raise notice 'pg_cron runs in database %, not %: scheduled jobs not registered',
			cron_database, current_database();
		return;
	end if;

	create extension if not exists pg_cron with schema pg_catalog;

	-- cron.schedule replaces a job of the same name, so re-running this registers nothing twice.
	-- Hourly, on the hour: follow-ups fall due at whole hours (the owner's follow_up_hour), so
	-- each round appears the hour it comes due.
	perform cron.schedule(
		'rapport-keep-in-touch-follow-ups',
		'0 * * * *',
		$job$select public.schedule_keep_in_touch_follow_ups(now())$job$
	);
	perform cron.schedule(
		'rapport-expire-exchange-tokens',
		'30 3 * * *',
		$job$select public.expire_exchange_tokens(now())$job$
	);
	perform cron.schedule(
		'rapport-delete-stale-anonymous-users',
		'45 3 * * *',
		$job$select public.delete_stale_anonymous_users(now())$job$
	);
end;
$$;
