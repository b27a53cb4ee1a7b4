-- Reminders that reach the user when the app is closed (issue 14; docs/reminders.md): each
-- device's Web Push subscription, the morning digest of follow-ups that came due, and the
-- deliveries the Edge Function `send-reminders` claims, sends and reports back.
--
-- The database decides who gets a digest (internal.queue_reminders, every 15 minutes through
-- pg_cron); the function only claims deliveries through a service-role RPC, so two runs of either
-- never send anyone two digests. pg_net, where installed, rings the function after each pass.

-- Subscriptions ---------------------------------------------------------------------------------

create table public.push_subscriptions (
	id uuid primary key default gen_random_uuid(),
	user_id uuid not null references auth.users (id) on delete cascade,
	endpoint text not null
		constraint push_subscriptions_endpoint_key unique
		constraint push_subscriptions_endpoint_check check (
			char_length(endpoint) <= 1024 and endpoint ~ '^https://[^[:space:]]+$'
		),
	p256dh text not null
		constraint push_subscriptions_p256dh_check check (p256dh ~ '^[A-Za-z0-9_-]{86,87}={0,1}$'),
	auth text not null
		constraint push_subscriptions_auth_check check (auth ~ '^[A-Za-z0-9_-]{22}(==)?$'),
	ua_family text not null
		constraint push_subscriptions_ua_family_check check (
			ua_family in ('chrome', 'safari', 'firefox', 'edge', 'other')
		),
	locale text not null constraint push_subscriptions_locale_check check (locale in ('zh-TW', 'en')),
	created_at timestamptz not null default now(),
	last_success_at timestamptz,
	last_error text,
	last_error_at timestamptz
);

comment on table public.push_subscriptions is
	'One row per device subscribed to reminders (Web Push). Written only through '
	'save_push_subscription and delete_push_subscription; the owner may read their own.';
comment on column public.push_subscriptions.endpoint is 'The push service URL of the device (https).';
comment on column public.push_subscriptions.p256dh is
	'The device''s P-256 public key (base64url, 65 bytes), for RFC 8291 encryption.';
comment on column public.push_subscriptions.auth is 'The device''s 16-byte auth secret (base64url).';
comment on column public.push_subscriptions.ua_family is 'chrome, safari, firefox, edge or other.';
comment on column public.push_subscriptions.locale is 'Language of the reminders: zh-TW or en.';
comment on column public.push_subscriptions.last_success_at is
	'When the push service last accepted a reminder or test reminder for this device.';
comment on column public.push_subscriptions.last_error is
	'Why the last failed attempt failed (HTTP status or timeout), null after a success.';

create index push_subscriptions_user_id_idx on public.push_subscriptions (user_id);

alter table public.push_subscriptions enable row level security;

-- Reading one's own rows is harmless; every write goes through the RPCs below.
revoke all on table public.push_subscriptions from public, anon, authenticated;
grant select on table public.push_subscriptions to authenticated;
grant all on table public.push_subscriptions to service_role;

create policy "Owners read their push subscriptions" on public.push_subscriptions
	for select to authenticated
	using ((select auth.uid()) = user_id);

-- Digests and their deliveries ------------------------------------------------------------------

-- One per user and local day, created by the selection: the unique key is what keeps a user to
-- one reminder a day, whoever runs the selection and however often.
create table internal.reminder_digests (
	id bigint generated always as identity primary key,
	user_id uuid not null references auth.users (id) on delete cascade,
	local_date date not null,
	time_zone text not null,
	created_at timestamptz not null,
	send_before timestamptz not null,
	due_count integer not null,
	names text[] not null,
	constraint reminder_digests_user_id_local_date_key unique (user_id, local_date)
);

comment on table internal.reminder_digests is
	'The morning digest of one user for one local date: how many follow-ups and the first names. '
	'created_at is the run that made it: the next digest announces only follow-ups due or created '
	'after it. '
	'send_before is 22:00 that day in the user''s zone, after which nothing is sent.';

-- One per digest and device: the failure table of docs/reminders.md.
create table internal.reminder_deliveries (
	digest_id bigint not null references internal.reminder_digests (id) on delete cascade,
	subscription_id uuid not null references public.push_subscriptions (id) on delete cascade,
	status text not null default 'pending'
		constraint reminder_deliveries_status_check check (status in ('pending', 'sent', 'failed')),
	attempts integer not null default 0,
	next_attempt_at timestamptz not null,
	leased_until timestamptz,
	last_error text,
	last_attempt_at timestamptz,
	sent_at timestamptz,
	primary key (digest_id, subscription_id)
);

create index reminder_deliveries_pending_idx on internal.reminder_deliveries (next_attempt_at)
	where status = 'pending';
create index reminder_deliveries_subscription_id_idx
	on internal.reminder_deliveries (subscription_id);

comment on table internal.reminder_deliveries is
	'One digest to one device. pending: to send at next_attempt_at (leased_until: a run has it); '
	'sent; failed: gave up after 6 attempts or at send_before. attempts, last_error and '
	'last_attempt_at record every try. A 404/410 deletes the subscription and these rows with it.';

-- Users the selection could not serve, such as a stored zone the tz database no longer knows
-- (the profiles check only holds for the tz data of the day the row was written).
create table internal.reminder_skips (
	user_id uuid primary key references auth.users (id) on delete cascade,
	time_zone text not null,
	reason text not null,
	first_seen_at timestamptz not null,
	last_seen_at timestamptz not null
);

comment on table internal.reminder_skips is
	'Users the reminder selection skipped, why (invalid_time_zone) and when first and last.';

revoke all on table internal.reminder_digests, internal.reminder_deliveries, internal.reminder_skips
	from public, anon, authenticated;

-- The selection ---------------------------------------------------------------------------------

create function internal.queue_reminders("at" timestamptz)
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
		where not public.is_valid_time_zone(z.time_zone)
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
		where public.is_valid_time_zone(z.time_zone)
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
			public.local_time_to_instant(z.local_date + time '22:00', z.time_zone) as quiet_from
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

comment on function internal.queue_reminders(timestamptz) is
	'The reminder selection at "at": for every user with a push subscription whose local time is '
	'between their follow-up hour (08:00 at the earliest) and 22:00 and who has no digest for '
	'that local date yet, the open follow-ups due by "at" that their last digest did not announce '
	'(due, a snoozed one at its snoozed_until, or created after its run) become one digest '
	'(count and first three names) with one pending delivery per device. Users whose zone is '
	'invalid are recorded in internal.reminder_skips. Returns how many digests it created.';

revoke execute on function internal.queue_reminders(timestamptz) from public, anon, authenticated;
grant execute on function internal.queue_reminders(timestamptz) to service_role;

-- Claiming and recording ------------------------------------------------------------------------

create function internal.claim_reminder_deliveries("at" timestamptz, max_count integer)
returns jsonb
language plpgsql
volatile
set search_path = ''
as $$
declare
	claimed jsonb;
begin
	if "at" is null or max_count is null or max_count not between 1 and 1000 then
		raise exception 'claim_reminder_deliveries: at and a count of 1 to 1000 are required'
			using errcode = 'invalid_parameter_value';
	end if;

	-- SKIP LOCKED and the lease: two runs at once take different deliveries, and a run that dies
	-- leaves its deliveries to the next one after ten minutes.
	with picked as (
		select d.digest_id, d.subscription_id
		from internal.reminder_deliveries d
		join internal.reminder_digests g on g.id = d.digest_id
		where d.status = 'pending'
			and d.next_attempt_at <= "at"
			and (d.leased_until is null or d.leased_until <= "at")
			and g.send_before > "at"
		order by d.next_attempt_at
		limit max_count
		for update of d skip locked
	),
	leased as (
		update internal.reminder_deliveries d
		set leased_until = "at" + interval '10 minutes',
			attempts = d.attempts + 1,
			last_attempt_at = "at"
		from picked p
		where d.digest_id = p.digest_id and d.subscription_id = p.subscription_id
		returning d.digest_id, d.subscription_id, d.attempts
	)
	select coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
			'digest_id', l.digest_id,
			'subscription_id', l.subscription_id,
			'attempt', l.attempts,
			'endpoint', s.endpoint,
			'p256dh', s.p256dh,
			'auth', s.auth,
			'locale', s.locale,
			'due_count', g.due_count,
			'names', pg_catalog.to_jsonb(g.names)
		)), '[]'::jsonb)
	into claimed
	from leased l
	join internal.reminder_digests g on g.id = l.digest_id
	join public.push_subscriptions s on s.id = l.subscription_id;

	return claimed;
end;
$$;

comment on function internal.claim_reminder_deliveries(timestamptz, integer) is
	'Leases up to max_count pending deliveries due by "at" (before their digest''s send_before) '
	'for ten minutes, counting the attempt, and returns them with what the push needs.';

revoke execute on function internal.claim_reminder_deliveries(timestamptz, integer)
	from public, anon, authenticated;
grant execute on function internal.claim_reminder_deliveries(timestamptz, integer) to service_role;

create function internal.record_reminder_outcomes("at" timestamptz, outcomes jsonb)
returns void
language plpgsql
volatile
set search_path = ''
as $$
begin
	if "at" is null or pg_catalog.jsonb_typeof(outcomes) is distinct from 'array'
		or pg_catalog.jsonb_array_length(outcomes) > 1000 then
		raise exception 'record_reminder_outcomes: at and an array of at most 1000 outcomes are required'
			using errcode = 'invalid_parameter_value';
	end if;

	-- The push service says the subscription no longer exists: forget it (and its deliveries).
	delete from public.push_subscriptions s
	using pg_catalog.jsonb_to_recordset(outcomes) as o(subscription_id uuid, outcome text)
	where o.outcome = 'gone' and s.id = o.subscription_id;

	update internal.reminder_deliveries d
	set status = 'sent', sent_at = "at", leased_until = null, last_error = null
	from pg_catalog.jsonb_to_recordset(outcomes) as o(digest_id bigint, subscription_id uuid, outcome text)
	where o.outcome = 'sent' and d.digest_id = o.digest_id and d.subscription_id = o.subscription_id;

	-- Backoff: 5, 10, 20, 40, 80 minutes after attempts 1 to 5; the 6th failure, or a retry that
	-- would land in the evening quiet hours (send_before), gives up.
	update internal.reminder_deliveries d
	set leased_until = null,
		last_error = coalesce(pg_catalog.left(o.error, 500), 'failed'),
		next_attempt_at = "at" + interval '5 minutes' * pg_catalog.power(2, d.attempts - 1),
		status = case
			when d.attempts >= 6
				or "at" + interval '5 minutes' * pg_catalog.power(2, d.attempts - 1) >= g.send_before
			then 'failed' else 'pending' end
	from pg_catalog.jsonb_to_recordset(outcomes)
			as o(digest_id bigint, subscription_id uuid, outcome text, error text),
		internal.reminder_digests g
	where o.outcome = 'failed' and d.digest_id = o.digest_id and d.subscription_id = o.subscription_id
		and g.id = d.digest_id;

	update public.push_subscriptions s
	set last_success_at = case when o.outcome = 'sent' then "at" else s.last_success_at end,
		last_error = case when o.outcome = 'sent' then null
			else coalesce(pg_catalog.left(o.error, 500), 'failed') end,
		last_error_at = case when o.outcome = 'sent' then s.last_error_at else "at" end
	from (
		-- One outcome per subscription: a success in the batch wins over a failure.
		select distinct on (r.subscription_id) r.subscription_id, r.outcome, r.error
		from pg_catalog.jsonb_to_recordset(outcomes) as r(subscription_id uuid, outcome text, error text)
		where r.outcome in ('sent', 'failed')
		order by r.subscription_id, r.outcome = 'sent' desc
	) o
	where s.id = o.subscription_id;
end;
$$;

comment on function internal.record_reminder_outcomes(timestamptz, jsonb) is
	'Records what the push services answered, as an array of {digest_id (null for a test '
	'reminder), subscription_id, outcome: sent | gone | failed, error}: sent marks the delivery '
	'and the device''s last_success_at; gone (404/410) deletes the subscription; failed schedules '
	'a retry with backoff or gives up, and notes the error on the device.';

revoke execute on function internal.record_reminder_outcomes(timestamptz, jsonb)
	from public, anon, authenticated;
grant execute on function internal.record_reminder_outcomes(timestamptz, jsonb) to service_role;

-- RPCs of the Edge Function (service role only) -------------------------------------------------

create function public.claim_reminder_deliveries(max_count integer default 500)
returns jsonb
language sql
volatile
security definer
set search_path = ''
as $$
	select internal.claim_reminder_deliveries(pg_catalog.now(), max_count)
$$;

comment on function public.claim_reminder_deliveries(integer) is
	'For the send-reminders Edge Function (service role): leases up to max_count (1-1000) due '
	'deliveries, see internal.claim_reminder_deliveries.';

revoke execute on function public.claim_reminder_deliveries(integer) from public, anon, authenticated;
grant execute on function public.claim_reminder_deliveries(integer) to service_role;

create function public.record_reminder_outcomes(outcomes jsonb)
returns void
language sql
volatile
security definer
set search_path = ''
as $$
	select internal.record_reminder_outcomes(pg_catalog.now(), outcomes)
$$;

comment on function public.record_reminder_outcomes(jsonb) is
	'For the send-reminders Edge Function (service role): see internal.record_reminder_outcomes.';

revoke execute on function public.record_reminder_outcomes(jsonb) from public, anon, authenticated;
grant execute on function public.record_reminder_outcomes(jsonb) to service_role;

-- The test reminder: the function has checked the user's JWT with Auth and names the user.
create function public.reminder_test_target(user_id uuid, endpoint text)
returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
	select pg_catalog.jsonb_build_object(
		'subscription_id', s.id, 'endpoint', s.endpoint, 'p256dh', s.p256dh, 'auth', s.auth,
		'locale', s.locale)
	from public.push_subscriptions s
	where s.user_id = reminder_test_target.user_id and s.endpoint = reminder_test_target.endpoint
$$;

comment on function public.reminder_test_target(uuid, text) is
	'For the send-reminders Edge Function (service role): the subscription with this endpoint if '
	'it is this user''s, else null.';

revoke execute on function public.reminder_test_target(uuid, text) from public, anon, authenticated;
grant execute on function public.reminder_test_target(uuid, text) to service_role;

-- RPCs of the app -------------------------------------------------------------------------------

create function public.save_push_subscription(
	endpoint text,
	p256dh text,
	auth text,
	ua_family text,
	locale text
)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
	caller uuid := auth.uid();
	saved uuid;
begin
	if caller is null then
		raise exception 'not_signed_in'
			using errcode = 'P0001', hint = 'Only a signed-in user can subscribe to reminders.';
	end if;
	if endpoint is null or char_length(endpoint) > 1024 or endpoint !~ '^https://[^[:space:]]+$'
		or p256dh is null or p256dh !~ '^[A-Za-z0-9_-]{86,87}={0,1}$'
		or auth is null or auth !~ '^[A-Za-z0-9_-]{22}(==)?$'
		or ua_family is null or ua_family not in ('chrome', 'safari', 'firefox', 'edge', 'other')
		or locale is null or locale not in ('zh-TW', 'en') then
		raise exception 'push_subscription_invalid'
			using errcode = '22023',
				hint = 'endpoint https (at most 1024 characters), p256dh and auth base64url keys, '
					'ua_family chrome/safari/firefox/edge/other, locale zh-TW or en.';
	end if;

	-- One device, one account: another account's row for this endpoint goes, with its pending
	-- deliveries, so no digest of theirs reaches the new owner.
	delete from public.push_subscriptions s
	where s.endpoint = save_push_subscription.endpoint and s.user_id <> caller;

	if (select count(*) from public.push_subscriptions s
		where s.user_id = caller and s.endpoint <> save_push_subscription.endpoint) >= 20 then
		raise exception 'push_subscriptions_too_many'
			using errcode = 'P0001', hint = 'An account can subscribe at most 20 devices.';
	end if;

	insert into public.push_subscriptions as s (user_id, endpoint, p256dh, auth, ua_family, locale)
	values (caller, save_push_subscription.endpoint, save_push_subscription.p256dh,
		save_push_subscription.auth, save_push_subscription.ua_family, save_push_subscription.locale)
	on conflict on constraint push_subscriptions_endpoint_key do update
		set p256dh = excluded.p256dh, auth = excluded.auth, ua_family = excluded.ua_family,
			locale = excluded.locale
	returning s.id into saved;

	return pg_catalog.jsonb_build_object('id', saved);
end;
$$;

comment on function public.save_push_subscription(text, text, text, text, text) is
	'Subscribes this device to reminders for the caller, or updates its keys and language. An '
	'endpoint another account had moves to the caller. Errors: not_signed_in (P0001), '
	'push_subscription_invalid (22023), push_subscriptions_too_many (P0001, at most 20 devices).';

revoke execute on function public.save_push_subscription(text, text, text, text, text)
	from public, anon;
grant execute on function public.save_push_subscription(text, text, text, text, text)
	to authenticated;

create function public.delete_push_subscription(endpoint text)
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
			using errcode = 'P0001', hint = 'Only a signed-in user can unsubscribe.';
	end if;
	delete from public.push_subscriptions s
	where s.user_id = caller and s.endpoint = delete_push_subscription.endpoint;
end;
$$;

comment on function public.delete_push_subscription(text) is
	'Unsubscribes the caller''s device with this endpoint; nothing happens if there is none. '
	'Error: not_signed_in (P0001).';

revoke execute on function public.delete_push_subscription(text) from public, anon;
grant execute on function public.delete_push_subscription(text) to authenticated;

create function public.push_subscription_status(endpoint text)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
	caller uuid := auth.uid();
	device public.push_subscriptions;
begin
	if caller is null then
		raise exception 'not_signed_in'
			using errcode = 'P0001', hint = 'Only a signed-in user has reminders.';
	end if;
	select * into device
	from public.push_subscriptions s
	where s.user_id = caller and s.endpoint = push_subscription_status.endpoint;
	return pg_catalog.jsonb_build_object(
		'subscribed', device.id is not null,
		'last_sent_at', device.last_success_at,
		'last_error', device.last_error
	);
end;
$$;

comment on function public.push_subscription_status(text) is
	'Whether this endpoint is subscribed for the caller, when the push service last accepted a '
	'reminder for it and the last error since. Error: not_signed_in (P0001).';

revoke execute on function public.push_subscription_status(text) from public, anon;
grant execute on function public.push_subscription_status(text) to authenticated;

-- The doorbell ----------------------------------------------------------------------------------

-- Where pg_net is installed and Vault holds send_reminders_url and send_reminders_secret, wakes
-- the Edge Function once per 1,000 pending deliveries (at most 8 at once); each call claims
-- batches until none is left, so the calls share the work. Without them the function is run by
-- hand or by any scheduler, and pending deliveries wait for it.
create function internal.ring_send_reminders()
returns integer
language plpgsql
volatile
set search_path = ''
as $$
declare
	url text;
	secret text;
	pending integer;
	calls integer;
begin
	if not exists (select from pg_catalog.pg_extension where extname = 'pg_net')
		or not exists (select from pg_catalog.pg_namespace where nspname = 'vault') then
		return 0;
	end if;
	-- Dynamic SQL: neither schema exists where pg_net and Vault are not installed.
	execute $sql$select
			(select decrypted_secret from vault.decrypted_secrets where name = 'send_reminders_url'),
			(select decrypted_secret from vault.decrypted_secrets where name = 'send_reminders_secret')$sql$
		into url, secret;
	if url is null or secret is null then
		return 0;
	end if;
	select count(*) into pending
	from internal.reminder_deliveries d
	join internal.reminder_digests g on g.id = d.digest_id
	where d.status = 'pending' and d.next_attempt_at <= pg_catalog.now()
		and g.send_before > pg_catalog.now();
	calls := least(8, ceil(pending / 1000.0)::integer);
	for i in 1..calls loop
		execute $sql$select net.http_post(url := $1, body := '{}'::jsonb,
				headers := pg_catalog.jsonb_build_object('content-type', 'application/json',
					'x-reminders-secret', $2),
				timeout_milliseconds := 5000)$sql$
			using url, secret;
	end loop;
	return calls;
end;
$$;

comment on function internal.ring_send_reminders() is
	'Through pg_net, with the URL and secret from Vault, calls the send-reminders Edge Function '
	'once per 1,000 pending deliveries (at most 8). Returns the number of calls; 0 without pg_net, '
	'Vault or the secrets.';

revoke execute on function internal.ring_send_reminders() from public, anon, authenticated;

-- Digests are kept 30 days, for the failure queries in docs/reminders.md; a user's latest is kept
-- however old, as it marks what was announced (queue_reminders).
create function internal.forget_old_reminder_digests("at" timestamptz)
returns integer
language plpgsql
volatile
set search_path = ''
as $$
declare
	removed integer;
begin
	if "at" is null then
		raise exception 'forget_old_reminder_digests: at is required'
			using errcode = 'invalid_parameter_value';
	end if;
	delete from internal.reminder_digests d
	where d.created_at < "at" - interval '30 days'
		and exists (
			select from internal.reminder_digests newer
			where newer.user_id = d.user_id and newer.local_date > d.local_date
		);
	get diagnostics removed = row_count;
	return removed;
end;
$$;

comment on function internal.forget_old_reminder_digests(timestamptz) is
	'Deletes digests (and their deliveries) made more than 30 days before "at", except each '
	'user''s latest. Returns how many it deleted.';

revoke execute on function internal.forget_old_reminder_digests(timestamptz)
	from public, anon, authenticated;
grant execute on function internal.forget_old_reminder_digests(timestamptz) to service_role;

-- A delivery still pending at 22:00 is not sent that day; saying so keeps the failure queries
-- and the doorbell's count honest.
create function internal.close_missed_reminder_deliveries("at" timestamptz)
returns integer
language plpgsql
volatile
set search_path = ''
as $$
declare
	closed integer;
begin
	if "at" is null then
		raise exception 'close_missed_reminder_deliveries: at is required'
			using errcode = 'invalid_parameter_value';
	end if;
	update internal.reminder_deliveries d
	set status = 'failed', leased_until = null,
		last_error = coalesce(d.last_error || '; ', '') || 'not sent by 22:00'
	from internal.reminder_digests g
	where d.status = 'pending' and g.id = d.digest_id and g.send_before <= "at";
	get diagnostics closed = row_count;
	return closed;
end;
$$;

comment on function internal.close_missed_reminder_deliveries(timestamptz) is
	'Marks failed (''not sent by 22:00'') every delivery still pending at its digest''s '
	'send_before. Returns how many.';

revoke execute on function internal.close_missed_reminder_deliveries(timestamptz)
	from public, anon, authenticated;
grant execute on function internal.close_missed_reminder_deliveries(timestamptz) to service_role;

create procedure internal.run_reminders()
language plpgsql
as $$
begin
	perform internal.forget_old_reminder_digests(pg_catalog.now());
	perform internal.close_missed_reminder_deliveries(pg_catalog.now());
	perform internal.queue_reminders(pg_catalog.now());
	-- The digests are committed before the function is asked to claim them.
	commit;
	perform internal.ring_send_reminders();
end;
$$;

comment on procedure internal.run_reminders() is
	'Cron job (every 15 minutes): old digests forgotten, missed deliveries closed, the reminder '
	'selection at now(), then the doorbell.';

revoke execute on procedure internal.run_reminders() from public, anon, authenticated;
grant execute on procedure internal.run_reminders() to service_role;

-- pg_cron ---------------------------------------------------------------------------------------

do $$
begin
	if not exists (select from pg_catalog.pg_extension where extname = 'pg_cron') then
		raise notice 'pg_cron is not installed here: the reminder job is not registered';
		return;
	end if;
	-- Every 15 minutes, so each zone's morning (zones differ by 15-minute steps) is met on time.
	perform cron.schedule('rapport-send-reminders', '*/15 * * * *',
		$job$call internal.run_reminders()$job$);
end;
$$;
