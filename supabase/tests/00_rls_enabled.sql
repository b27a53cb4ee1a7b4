-- Guards for every migration, present and future: nothing in public is reachable without row
-- level security, and a visitor without a session (anon) can reach nothing at all. The checks list
-- offenders by name, so a failure says which object a migration forgot.
begin;
select plan(4);

select is(
	array(
		select c.relname::text
		from pg_class c
		join pg_namespace n on n.oid = c.relnamespace
		where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relrowsecurity
		order by 1
	),
	'{}'::text[],
	'every table in public has row level security enabled'
);

-- Also counts grants to PUBLIC, which anon inherits, and column-level grants.
select is(
	array(
		select c.relname::text
		from pg_class c
		join pg_namespace n on n.oid = c.relnamespace
		where n.nspname = 'public'
			and c.relkind in ('r', 'p', 'v', 'm', 'f')
			and (
				has_table_privilege('anon', c.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER')
				or has_any_column_privilege('anon', c.oid, 'SELECT, INSERT, UPDATE, REFERENCES')
			)
		order by 1
	),
	'{}'::text[],
	'anon has no privilege on any table or view in public'
);

select is(
	array(
		select c.relname::text
		from pg_class c
		join pg_namespace n on n.oid = c.relnamespace
		where n.nspname = 'public'
			-- The CASE keeps the planner from asking has_sequence_privilege about other relations.
			and case
				when c.relkind = 'S' then has_sequence_privilege('anon', c.oid, 'USAGE, SELECT, UPDATE')
			end
		order by 1
	),
	'{}'::text[],
	'anon has no privilege on any sequence in public'
);

-- Functions get EXECUTE for PUBLIC by default; PostgREST would expose them to anon as RPCs. The
-- only exceptions are the guest's two calls on the card page, guarded by the exchange token
-- (docs/sync.md, "A guest without the app"; exchange_guest.sql tests what they can do).
select is(
	array(
		select p.oid::regprocedure::text
		from pg_proc p
		join pg_namespace n on n.oid = p.pronamespace
		where n.nspname = 'public' and has_function_privilege('anon', p.oid, 'EXECUTE')
		order by 1
	),
	array['peek_exchange(text)', 'send_card_back(text,text,jsonb,uuid,uuid,text)'],
	'anon can execute no function in public but the guest''s two exchange calls'
);

select * from finish();
rollback;
