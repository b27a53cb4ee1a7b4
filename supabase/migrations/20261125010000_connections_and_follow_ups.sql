-- Connections (people met) and their follow-ups, with the trigger that schedules a post-event
-- follow-up for every new connection. Same conventions as profiles and events: owner_id from the
-- JWT, RLS for owners only, explicit grants, client-generated ids, client-set updated_at (last
-- writer wins during sync), soft deletes. References between tables carry owner_id too, so a row
-- can never point at another user's event or connection.

-- Lets (id, owner_id) pairs be referenced.
alter table public.events add constraint events_id_owner_id_key unique (id, owner_id);

-- Connections -----------------------------------------------------------------------------------

create table public.connections (
	id uuid primary key default gen_random_uuid(),
	owner_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
	card jsonb not null
		constraint connections_card_check check (
			jsonb_typeof(card) = 'object' and octet_length(card::text) <= 8192
		),
	event_id uuid,
	met_at timestamptz not null,
	note text constraint connections_note_check check (char_length(note) <= 2000),
	prompt_text text constraint connections_prompt_text_check check (char_length(prompt_text) <= 300),
	tags text[] not null default '{}'
		constraint connections_tags_check check (cardinality(tags) <= 30),
	tier text not null default 'none'
		constraint connections_tier_check check (tier in ('close', 'regular', 'light', 'none')),
	last_contacted_at timestamptz,
	source text not null default 'manual'
		constraint connections_source_check check (source in ('scan', 'card_page', 'manual', 'exchange')),
	created_at timestamptz not null default now(),
	updated_at timestamptz not null default now(),
	deleted_at timestamptz,
	constraint connections_id_owner_id_key unique (id, owner_id),
	constraint connections_event_fkey foreign key (event_id, owner_id)
		references public.events (id, owner_id) on delete set null (event_id)
);

comment on table public.connections is 'People the user met: a snapshot of their card and the context.';
comment on column public.connections.card is
	'The card as scanned (JSON object validated by the app, at most 8 KB as text).';
comment on column public.connections.event_id is 'The event that was current when they met.';
comment on column public.connections.met_at is 'When they met; anchors the post-event follow-up.';
comment on column public.connections.note is 'What they talked about.';
comment on column public.connections.prompt_text is 'The prompt that got the conversation going.';
comment on column public.connections.tier is
	'Keep-in-touch cadence: close (30 days), regular (90), light (180) or none.';
comment on column public.connections.source is 'How they were added: scan, card_page, manual or exchange.';
comment on column public.connections.updated_at is
	'Set by the client; sync keeps the write with the latest value (last writer wins).';
comment on column public.connections.deleted_at is 'Soft-delete marker, kept so deletions sync.';

create index connections_owner_id_updated_at_idx on public.connections (owner_id, updated_at);

create trigger connections_forbid_owner_change
	before update of owner_id on public.connections
	for each row
	when (old.owner_id is distinct from new.owner_id)
	execute function public.forbid_owner_change();

alter table public.connections enable row level security;

revoke all on table public.connections from public, anon, authenticated;
grant select, insert, update, delete on table public.connections to authenticated;
grant all on table public.connections to service_role;

create policy "Owners read their connections" on public.connections
	for select to authenticated
	using ((select auth.uid()) = owner_id);

create policy "Owners create their connections" on public.connections
	for insert to authenticated
	with check ((select auth.uid()) = owner_id);

create policy "Owners update their connections" on public.connections
	for update to authenticated
	using ((select auth.uid()) = owner_id)
	with check ((select auth.uid()) = owner_id);

create policy "Owners delete their connections" on public.connections
	for delete to authenticated
	using ((select auth.uid()) = owner_id);

-- Follow-ups ------------------------------------------------------------------------------------

create table public.follow_ups (
	id uuid primary key default gen_random_uuid(),
	owner_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
	connection_id uuid not null,
	kind text not null constraint follow_ups_kind_check check (kind in ('post_event', 'keep_in_touch')),
	cycle integer not null default 0 constraint follow_ups_cycle_check check (cycle >= 0),
	due_at timestamptz not null,
	status text not null default 'pending'
		constraint follow_ups_status_check check (status in ('pending', 'snoozed', 'done', 'skipped')),
	snoozed_until timestamptz,
	done_at timestamptz,
	created_at timestamptz not null default now(),
	updated_at timestamptz not null default now(),
	deleted_at timestamptz,
	constraint follow_ups_connection_fkey foreign key (connection_id, owner_id)
		references public.connections (id, owner_id) on delete cascade,
	-- One follow-up per connection, kind and round: the app scheduling one offline and this
	-- database scheduling the same one never make two.
	constraint follow_ups_connection_kind_cycle_key unique (connection_id, kind, cycle)
);

comment on table public.follow_ups is 'Reminders to get back in touch with a connection.';
comment on column public.follow_ups.kind is
	'post_event (once, after meeting) or keep_in_touch (recurring by the connection''s tier).';
comment on column public.follow_ups.cycle is '0 for post_event; each keep-in-touch round counts up.';
comment on column public.follow_ups.due_at is 'When it is due, from public.follow_up_due_at.';
comment on column public.follow_ups.status is 'pending, snoozed, done or skipped.';
comment on column public.follow_ups.updated_at is
	'Set by the client; sync keeps the write with the latest value (last writer wins).';

-- The queue reads one owner's open follow-ups by due date.
create index follow_ups_owner_id_due_at_idx on public.follow_ups (owner_id, due_at)
	where status in ('pending', 'snoozed') and deleted_at is null;
create index follow_ups_owner_id_updated_at_idx on public.follow_ups (owner_id, updated_at);

create trigger follow_ups_forbid_owner_change
	before update of owner_id on public.follow_ups
	for each row
	when (old.owner_id is distinct from new.owner_id)
	execute function public.forbid_owner_change();

alter table public.follow_ups enable row level security;

revoke all on table public.follow_ups from public, anon, authenticated;
grant select, insert, update, delete on table public.follow_ups to authenticated;
grant all on table public.follow_ups to service_role;

create policy "Owners read their follow-ups" on public.follow_ups
	for select to authenticated
	using ((select auth.uid()) = owner_id);

create policy "Owners create their follow-ups" on public.follow_ups
	for insert to authenticated
	with check ((select auth.uid()) = owner_id);

create policy "Owners update their follow-ups" on public.follow_ups
	for update to authenticated
	using ((select auth.uid()) = owner_id)
	with check ((select auth.uid()) = owner_id);

create policy "Owners delete their follow-ups" on public.follow_ups
	for delete to authenticated
	using ((select auth.uid()) = owner_id);

-- Scheduling ------------------------------------------------------------------------------------

-- Runs as the writer (security invoker): an owner's insert is checked by RLS as usual, and the
-- service role (a card sent back through an exchange) writes for the connection's owner.
create function public.schedule_post_event_follow_up()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
	settings record;
	event_end timestamptz;
begin
	if new.deleted_at is not null then
		return new;
	end if;
	select p.time_zone, p.follow_up_delay_days, p.follow_up_hour, p.follow_up_skip_weekends
		into settings
		from public.profiles p
		where p.owner_id = new.owner_id;
	select e.ends_at into event_end
		from public.events e
		where e.id = new.event_id and e.owner_id = new.owner_id;
	insert into public.follow_ups (owner_id, connection_id, kind, cycle, due_at, status, updated_at)
	values (
		new.owner_id,
		new.id,
		'post_event',
		0,
		public.follow_up_due_at(
			new.met_at,
			event_end,
			coalesce(settings.time_zone, 'Asia/Taipei'),
			coalesce(settings.follow_up_delay_days, 1),
			coalesce(settings.follow_up_hour, 10),
			coalesce(settings.follow_up_skip_weekends, true)
		),
		'pending',
		new.updated_at
	)
	-- The app may already have pushed the same follow-up it scheduled offline.
	on conflict (connection_id, kind, cycle) do nothing;
	return new;
end;
$$;

comment on function public.schedule_post_event_follow_up() is
	'Trigger: gives every new connection exactly one post_event follow-up, due per the owner''s '
	'settings (public.follow_up_due_at); a follow-up the app already created is kept as it is.';

revoke execute on function public.schedule_post_event_follow_up() from public, anon, authenticated;

create trigger connections_schedule_post_event_follow_up
	after insert on public.connections
	for each row
	execute function public.schedule_post_event_follow_up();
