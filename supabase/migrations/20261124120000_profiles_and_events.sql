-- Profiles and events: the first tables synced from the app.
--
-- Every row belongs to one auth user (owner_id, filled from the JWT by default) and only that user
-- may see or change it; anonymous sign-ins are ordinary `authenticated` users here. The `anon`
-- role (no session at all) gets nothing. Rows are never moved to another owner.
--
-- updated_at is written by the client and compared for last-writer-wins during sync, so no trigger
-- touches it. deleted_at marks soft deletes, which sync must still be able to read.

-- Time zones ------------------------------------------------------------------------------------

create function public.is_valid_time_zone(tz text)
returns boolean
language plpgsql
stable
strict
set search_path = ''
-- Restores the caller's time zone on return: the body changes it to test the name.
set timezone = 'UTC'
as $$
begin
	-- IANA names only. PostgreSQL also takes POSIX specs ('UTC+8', even 'UTC+8/xyz'), which the
	-- browser's Intl rejects; none of them starts with a letters-only segment followed by a slash
	-- or the end.
	if tz !~ '^[A-Za-z_]+(/[A-Za-z0-9_+-]+)*$' then
		return false;
	end if;
	-- Setting the zone loads it from the tz database, which is far cheaper than scanning
	-- pg_timezone_names (≈ 20 ms) for every synced row; PostgreSQL echoes it back in canonical
	-- spelling, so 'asia/taipei' is refused and stored names always match Intl's.
	perform pg_catalog.set_config('timezone', tz, true);
	return pg_catalog.current_setting('timezone') = tz;
exception
	when invalid_parameter_value then
		return false;
end;
$$;

comment on function public.is_valid_time_zone(text) is
	'True when the argument is an IANA time zone name, spelled canonically, that PostgreSQL knows '
	'(so follow-ups can be computed in it). Used by the time_zone check constraints.';

-- Check constraints run with the privileges of the writing role, so authenticated keeps EXECUTE;
-- anon never writes and has no business calling it.
revoke execute on function public.is_valid_time_zone(text) from public, anon;
grant execute on function public.is_valid_time_zone(text) to authenticated, service_role;

-- Ownership -------------------------------------------------------------------------------------

create function public.forbid_owner_change()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
	raise exception 'owner_id of %.% cannot change', tg_table_schema, tg_table_name
		using errcode = 'insufficient_privilege',
			hint = 'Rows stay with the user who created them.';
end;
$$;

comment on function public.forbid_owner_change() is
	'Trigger: rejects any UPDATE that changes owner_id, whoever runs it (service_role included).';

-- Only ever called by triggers, which do not check EXECUTE.
revoke execute on function public.forbid_owner_change() from public, anon, authenticated;

-- Profiles --------------------------------------------------------------------------------------

create table public.profiles (
	owner_id uuid primary key default auth.uid() references auth.users (id) on delete cascade,
	display_name text constraint profiles_display_name_check check (char_length(display_name) <= 100),
	card jsonb not null default '{}'
		constraint profiles_card_check check (
			jsonb_typeof(card) = 'object' and octet_length(card::text) <= 8192
		),
	locale text not null default 'zh-TW'
		constraint profiles_locale_check check (locale in ('zh-TW', 'en')),
	time_zone text not null default 'Asia/Taipei'
		constraint profiles_time_zone_check check (public.is_valid_time_zone(time_zone)),
	follow_up_delay_days integer not null default 1
		constraint profiles_follow_up_delay_days_check check (follow_up_delay_days between 0 and 30),
	follow_up_hour integer not null default 10
		constraint profiles_follow_up_hour_check check (follow_up_hour between 0 and 23),
	follow_up_skip_weekends boolean not null default true,
	created_at timestamptz not null default now(),
	updated_at timestamptz not null default now(),
	deleted_at timestamptz
);

comment on table public.profiles is
	'One row per user: the card they share by QR and their follow-up preferences.';
comment on column public.profiles.owner_id is 'The auth user; defaults to auth.uid().';
comment on column public.profiles.display_name is 'Name shown on the card, at most 100 characters.';
comment on column public.profiles.card is
	'The shared contact card (JSON object validated by the app, at most 8 KB as text).';
comment on column public.profiles.locale is 'UI language: zh-TW or en.';
comment on column public.profiles.time_zone is
	'IANA zone in which follow-up reminders are scheduled.';
comment on column public.profiles.follow_up_delay_days is
	'Days after meeting someone before the follow-up reminder (0 = same day).';
comment on column public.profiles.follow_up_hour is 'Local hour (0-23) at which reminders are due.';
comment on column public.profiles.follow_up_skip_weekends is
	'Move reminders that fall on Saturday or Sunday to the following Monday.';
comment on column public.profiles.updated_at is
	'Set by the client; sync keeps the write with the latest value (last writer wins).';
comment on column public.profiles.deleted_at is 'Soft-delete marker, kept so deletions sync.';

create trigger profiles_forbid_owner_change
	before update of owner_id on public.profiles
	for each row
	when (old.owner_id is distinct from new.owner_id)
	execute function public.forbid_owner_change();

alter table public.profiles enable row level security;

revoke all on table public.profiles from public, anon, authenticated;
grant select, insert, update, delete on table public.profiles to authenticated;
grant all on table public.profiles to service_role;

-- (select auth.uid()) is evaluated once per statement instead of once per row.
create policy "Owners read their profile" on public.profiles
	for select to authenticated
	using ((select auth.uid()) = owner_id);

create policy "Owners create their profile" on public.profiles
	for insert to authenticated
	with check ((select auth.uid()) = owner_id);

create policy "Owners update their profile" on public.profiles
	for update to authenticated
	using ((select auth.uid()) = owner_id)
	with check ((select auth.uid()) = owner_id);

create policy "Owners delete their profile" on public.profiles
	for delete to authenticated
	using ((select auth.uid()) = owner_id);

-- Events ----------------------------------------------------------------------------------------

create table public.events (
	-- Generated by the client so that offline writes and retries stay idempotent.
	id uuid primary key default gen_random_uuid(),
	owner_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
	name text not null
		constraint events_name_check check (char_length(name) <= 200 and btrim(name) <> ''),
	topic text constraint events_topic_check check (char_length(topic) <= 200),
	context text not null default 'any'
		constraint events_context_check check (
			context in ('any', 'talk', 'meetup', 'workshop', 'career', 'conference')
		),
	starts_at timestamptz not null,
	ends_at timestamptz not null,
	venue text constraint events_venue_check check (char_length(venue) <= 200),
	time_zone text not null
		constraint events_time_zone_check check (public.is_valid_time_zone(time_zone)),
	created_at timestamptz not null default now(),
	updated_at timestamptz not null default now(),
	deleted_at timestamptz,
	constraint events_ends_after_start_check check (ends_at >= starts_at)
);

comment on table public.events is 'Talks, meetups and other occasions where the user meets people.';
comment on column public.events.id is 'Generated by the client, so retried writes are idempotent.';
comment on column public.events.owner_id is 'The auth user; defaults to auth.uid().';
comment on column public.events.name is 'Title, 1-200 characters, not blank.';
comment on column public.events.topic is 'What it is about, at most 200 characters.';
comment on column public.events.context is
	'Kind of occasion: any, talk, meetup, workshop, career or conference.';
comment on column public.events.starts_at is 'Start instant.';
comment on column public.events.ends_at is 'End instant, not before starts_at.';
comment on column public.events.venue is 'Where it takes place, at most 200 characters.';
comment on column public.events.time_zone is 'IANA zone of the venue, used to display local times.';
comment on column public.events.updated_at is
	'Set by the client; sync keeps the write with the latest value (last writer wins).';
comment on column public.events.deleted_at is 'Soft-delete marker, kept so deletions sync.';

-- Serves sync pulls: one owner's rows changed since a point in time.
create index events_owner_id_updated_at_idx on public.events (owner_id, updated_at);

create trigger events_forbid_owner_change
	before update of owner_id on public.events
	for each row
	when (old.owner_id is distinct from new.owner_id)
	execute function public.forbid_owner_change();

alter table public.events enable row level security;

revoke all on table public.events from public, anon, authenticated;
grant select, insert, update, delete on table public.events to authenticated;
grant all on table public.events to service_role;

create policy "Owners read their events" on public.events
	for select to authenticated
	using ((select auth.uid()) = owner_id);

create policy "Owners create their events" on public.events
	for insert to authenticated
	with check ((select auth.uid()) = owner_id);

create policy "Owners update their events" on public.events
	for update to authenticated
	using ((select auth.uid()) = owner_id)
	with check ((select auth.uid()) = owner_id);

create policy "Owners delete their events" on public.events
	for delete to authenticated
	using ((select auth.uid()) = owner_id);
