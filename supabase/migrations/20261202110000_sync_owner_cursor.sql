-- Pull cursors ordered per owner and tied to this database (issue 13, docs/sync.md).
--
-- The first cursor (20261125040000_sync.sql) was a transaction id, and a pull stopped short of the
-- oldest transaction still running anywhere: one account's slow push, or the hourly job, held back
-- every other account's pull; and after a dump and restore into a new project the xid counter
-- starts again, so old cursors silently skipped everything.
--
-- Now every owner has a clock (internal.sync_clocks). The first write of a transaction to an
-- owner's rows takes that owner's next number and keeps the clock's row locked until it commits;
-- every row it writes is stamped (sync_tx, sync_seq): the owner's transaction number and a number
-- from one sequence, for the order within it. A second transaction writing the same owner's rows
-- waits for the first to commit before it draws its number, so an owner's numbers are drawn in
-- commit order: no row can ever commit behind a cursor that has passed it, and a pull waits for
-- nothing. Other owners' transactions do not touch this clock at all.
--
-- The cursor is "<epoch>.<sync_tx>.<sync_seq>". The epoch names this database (its cluster's
-- system identifier, timeline and database oid): a restored or copied database has another, so a
-- cursor from before the restore raises sync_cursor_invalid and the device pulls everything again
-- instead of trusting numbers the restore may have handed out twice.

-- Clocks ---------------------------------------------------------------------------------------------

create table internal.sync_clocks (
	owner_id uuid primary key references auth.users (id) on delete cascade,
	last_tx bigint not null
);

comment on table internal.sync_clocks is
	'The last sync transaction number of each owner (internal.sync_claim_tx).';

revoke all on table internal.sync_clocks from public, anon, authenticated;

-- Where the rows of existing owners are (stamped sync_tx 0 below), their clocks start.
insert into internal.sync_clocks (owner_id, last_tx)
select u.id, 0 from auth.users u;

alter sequence public.sync_seq set schema internal;
revoke all on sequence internal.sync_seq from public, anon, authenticated, service_role;

comment on sequence internal.sync_seq is
	'Orders the changes made within one sync transaction (internal.sync_stamp).';

-- SECURITY DEFINER: the clocks and the sequence are nobody's but this function's. It only ever
-- moves the clock of an owner whose row is being written, which RLS has already allowed.
create function internal.sync_claim_tx(owner uuid)
returns bigint
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
	tx bigint;
begin
	-- Locks the owner's clock until this transaction ends: another writer of this owner waits here,
	-- then draws the next number.
	insert into internal.sync_clocks as c (owner_id, last_tx) values (owner, 1)
	on conflict (owner_id) do update set last_tx = c.last_tx + 1
	returning c.last_tx into tx;
	-- Transaction-local, and undone with the subtransaction that set it, like the lock above.
	perform pg_catalog.set_config('rapport.sync_tx', owner::text || ' ' || tx, true);
	return tx;
end;
$$;

comment on function internal.sync_claim_tx(uuid) is
	'The owner''s next sync transaction number, locking the owner''s clock until commit, so one '
	'owner''s numbers are drawn in commit order.';

revoke execute on function internal.sync_claim_tx(uuid) from public, anon;
grant execute on function internal.sync_claim_tx(uuid) to authenticated;

create function internal.sync_stamp()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
	claimed text := pg_catalog.current_setting('rapport.sync_tx', true);
begin
	if claimed is not null and pg_catalog.split_part(claimed, ' ', 1) = new.owner_id::text then
		new.sync_tx := pg_catalog.split_part(claimed, ' ', 2)::bigint;
	else
		new.sync_tx := internal.sync_claim_tx(new.owner_id);
	end if;
	new.sync_seq := pg_catalog.nextval('internal.sync_seq');
	return new;
end;
$$;

comment on function internal.sync_stamp() is
	'Trigger: stamps every inserted or updated synced row with its owner''s sync transaction number '
	'(claimed once per transaction and owner) and a sequence number, overriding what the writer '
	'sent, so public.sync_pull can page in commit order per owner.';

-- Only ever called by triggers, which do not check EXECUTE.
revoke execute on function internal.sync_stamp() from public, anon, authenticated;

-- Stamps ----------------------------------------------------------------------------------------------

drop trigger profiles_stamp_sync_change on public.profiles;
drop trigger events_stamp_sync_change on public.events;
drop trigger connections_stamp_sync_change on public.connections;
drop trigger follow_ups_stamp_sync_change on public.follow_ups;
drop function public.stamp_sync_change();

drop index public.profiles_owner_id_sync_idx;
drop index public.events_owner_id_sync_idx;
drop index public.connections_owner_id_sync_idx;
drop index public.follow_ups_owner_id_sync_idx;

alter table public.profiles drop column sync_xid, add column sync_tx bigint not null default 0;
alter table public.events drop column sync_xid, add column sync_tx bigint not null default 0;
alter table public.connections drop column sync_xid, add column sync_tx bigint not null default 0;
alter table public.follow_ups drop column sync_xid, add column sync_tx bigint not null default 0;

alter table public.profiles alter column sync_tx drop default;
alter table public.events alter column sync_tx drop default;
alter table public.connections alter column sync_tx drop default;
alter table public.follow_ups alter column sync_tx drop default;

comment on column public.profiles.sync_tx is 'The owner''s sync transaction that last wrote the row.';
comment on column public.profiles.sync_seq is 'Order of that write within internal.sync_seq.';
comment on column public.events.sync_tx is 'The owner''s sync transaction that last wrote the row.';
comment on column public.events.sync_seq is 'Order of that write within internal.sync_seq.';
comment on column public.connections.sync_tx is 'The owner''s sync transaction that last wrote the row.';
comment on column public.connections.sync_seq is 'Order of that write within internal.sync_seq.';
comment on column public.follow_ups.sync_tx is 'The owner''s sync transaction that last wrote the row.';
comment on column public.follow_ups.sync_seq is 'Order of that write within internal.sync_seq.';

create trigger profiles_sync_stamp
	before insert or update on public.profiles
	for each row
	execute function internal.sync_stamp();
create trigger events_sync_stamp
	before insert or update on public.events
	for each row
	execute function internal.sync_stamp();
create trigger connections_sync_stamp
	before insert or update on public.connections
	for each row
	execute function internal.sync_stamp();
create trigger follow_ups_sync_stamp
	before insert or update on public.follow_ups
	for each row
	execute function internal.sync_stamp();

create index profiles_owner_id_sync_idx on public.profiles (owner_id, sync_tx, sync_seq);
create index events_owner_id_sync_idx on public.events (owner_id, sync_tx, sync_seq);
create index connections_owner_id_sync_idx on public.connections (owner_id, sync_tx, sync_seq);
create index follow_ups_owner_id_sync_idx on public.follow_ups (owner_id, sync_tx, sync_seq);

-- Epoch ------------------------------------------------------------------------------------------------

-- SECURITY DEFINER: the control data functions are not everyone's on every platform. It tells no
-- more than a hash of them.
create function internal.sync_epoch()
returns text
language sql
stable
security definer
set search_path = ''
as $$
	select pg_catalog.substr(pg_catalog.md5(
		s.system_identifier::text || ':' || c.timeline_id || ':' || d.oid
	), 1, 12)
	from pg_catalog.pg_control_system() s, pg_catalog.pg_control_checkpoint() c, pg_catalog.pg_database d
	where d.datname = pg_catalog.current_database()
$$;

comment on function internal.sync_epoch() is
	'Names this database for sync cursors: 12 hex digits of a hash of the cluster''s system '
	'identifier, its timeline and the database''s oid, which a restore or copy changes.';

revoke execute on function internal.sync_epoch() from public, anon;
grant execute on function internal.sync_epoch() to authenticated;

-- SECURITY DEFINER to read the clocks; answers only about the caller.
create function internal.sync_last_tx()
returns bigint
language sql
stable
security definer
set search_path = ''
as $$
	select coalesce((select c.last_tx from internal.sync_clocks c where c.owner_id = auth.uid()), 0)
$$;

comment on function internal.sync_last_tx() is
	'The caller''s last sync transaction number (0 before their first write).';

revoke execute on function internal.sync_last_tx() from public, anon;
grant execute on function internal.sync_last_tx() to authenticated;

-- Push claims the clock first --------------------------------------------------------------------------

-- Taking the owner's clock before any row: two pushes of one account then queue at the clock,
-- instead of each locking a row the other needs and one of them failing as a deadlock.
create or replace function public.sync_push(changes jsonb)
returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
declare
	results jsonb;
begin
	-- The body as PostgreSQL holds it (jsonb), read without walking it: a request padded with
	-- fields nobody reads is refused before anything parses them.
	if pg_catalog.pg_column_size(changes) > 2000000 then
		perform internal.sync_caller();
		raise exception 'sync_batch_too_large'
			using hint = 'A batch holds at most 2,000,000 bytes; split it.';
	end if;
	if pg_catalog.jsonb_typeof(changes) is distinct from 'array'
		or pg_catalog.jsonb_array_length(changes) not between 1 and 500 then
		perform internal.sync_caller();
		raise exception 'sync_batch_invalid'
			using hint = 'changes must be an array of 1 to 500 items.';
	end if;
	perform internal.sync_claim_tx(internal.sync_caller());
	results := coalesce(internal.sync_push_set(changes), internal.sync_push_each(changes));
	-- A statement of its own, so the rows it reads are the ones just written.
	return internal.sync_push_answer(results, changes);
end;
$$;

-- Pull -----------------------------------------------------------------------------------------------

-- SECURITY INVOKER: RLS limits every read to the caller's rows.
create or replace function public.sync_pull(cursor text default null, page_size integer default 500)
returns jsonb
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
	caller uuid := internal.sync_caller();
	epoch text := internal.sync_epoch();
	after_tx bigint := -1;
	after_seq bigint := 0;
	parts text[];
	page jsonb;
	row_count integer;
	last_cursor text;
begin
	if page_size is null or page_size not between 1 and 1000 then
		raise exception 'sync_page_size_invalid' using hint = 'page_size must be 1 to 1000.';
	end if;
	-- Qualified: CURSOR alone is a PL/pgSQL keyword.
	if sync_pull.cursor is not null then
		parts := pg_catalog.regexp_match(sync_pull.cursor, '^([0-9a-f]{12})\.(\d{1,18})\.(\d{1,18})$');
		-- Another database's cursor (a restore, a copy), an older format, or a transaction this
		-- owner has not had yet (numbers a restore handed out again).
		if parts is null or parts[1] <> epoch or parts[2]::bigint > internal.sync_last_tx() then
			raise exception 'sync_cursor_invalid'
				using hint = 'Forget the cursor and pull everything from null.';
		end if;
		after_tx := parts[2]::bigint;
		after_seq := parts[3]::bigint;
	end if;

	-- One more row than the page holds tells whether more follow. Each table contributes at most
	-- that many from its (owner_id, sync_tx, sync_seq) index; the stamps of all four come from one
	-- clock and one sequence, so their union has one total order.
	with changed as (
		(
			select 'profiles' as table_name, p.sync_tx, p.sync_seq, internal.sync_wire_profile(p) as row_json
			from public.profiles p
			where p.owner_id = caller and (p.sync_tx, p.sync_seq) > (after_tx, after_seq)
			order by p.sync_tx, p.sync_seq
			limit page_size + 1
		)
		union all
		(
			select 'events', e.sync_tx, e.sync_seq, internal.sync_wire_event(e)
			from public.events e
			where e.owner_id = caller and (e.sync_tx, e.sync_seq) > (after_tx, after_seq)
			order by e.sync_tx, e.sync_seq
			limit page_size + 1
		)
		union all
		(
			select 'connections', c.sync_tx, c.sync_seq, internal.sync_wire_connection(c)
			from public.connections c
			where c.owner_id = caller and (c.sync_tx, c.sync_seq) > (after_tx, after_seq)
			order by c.sync_tx, c.sync_seq
			limit page_size + 1
		)
		union all
		(
			select 'follow_ups', f.sync_tx, f.sync_seq, internal.sync_wire_follow_up(f)
			from public.follow_ups f
			where f.owner_id = caller and (f.sync_tx, f.sync_seq) > (after_tx, after_seq)
			order by f.sync_tx, f.sync_seq
			limit page_size + 1
		)
	),
	numbered as (
		select changed.*, pg_catalog.row_number() over (order by sync_tx, sync_seq) as position
		from changed
	)
	select
		coalesce(
			pg_catalog.jsonb_agg(
				pg_catalog.jsonb_build_object('table', n.table_name, 'row', n.row_json)
				order by n.position
			) filter (where n.position <= page_size),
			'[]'::jsonb
		),
		pg_catalog.count(*)::integer,
		(
			pg_catalog.array_agg(epoch || '.' || n.sync_tx || '.' || n.sync_seq order by n.position desc)
				filter (where n.position <= page_size)
		)[1]
	into page, row_count, last_cursor
	from numbered n;

	return pg_catalog.jsonb_build_object(
		'changes', page,
		-- An empty page leaves the cursor where it was.
		'cursor', coalesce(last_cursor, sync_pull.cursor),
		'more', row_count > page_size
	);
end;
$$;

comment on function public.sync_pull(text, integer) is
	'The caller''s rows of profiles, events, connections and follow_ups changed after cursor (all '
	'when null), deleted ones included, in the order their owner''s transactions committed, at '
	'most page_size (1-1000): {changes: [{table, row}], cursor: "<epoch>.<tx>.<seq>", more}. '
	'Raises not_signed_in, sync_page_size_invalid or sync_cursor_invalid (P0001): a cursor of '
	'another database (a restore) is invalid. Contract: docs/sync.md.';
