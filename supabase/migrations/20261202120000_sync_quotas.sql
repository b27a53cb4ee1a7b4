-- Per-account quotas (issue 13, docs/sync.md "Limits"): one anonymous account could write 50,000
-- connections in seconds and every later job and pull paid for them. Each account's rows per table
-- and total bytes are counted as they are written; what the account itself writes (sync_push, as
-- `authenticated`) beyond its quota fails with program_limit_exceeded, which sync_push answers as
-- `rejected`, code `quota_exceeded`, message the table. Rows the server writes for the account
-- (post-event follow-ups of an exchange, keep-in-touch rounds, as postgres) are counted, never
-- refused.

create function internal.sync_quota(table_name text)
returns bigint
language sql
immutable
set search_path = ''
as $$
	select case table_name
		when 'profiles' then 1
		when 'events' then 5000
		when 'connections' then 20000
		when 'follow_ups' then 60000
		-- Every row of the account, as PostgreSQL stores it (pg_column_size), tombstones included.
		when 'bytes' then 50000000
	end::bigint
$$;

comment on function internal.sync_quota(text) is
	'Per-account quotas: rows per table (profiles 1, events 5,000, connections 20,000, follow_ups '
	'60,000) and bytes over all four tables (50,000,000). Tombstones count.';

revoke execute on function internal.sync_quota(text) from public, anon;
grant execute on function internal.sync_quota(text) to authenticated, service_role;

-- No foreign key to auth.users, here or on the clocks: deleting a user cascades into the tables,
-- whose triggers may then stamp or count for that user after a foreign key's own cascade already
-- ran, in whichever order the constraints were created (a restore creates them anew).
-- delete_my_account and the stale-account job remove a deleted user's clock and usage rows.
--
-- Only inserts and updates count: sync never deletes a row (it keeps tombstones), and a hard
-- delete happens when the whole account goes; counting those, row by row as the foreign keys
-- cascade, would make deleting a large account take minutes.
alter table internal.sync_clocks drop constraint sync_clocks_owner_id_fkey;

create table internal.sync_usage (
	owner_id uuid not null,
	table_name text not null,
	row_count bigint not null,
	byte_count bigint not null,
	primary key (owner_id, table_name)
);

comment on table internal.sync_usage is
	'Rows and bytes each account holds per synced table (internal.sync_count_usage).';

revoke all on table internal.sync_usage from public, anon, authenticated;

insert into internal.sync_usage (owner_id, table_name, row_count, byte_count)
select owner_id, 'profiles', count(*), sum(pg_column_size(t.*)) from public.profiles t group by owner_id
union all
select owner_id, 'events', count(*), sum(pg_column_size(t.*)) from public.events t group by owner_id
union all
select owner_id, 'connections', count(*), sum(pg_column_size(t.*)) from public.connections t group by owner_id
union all
select owner_id, 'follow_ups', count(*), sum(pg_column_size(t.*)) from public.follow_ups t group by owner_id;

-- SECURITY DEFINER: the usage table is nobody else's. Called once per statement and owner.
create function internal.sync_add_usage(
	owner uuid,
	target text,
	added_rows bigint,
	added_bytes bigint,
	enforce boolean
)
returns void
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
	rows_now bigint;
	bytes_now bigint;
begin
	insert into internal.sync_usage as u (owner_id, table_name, row_count, byte_count)
	values (owner, target, added_rows, added_bytes)
	on conflict (owner_id, table_name) do update
		set row_count = u.row_count + added_rows, byte_count = u.byte_count + added_bytes
	returning u.row_count into rows_now;
	if not enforce then
		return;
	end if;
	if added_rows > 0 and rows_now > internal.sync_quota(target) then
		raise exception 'quota_exceeded'
			using errcode = 'program_limit_exceeded', table = target,
				hint = 'The account holds as many rows of this table as it may.';
	end if;
	if added_bytes > 0 then
		select sum(u.byte_count) into bytes_now from internal.sync_usage u where u.owner_id = owner;
		if bytes_now > internal.sync_quota('bytes') then
			raise exception 'quota_exceeded'
				using errcode = 'program_limit_exceeded', table = target,
					hint = 'The account holds as many bytes as it may.';
		end if;
	end if;
end;
$$;

comment on function internal.sync_add_usage(uuid, text, bigint, bigint, boolean) is
	'Adds rows and bytes to an account''s usage of a table; with enforce, raises quota_exceeded '
	'(program_limit_exceeded, TABLE = the table) when what grew is now over internal.sync_quota.';

revoke execute on function internal.sync_add_usage(uuid, text, bigint, bigint, boolean)
	from public, anon;
grant execute on function internal.sync_add_usage(uuid, text, bigint, bigint, boolean)
	to authenticated, service_role;

-- Statement triggers, one per event (transition tables allow no more), all on this function. It
-- runs as the writer, so it can tell the account's own writes (`authenticated`) from the
-- server's. Tombstones never count as growth: an account over its quota can still delete.
create function internal.sync_count_usage()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
	enforce boolean := current_user = 'authenticated';
	usage record;
begin
	if tg_op = 'INSERT' then
		for usage in
			select n.owner_id, count(*) as added_rows, sum(pg_catalog.pg_column_size(n.*)) as added_bytes
			from new_rows n group by n.owner_id
		loop
			perform internal.sync_add_usage(
				usage.owner_id, tg_table_name, usage.added_rows, usage.added_bytes, enforce
			);
		end loop;
	elsif tg_op = 'UPDATE' and tg_table_name = 'profiles' then
		for usage in
			select
				n.owner_id,
				sum(pg_catalog.pg_column_size(n.*) - pg_catalog.pg_column_size(o.*)) as added_bytes,
				pg_catalog.bool_or(n.deleted_at is not null and o.deleted_at is null) as tombstones
			from new_rows n join old_rows o on o.owner_id = n.owner_id
			group by n.owner_id
		loop
			perform internal.sync_add_usage(
				usage.owner_id, tg_table_name, 0, usage.added_bytes, enforce and not usage.tombstones
			);
		end loop;
	elsif tg_op = 'UPDATE' then
		for usage in
			select
				n.owner_id,
				sum(pg_catalog.pg_column_size(n.*) - pg_catalog.pg_column_size(o.*)) as added_bytes,
				pg_catalog.bool_or(n.deleted_at is not null and o.deleted_at is null) as tombstones
			from new_rows n join old_rows o on o.id = n.id
			group by n.owner_id
		loop
			perform internal.sync_add_usage(
				usage.owner_id, tg_table_name, 0, usage.added_bytes, enforce and not usage.tombstones
			);
		end loop;
	end if;
	return null;
end;
$$;

comment on function internal.sync_count_usage() is
	'Statement trigger: counts each account''s rows and bytes of the table '
	'(internal.sync_usage); refuses growth beyond internal.sync_quota when the account itself '
	'writes.';

revoke execute on function internal.sync_count_usage() from public, anon, authenticated;

create trigger profiles_count_usage_insert after insert on public.profiles
	referencing new table as new_rows for each statement execute function internal.sync_count_usage();
create trigger events_count_usage_insert after insert on public.events
	referencing new table as new_rows for each statement execute function internal.sync_count_usage();
create trigger connections_count_usage_insert after insert on public.connections
	referencing new table as new_rows for each statement execute function internal.sync_count_usage();
create trigger follow_ups_count_usage_insert after insert on public.follow_ups
	referencing new table as new_rows for each statement execute function internal.sync_count_usage();

create trigger profiles_count_usage_update after update on public.profiles
	referencing new table as new_rows old table as old_rows
	for each statement execute function internal.sync_count_usage();
create trigger events_count_usage_update after update on public.events
	referencing new table as new_rows old table as old_rows
	for each statement execute function internal.sync_count_usage();
create trigger connections_count_usage_update after update on public.connections
	referencing new table as new_rows old table as old_rows
	for each statement execute function internal.sync_count_usage();
create trigger follow_ups_count_usage_update after update on public.follow_ups
	referencing new table as new_rows old table as old_rows
	for each statement execute function internal.sync_count_usage();

-- Deleting an account at its quota: every one of its 5,000 events sets event_id to null on the
-- connections that point at it (connections_event_fkey), and without an index each of those is a
-- scan of all connections: 100 s for one account, holding its locks all along.
create index connections_event_id_owner_id_idx on public.connections (event_id, owner_id)
	where event_id is not null;
