-- Every table in public × every persona × select, insert, update, delete. A table added to public
-- without a row in the matrix below fails the first test, so nothing new goes unchecked.
--
--   anon      no session at all (the anon key only)
--   owner     A  0a000000-0000-4000-8000-00000000000a, signed in with e-mail
--   stranger  B  0b000000-0000-4000-8000-00000000000b, signed in with e-mail, with rows of their own
--   service   service_role (server-side work, bypasses RLS)
--
-- Owners read, create, change and delete their own profile, events, connections and follow-ups;
-- the exchange tables they may only read, as only the exchange functions write them. Nobody,
-- the service role included, moves a row to another owner. What anonymous sessions may not see
-- of the exchange, and the functions themselves, are in exchange_tokens.sql.
begin;
select plan(116);

-- Runs one statement as a persona (tests.outcome_as, or as postgres) and says how it went: the
-- count it selects, the number of rows an INSERT, UPDATE or DELETE touched, or 'error <SQLSTATE>'
-- (the message left out: the matrix compares one code across every table). A failure rolls back
-- the statement; the persona is dropped again either way.
create function pg_temp.attempt(persona text, statement text)
returns text
language sql
as $$
	select regexp_replace(
		case persona
			when 'postgres' then tests.outcome(counted.request)
			else tests.outcome_as(case persona
				when 'owner' then '0a000000-0000-4000-8000-00000000000a'
				when 'stranger' then '0b000000-0000-4000-8000-00000000000b'
				when 'service' then 'service_role'
				else persona
			end, counted.request)
		end,
		'^([0-9A-Z]{5}) .*$', 'error \1'
	)
	from (select case when statement ~* '^\s*select' then statement
		else format('with changed as (%s returning 1) select count(*)::text from changed', statement)
	end as request) counted
$$;

-- A's rows of a table as postgres sees them, to show that a stranger changed nothing.
create function pg_temp.owner_rows_digest(table_name text)
returns text
language plpgsql
as $$
declare
	digest text;
begin
	execute format(
		'select md5(coalesce(string_agg(t::text, %L order by t::text), %L)) from public.%I t
			where owner_id = %L',
		E'\n', '', table_name, '0a000000-0000-4000-8000-00000000000a'
	) into digest;
	return digest;
end;
$$;

-- owner_writes: whether owners may insert, update and delete their rows directly.
-- owner_insert creates a new row of A's (owner_row finds it again); stranger_insert is B's attempt
-- at a row owned by A; service_insert is the service role's new row (service_row finds it);
-- touch is an UPDATE's SET clause that changes nothing but still counts the rows it reaches.
create temp table matrix (
	name text primary key,
	owner_writes boolean not null,
	owner_insert text not null,
	owner_row text not null,
	stranger_insert text not null,
	service_insert text not null,
	service_row text not null,
	touch text not null
);
insert into matrix values
	(
		'profiles', true,
		$$insert into public.profiles (display_name) values ('Owner A')$$,
		$$owner_id = '0a000000-0000-4000-8000-00000000000a'$$,
		$$insert into public.profiles (owner_id, display_name)
			values ('0a000000-0000-4000-8000-00000000000a', 'Planted')$$,
		$$insert into public.profiles (owner_id) values ('0c000000-0000-4000-8000-00000000000c')$$,
		$$owner_id = '0c000000-0000-4000-8000-00000000000c'$$,
		'updated_at = updated_at'
	),
	(
		'events', true,
		$$insert into public.events (id, name, starts_at, ends_at, time_zone)
			values ('e0a00000-0000-4000-8000-000000000002', 'New', now(), now(), 'UTC')$$,
		$$id = 'e0a00000-0000-4000-8000-000000000002'$$,
		$$insert into public.events (id, owner_id, name, starts_at, ends_at, time_zone)
			values ('e0b00000-0000-4000-8000-000000000009', '0a000000-0000-4000-8000-00000000000a',
				'Planted', now(), now(), 'UTC')$$,
		$$insert into public.events (id, owner_id, name, starts_at, ends_at, time_zone)
			values ('e0c00000-0000-4000-8000-000000000001', '0a000000-0000-4000-8000-00000000000a',
				'By the service', now(), now(), 'UTC')$$,
		$$id = 'e0c00000-0000-4000-8000-000000000001'$$,
		'updated_at = updated_at'
	),
	(
		'connections', true,
		$$insert into public.connections (id, card, met_at)
			values ('c0a00000-0000-4000-8000-000000000002', '{"name": "New"}', now())$$,
		$$id = 'c0a00000-0000-4000-8000-000000000002'$$,
		$$insert into public.connections (id, owner_id, card, met_at)
			values ('c0b00000-0000-4000-8000-000000000009', '0a000000-0000-4000-8000-00000000000a',
				'{"name": "Planted"}', now())$$,
		$$insert into public.connections (id, owner_id, card, met_at)
			values ('c0c00000-0000-4000-8000-000000000001', '0a000000-0000-4000-8000-00000000000a',
				'{"name": "By the service"}', now())$$,
		$$id = 'c0c00000-0000-4000-8000-000000000001'$$,
		'updated_at = updated_at'
	),
	(
		'follow_ups', true,
		$$insert into public.follow_ups (id, connection_id, kind, cycle, due_at)
			values ('f0a00000-0000-4000-8000-000000000002', 'c0a00000-0000-4000-8000-000000000001',
				'keep_in_touch', 1, now())$$,
		$$id = 'f0a00000-0000-4000-8000-000000000002'$$,
		$$insert into public.follow_ups (id, owner_id, connection_id, kind, cycle, due_at)
			values ('f0b00000-0000-4000-8000-000000000009', '0a000000-0000-4000-8000-00000000000a',
				'c0a00000-0000-4000-8000-000000000001', 'keep_in_touch', 7, now())$$,
		$$insert into public.follow_ups (id, owner_id, connection_id, kind, cycle, due_at)
			values ('f0c00000-0000-4000-8000-000000000001', '0a000000-0000-4000-8000-00000000000a',
				'c0a00000-0000-4000-8000-000000000001', 'keep_in_touch', 2, now())$$,
		$$id = 'f0c00000-0000-4000-8000-000000000001'$$,
		'updated_at = updated_at'
	),
	(
		'exchange_tokens', false,
		$$insert into public.exchange_tokens (id, token_hash, expires_at)
			values ('70a00000-0000-4000-8000-000000000002', extensions.digest('planted by A', 'sha256'),
				now() + interval '1 year')$$,
		$$id = '70a00000-0000-4000-8000-000000000002'$$,
		$$insert into public.exchange_tokens (id, owner_id, token_hash, expires_at)
			values ('70b00000-0000-4000-8000-000000000009', '0a000000-0000-4000-8000-00000000000a',
				extensions.digest('planted by B', 'sha256'), now() + interval '1 year')$$,
		$$insert into public.exchange_tokens (id, owner_id, token_hash, expires_at)
			values ('70c00000-0000-4000-8000-000000000001', '0a000000-0000-4000-8000-00000000000a',
				extensions.digest('by the service', 'sha256'), now() + interval '1 hour')$$,
		$$id = '70c00000-0000-4000-8000-000000000001'$$,
		'uses = uses'
	),
	(
		'exchange_token_uses', false,
		$$insert into public.exchange_token_uses (id, owner_id, token_id, scanner_id)
			values ('00a00000-0000-4000-8000-000000000002', '0a000000-0000-4000-8000-00000000000a',
				'70a00000-0000-4000-8000-000000000001', '0b000000-0000-4000-8000-00000000000b')$$,
		$$id = '00a00000-0000-4000-8000-000000000002'$$,
		$$insert into public.exchange_token_uses (id, owner_id, token_id, scanner_id)
			values ('00b00000-0000-4000-8000-000000000009', '0a000000-0000-4000-8000-00000000000a',
				'70a00000-0000-4000-8000-000000000001', '0b000000-0000-4000-8000-00000000000b')$$,
		$$insert into public.exchange_token_uses (id, owner_id, token_id, scanner_id)
			values ('00c00000-0000-4000-8000-000000000001', '0a000000-0000-4000-8000-00000000000a',
				'70a00000-0000-4000-8000-000000000001', '0b000000-0000-4000-8000-00000000000b')$$,
		$$id = '00c00000-0000-4000-8000-000000000001'$$,
		'used_at = used_at'
	);

select is(
	array(
		select tablename::text from pg_tables where schemaname = 'public'
		except
		select name from matrix
		-- Keyed by user_id and written only through its RPCs: push_subscriptions.sql.
		except
		select 'push_subscriptions'
		order by 1
	),
	'{}'::text[],
	'every table in public has a row in the matrix'
);

-- Fixtures, as postgres: a few rows of A's and of B's in every table (A's profile comes from A).
-- C only scans A's QR; the service role gives C a profile.
select tests.create_user('0a000000-0000-4000-8000-00000000000a', 'a@example.test');
select tests.create_user('0b000000-0000-4000-8000-00000000000b', 'b@example.test');
select tests.create_user('0c000000-0000-4000-8000-00000000000c');
insert into public.profiles (owner_id, display_name) values
	('0b000000-0000-4000-8000-00000000000b', 'Stranger B');
insert into public.events (id, owner_id, name, starts_at, ends_at, time_zone) values
	('e0a00000-0000-4000-8000-000000000001', '0a000000-0000-4000-8000-00000000000a',
		'A''s meetup', '2026-12-02 19:00+08', '2026-12-02 21:00+08', 'Asia/Taipei'),
	('e0b00000-0000-4000-8000-000000000001', '0b000000-0000-4000-8000-00000000000b',
		'B''s meetup', '2026-12-01 19:00+08', '2026-12-01 21:00+08', 'Asia/Taipei');
-- Each connection also gets its post-event follow-up from the trigger.
insert into public.connections (id, owner_id, card, event_id, met_at, source) values
	('c0a00000-0000-4000-8000-000000000001', '0a000000-0000-4000-8000-00000000000a',
		'{"name": "C"}', 'e0a00000-0000-4000-8000-000000000001', '2026-12-02 20:00+08', 'exchange'),
	('c0b00000-0000-4000-8000-000000000001', '0b000000-0000-4000-8000-00000000000b',
		'{"name": "A"}', 'e0b00000-0000-4000-8000-000000000001', '2026-12-01 20:00+08', 'exchange');
insert into public.exchange_tokens (id, owner_id, token_hash, event_id, expires_at, uses) values
	('70a00000-0000-4000-8000-000000000001', '0a000000-0000-4000-8000-00000000000a',
		extensions.digest('A''s token', 'sha256'), 'e0a00000-0000-4000-8000-000000000001',
		'2026-12-03 21:00+08', 1),
	('70b00000-0000-4000-8000-000000000001', '0b000000-0000-4000-8000-00000000000b',
		extensions.digest('B''s token', 'sha256'), 'e0b00000-0000-4000-8000-000000000001',
		'2026-12-02 21:00+08', 1);
insert into public.exchange_token_uses (id, owner_id, token_id, scanner_id, used_at, connection_id) values
	('00a00000-0000-4000-8000-000000000001', '0a000000-0000-4000-8000-00000000000a',
		'70a00000-0000-4000-8000-000000000001', '0c000000-0000-4000-8000-00000000000c',
		'2026-12-02 20:00+08', 'c0a00000-0000-4000-8000-000000000001'),
	('00b00000-0000-4000-8000-000000000001', '0b000000-0000-4000-8000-00000000000b',
		'70b00000-0000-4000-8000-000000000001', '0a000000-0000-4000-8000-00000000000a',
		'2026-12-01 20:00+08', 'c0b00000-0000-4000-8000-000000000001');

-- Anonymous visitor: no privilege on any table, so not even row level security is reached.
select is(
	pg_temp.attempt('anon', format('select count(*) from public.%I', name)),
	'error 42501',
	format('anon: cannot read %s', name)
) from matrix order by name;
select is(pg_temp.attempt('anon', owner_insert), 'error 42501', format('anon: cannot insert into %s', name))
from matrix order by name;
select is(
	pg_temp.attempt('anon', format('update public.%I set %s', name, touch)),
	'error 42501',
	format('anon: cannot update %s', name)
) from matrix order by name;
select is(
	pg_temp.attempt('anon', format('delete from public.%I', name)),
	'error 42501',
	format('anon: cannot delete from %s', name)
) from matrix order by name;

-- Owner A: their own rows.
select is(
	pg_temp.attempt('owner', owner_insert),
	case when owner_writes then '1' else 'error 42501' end,
	format('owner: %s a row into %s', case when owner_writes then 'inserts' else 'cannot insert' end, name)
) from matrix order by name;

select is(
	array(
		select name from matrix
		where pg_temp.attempt('postgres', format(
			'select count(*) from public.%I where owner_id = %L', name, '0a000000-0000-4000-8000-00000000000a'
		)) = '0'
		order by name
	),
	'{}'::text[],
	'fixtures: the owner has rows in every table'
);

select is(
	pg_temp.attempt('owner', format(
		$$select count(*) filter (where owner_id = '0a000000-0000-4000-8000-00000000000a')
			|| ' own, ' || count(*) filter (where owner_id <> '0a000000-0000-4000-8000-00000000000a')
			|| ' of others' from public.%I$$,
		name
	)),
	pg_temp.attempt('postgres', format(
		$$select count(*) || ' own, 0 of others' from public.%I
			where owner_id = '0a000000-0000-4000-8000-00000000000a'$$,
		name
	)),
	format('owner: reads all of their rows in %s and nobody else''s', name)
) from matrix order by name;

select is(
	pg_temp.attempt('owner', format(
		$$update public.%I set %s where owner_id = '0a000000-0000-4000-8000-00000000000a'$$, name, touch
	)),
	case when owner_writes then pg_temp.attempt('postgres', format(
		$$select count(*) from public.%I where owner_id = '0a000000-0000-4000-8000-00000000000a'$$, name
	)) else 'error 42501' end,
	format('owner: %s their rows in %s', case when owner_writes then 'updates' else 'cannot update' end, name)
) from matrix order by name;

select is(
	pg_temp.attempt('owner', format(
		$$update public.%I set owner_id = '0b000000-0000-4000-8000-00000000000b'
			where owner_id = '0a000000-0000-4000-8000-00000000000a'$$,
		name
	)),
	'error 42501',
	format('owner: cannot hand their rows in %s to someone else', name)
) from matrix order by name;

-- Stranger B: none of A's rows, whatever they try.
create temp table owner_rows_before as
	select name, pg_temp.owner_rows_digest(name) as digest from matrix;

select is(
	pg_temp.attempt('stranger', format(
		$$select count(*) from public.%I where owner_id = '0a000000-0000-4000-8000-00000000000a'$$, name
	)),
	'0',
	format('stranger: sees none of the owner''s rows in %s', name)
) from matrix order by name;
select is(
	pg_temp.attempt('stranger', stranger_insert),
	'error 42501',
	format('stranger: cannot insert a row for the owner into %s', name)
) from matrix order by name;
select is(
	pg_temp.attempt('stranger', format(
		$$update public.%I set %s where owner_id = '0a000000-0000-4000-8000-00000000000a'$$, name, touch
	)),
	case when owner_writes then '0' else 'error 42501' end,
	format('stranger: updates none of the owner''s rows in %s', name)
) from matrix order by name;
select is(
	pg_temp.attempt('stranger', format(
		$$delete from public.%I where owner_id = '0a000000-0000-4000-8000-00000000000a'$$, name
	)),
	case when owner_writes then '0' else 'error 42501' end,
	format('stranger: deletes none of the owner''s rows in %s', name)
) from matrix order by name;
select is(
	pg_temp.owner_rows_digest(m.name),
	b.digest,
	format('stranger: the owner''s rows in %s are as they were', m.name)
) from matrix m join owner_rows_before b using (name) order by m.name;

-- Service role: everything, except moving a row to another owner.
select is(
	pg_temp.attempt('service', format('select count(*) from public.%I', name)),
	pg_temp.attempt('postgres', format('select count(*) from public.%I', name)),
	format('service role: reads every row of %s', name)
) from matrix order by name;
select is(pg_temp.attempt('service', service_insert), '1', format('service role: inserts into %s', name))
from matrix order by name;
select is(
	pg_temp.attempt('service', format(
		$$update public.%I set %s where owner_id = '0a000000-0000-4000-8000-00000000000a'$$, name, touch
	)),
	pg_temp.attempt('postgres', format(
		$$select count(*) from public.%I where owner_id = '0a000000-0000-4000-8000-00000000000a'$$, name
	)),
	format('service role: updates the owner''s rows in %s', name)
) from matrix order by name;
select is(
	pg_temp.attempt('service', format(
		$$update public.%I set owner_id = '0b000000-0000-4000-8000-00000000000b'
			where owner_id = '0a000000-0000-4000-8000-00000000000a'$$,
		name
	)),
	'error 42501',
	format('service role: cannot hand the owner''s rows in %s to someone else', name)
) from matrix order by name;
select is(
	pg_temp.attempt('service', format('delete from public.%I where %s', name, service_row)),
	'1',
	format('service role: deletes a row of %s', name)
) from matrix order by name;

-- Owner A again: deleting the rows they made.
select is(
	pg_temp.attempt('owner', format('delete from public.%I where %s', name, owner_row)),
	case when owner_writes then '1' else 'error 42501' end,
	format('owner: %s their row in %s', case when owner_writes then 'deletes' else 'cannot delete' end, name)
) from matrix order by name;

select * from finish();
rollback;
