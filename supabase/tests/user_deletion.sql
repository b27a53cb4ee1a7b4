-- A user deleted from the dashboard (the row removed from auth.users, no RPC) leaves nothing
-- behind, in any table keyed by a user id: found from the catalog, so a table added later
-- without a way to go with its user fails here.
--
--   A  0a000000-0000-4000-8000-00000000000a  syncs, shows a QR, sends a card back, then is deleted
--   B  0b000000-0000-4000-8000-00000000000b  another owner, whose rows stay
--   guest                                    no account: sends a card to A from the card page
begin;
select plan(4);

-- The personas' user ids, for psql to put in as literals: :'A', :'B'.
\set A '0a000000-0000-4000-8000-00000000000a'
\set B '0b000000-0000-4000-8000-00000000000b'

-- Every uuid column of public and internal that holds a user id: one with a foreign key to
-- auth.users, or one named like one.
create function pg_temp.user_keyed_columns()
returns table (table_name regclass, column_name text)
language sql
as $$
	select a.attrelid::regclass, a.attname::text
	from pg_attribute a
	join pg_class c on c.oid = a.attrelid
	where c.relnamespace in ('public'::regnamespace, 'internal'::regnamespace)
		and c.relkind in ('r', 'p')
		and a.attnum > 0 and not a.attisdropped
		and a.atttypid = 'uuid'::regtype
		and (
			a.attname ~ '^(owner|user|scanner|sender|guest|account)_id$'
			or exists (
				select from pg_constraint f
				where f.contype = 'f' and f.conrelid = a.attrelid and f.confrelid = 'auth.users'::regclass
					and a.attnum = any (f.conkey)
			)
		)
$$;

-- Rows of a user left in every user-keyed column, as 'table.column: count'.
create function pg_temp.leftovers(user_id uuid)
returns text[]
language plpgsql
as $$
declare
	keyed record;
	found_rows bigint;
	result text[] := '{}';
begin
	for keyed in select * from pg_temp.user_keyed_columns() order by 1, 2 loop
		execute format('select count(*) from %s where %I = $1', keyed.table_name, keyed.column_name)
			into found_rows using user_id;
		if found_rows > 0 then
			result := result || format('%s.%s: %s', keyed.table_name, keyed.column_name, found_rows);
		end if;
	end loop;
	return result;
end;
$$;

select tests.create_user('0a000000-0000-4000-8000-00000000000a', 'a@example.test');
select tests.create_user('0b000000-0000-4000-8000-00000000000b', 'b@example.test');
insert into public.profiles (owner_id, display_name, time_zone, follow_up_delay_days, follow_up_hour) values
	('0b000000-0000-4000-8000-00000000000b', 'Bo', 'Asia/Taipei', 1, 9);

-- A syncs a profile, an event and a connection met there (with its post-event follow-up).
select tests.outcome_as(:'A', $$select tests.push(
	tests.upsert('profiles', tests.profile('2025-11-20T10:00:00Z')),
	tests.upsert('events', tests.event('e0a00000-0000-4000-8000-000000000001', '2025-11-20T10:00:00Z')),
	tests.upsert('connections', tests.connection('c0a00000-0000-4000-8000-000000000001',
		'2025-11-20T20:00:00Z', 'e0a00000-0000-4000-8000-000000000001'))
)::text$$);

-- A shows a QR; B scans it back, a guest sends a card through it; A sends a card back to B.
select tests.outcome_as(:'A', $$select public.create_exchange_token() ->> 'token'$$) as a_token \gset
select tests.outcome_as(:'B', $$select public.create_exchange_token() ->> 'token'$$) as b_token \gset
select tests.outcome_as(:'B', format(
	$$select public.accept_exchange(%L, '{"name": "Bo"}')::text$$, :'a_token'));
select tests.outcome_as('anon', format(
	$$select public.send_card_back(token => %L, owner_name => '林小美', card => '{"name": "Guest"}',
		delivery_id => gen_random_uuid(), guest_id => gen_random_uuid())::text$$, :'a_token'));
select tests.outcome_as(:'A', format(
	$$select public.accept_exchange(%L, '{"name": "Amy"}')::text$$, :'b_token'));

select ok(
	(select count(*) from internal.sync_clocks where owner_id = '0a000000-0000-4000-8000-00000000000a') = 1
		and (select count(*) from internal.sync_usage where owner_id = '0a000000-0000-4000-8000-00000000000a') = 4
		and (select count(*) from public.exchange_token_uses where owner_id = '0a000000-0000-4000-8000-00000000000a') = 2
		and (select count(*) from public.exchange_token_uses where scanner_id = '0a000000-0000-4000-8000-00000000000a') = 1,
	'before: A has a sync clock, usage of four tables, two cards in and one sent'
);

-- The dashboard deletes A: a plain delete, as postgres.
delete from auth.users where id = '0a000000-0000-4000-8000-00000000000a';

select is(
	pg_temp.leftovers('0a000000-0000-4000-8000-00000000000a'),
	'{}'::text[],
	'after: no row of A is left in any table keyed by a user id'
);

select ok(
	(select count(*) from internal.sync_clocks where owner_id = '0b000000-0000-4000-8000-00000000000b') = 1
		and (select count(*) from public.connections where owner_id = '0b000000-0000-4000-8000-00000000000b') = 1
		and (select count(*) from public.exchange_tokens where owner_id = '0b000000-0000-4000-8000-00000000000b') = 1,
	'B keeps their clock, the card A sent them and their token'
);

-- How each user-keyed column goes with its user: a cascading foreign key to auth.users, a
-- cascading foreign key to a row that has one (an exchange token's uses), or the auth.users
-- delete trigger naming the table.
select is(
	(select array_agg(k.table_name::text || '.' || k.column_name order by 1)
		from pg_temp.user_keyed_columns() k
		where not exists (
				select from pg_constraint f
				join pg_attribute a on a.attrelid = f.conrelid and a.attnum = any (f.conkey)
				where f.contype = 'f' and f.conrelid = k.table_name and a.attname = k.column_name
					and f.confrelid = 'auth.users'::regclass and f.confdeltype = 'c'
			)
			and not exists (
				select from pg_constraint f
				join pg_constraint up on up.conrelid = f.confrelid
				where f.contype = 'f' and f.conrelid = k.table_name and f.confdeltype = 'c'
					and up.contype = 'f' and up.confrelid = 'auth.users'::regclass and up.confdeltype = 'c'
			)
			and not exists (
				select from pg_trigger t join pg_proc p on p.oid = t.tgfoid
				where t.tgrelid = 'auth.users'::regclass and not t.tgisinternal
					and p.prosrc like '%' || k.table_name::text || ' %'
			)),
	null,
	'every table keyed by a user id goes with the user (foreign key or the auth.users trigger)'
);

select * from finish();
rollback;
