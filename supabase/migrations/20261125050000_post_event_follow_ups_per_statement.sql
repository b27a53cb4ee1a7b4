-- Post-event follow-ups scheduled once per statement instead of once per row. sync_push writes the
-- connections of a batch in one statement (20261125040000_sync.sql); a trigger call per row, with
-- its two look-ups and its single-row insert, cost about as much as the round trips batching is
-- meant to save. Same rows as before: one post_event follow-up per new connection, from the
-- owner's settings, none where the app's own one is already there.

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
