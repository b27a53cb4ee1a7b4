-- Internals out of the exposed schema (issue 18, point 5). PostgREST serves `public`: every
-- function there is an RPC by its place, and its OpenAPI description lists them all, callable or
-- not. The two trigger functions and the token job are nobody's RPC, so they join the other
-- internals (supabase/tests/api_surface.sql keeps trigger functions, and functions no API role
-- may call, out of `public` from here on).
--
-- Triggers hold their function by oid, so they follow it. A cron job holds its command as text,
-- so the token job is registered again under its new name.

alter function public.forbid_owner_change() set schema internal;
alter function public.schedule_post_event_follow_up() set schema internal;
alter function public.expire_exchange_tokens(timestamptz) set schema internal;

do $$
begin
	if not exists (select from pg_catalog.pg_extension where extname = 'pg_cron') then
		raise notice 'pg_cron is not installed here: scheduled jobs not registered';
		return;
	end if;
	-- cron.schedule replaces the command of a job of the same name.
	perform cron.schedule(
		'rapport-expire-exchange-tokens',
		'30 3 * * *',
		$job$select internal.expire_exchange_tokens(now())$job$
	);
end;
$$;
