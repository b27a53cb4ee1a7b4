-- What the API exposes (issue 13): PostgREST serves every table, view and function of `public`
-- that anon or authenticated may use. This file lists all of them with those roles' privileges,
-- so a new object in public, or a new grant, fails here until it is listed on purpose. Internals
-- (parsers, SECURITY DEFINER look-ups, jobs) live in `internal`, which the API does not expose.
begin;
select plan(17);

-- Privileges of a role on a table, as one sorted word list.
create function pg_temp.table_privileges(role_name text, relation oid)
returns text
language sql
as $$
	select coalesce(string_agg(p, ',' order by p), '-')
	from unnest(array['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']) p
	where has_table_privilege(role_name, relation, p)
$$;

select results_eq(
	$$select c.relname::text collate "default", c.relkind::text collate "default",
			pg_temp.table_privileges('anon', c.oid), pg_temp.table_privileges('authenticated', c.oid)
		from pg_class c
		where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'v', 'm', 'p', 'f', 'S')
		order by 1$$,
	$$values
		('connections', 'r', '-', 'DELETE,INSERT,SELECT,UPDATE'),
		('events', 'r', '-', 'DELETE,INSERT,SELECT,UPDATE'),
		('exchange_token_uses', 'r', '-', 'SELECT'),
		('exchange_tokens', 'r', '-', 'SELECT'),
		('follow_ups', 'r', '-', 'DELETE,INSERT,SELECT,UPDATE'),
		('profiles', 'r', '-', 'DELETE,INSERT,SELECT,UPDATE'),
		-- Written only through save_push_subscription and delete_push_subscription.
		('push_subscriptions', 'r', '-', 'SELECT')$$,
	'public holds these tables and no view or sequence; anon may use none of them'
);

select results_eq(
	$$select p.oid::regprocedure::text collate "default", p.prosecdef,
			has_function_privilege('anon', p.oid, 'execute'),
			has_function_privilege('authenticated', p.oid, 'execute')
		from pg_proc p
		where p.pronamespace = 'public'::regnamespace
		order by 1$$,
	$$values
		('accept_exchange(text,jsonb)', true, false, true),
		-- The send-reminders Edge Function's, with the service role only.
		('claim_reminder_deliveries(integer)', true, false, false),
		('create_exchange_token(uuid,boolean)', true, false, true),
		('delete_my_account()', true, false, true),
		('delete_push_subscription(text)', true, false, true),
		-- A guest with no account: both are guarded by the exchange token (docs/sync.md).
		('peek_exchange(text)', true, true, true),
		('push_subscription_status(text)', true, false, true),
		('record_reminder_outcomes(jsonb)', true, false, false),
		('reminder_test_target(uuid,text)', true, false, false),
		('save_push_subscription(text,text,text,text,text)', true, false, true),
		('send_card_back(text,text,jsonb,uuid,uuid,text)', true, true, true),
		('sync_pull(text,integer)', false, false, true),
		('sync_push(jsonb)', false, false, true)$$,
	'public holds these functions, with these rights; anon may call only the guest''s two'
);

-- Triggers and jobs do not need EXECUTE (a trigger is not checked, a job runs as postgres), so
-- what nobody on the API may call is an internal that belongs in `internal`.
select is(
	array(select p.oid::regprocedure::text from pg_proc p
		where p.pronamespace = 'public'::regnamespace
			and not (has_function_privilege('anon', p.oid, 'execute')
				or has_function_privilege('authenticated', p.oid, 'execute')
				or has_function_privilege('service_role', p.oid, 'execute'))
		order by 1),
	'{}'::text[],
	'every function in public is an RPC: an API role may call it'
);
select is(
	array(select p.oid::regprocedure::text from pg_proc p
		where p.pronamespace = 'public'::regnamespace and p.prorettype = 'trigger'::regtype
		order by 1),
	'{}'::text[],
	'no trigger function lives in public'
);
-- An RPC is where a call comes in, never a step of something else. A helper that a constraint,
-- trigger, default, view or another function's body calls is an internal, even when the writer's
-- role must be able to run it (the follow-up rule was such a helper until
-- 20261204200000_follow_up_rule_internal.sql). Bodies are matched by name followed by "(".
select is(
	array(
		select p.oid::regprocedure::text || ' <- ' || pg_describe_object(d.classid, d.objid, d.objsubid)
		from pg_depend d
		join pg_proc p on d.refclassid = 'pg_proc'::regclass and d.refobjid = p.oid
		where p.pronamespace = 'public'::regnamespace
		union
		select p.oid::regprocedure::text || ' <- ' || caller.oid::regprocedure::text
		from pg_proc p
		join pg_proc caller on caller.oid <> p.oid
			and caller.pronamespace in ('public'::regnamespace, 'internal'::regnamespace)
			and caller.prolang in (select l.oid from pg_language l where l.lanname in ('sql', 'plpgsql'))
			and caller.prosrc ~ ('\m' || p.proname || '\(')
		where p.pronamespace = 'public'::regnamespace
		order by 1),
	'{}'::text[],
	'nothing in the database calls a function of public: each is an entry point of the API'
);

select is(
	(select array_agg(p.proname::text order by p.proname) from pg_proc p
		where p.pronamespace = 'public'::regnamespace and p.prosecdef),
	array['accept_exchange', 'claim_reminder_deliveries', 'create_exchange_token', 'delete_my_account',
		'delete_push_subscription', 'peek_exchange', 'push_subscription_status',
		'record_reminder_outcomes', 'reminder_test_target', 'save_push_subscription', 'send_card_back'],
	'the only SECURITY DEFINER functions in public are RPCs the app or the send-reminders function calls'
);

select is(
	(select count(*)::integer from pg_proc p
		where p.pronamespace = 'internal'::regnamespace
			and has_function_privilege('anon', p.oid, 'execute')),
	0,
	'anon may call nothing in internal'
);

-- A function gets EXECUTE for PUBLIC when it is created (a null ACL is that default), so a helper
-- added without its revoke shows up here.
select is(
	(select array_agg(p.oid::regprocedure::text order by 1) from pg_proc p
		where p.pronamespace = 'internal'::regnamespace
			and (p.proacl is null
				or exists (select from aclexplode(p.proacl) a where a.grantee = 0 and a.privilege_type = 'EXECUTE'))),
	null,
	'PUBLIC may execute nothing in internal'
);

-- sync_push and sync_pull are SECURITY INVOKER (RLS is their owner check), so the caller must be
-- able to run what they call, and nothing more (20261202210000_internal_execute.sql). The
-- SECURITY DEFINER ones answer only about the caller, or about the ids the caller names. The
-- follow-up rule and its helpers run as the writer too: in the time_zone check constraints and the
-- post-event follow-up trigger (20261204200000_follow_up_rule_internal.sql).
select results_eq(
	$$select p.oid::regprocedure::text collate "default", p.prosecdef
		from pg_proc p
		where p.pronamespace = 'internal'::regnamespace
			and has_function_privilege('authenticated', p.oid, 'execute')
		order by 1$$,
	$$values
		('internal.follow_up_due_at(timestamp with time zone,timestamp with time zone,text,integer,integer,boolean)',
			false),
		('internal.is_valid_time_zone(text)', false),
		('internal.local_time_to_instant(timestamp without time zone,text)', false),
		('internal.sync_bound(timestamp with time zone)', false),
		('internal.sync_caller()', true),
		('internal.sync_claim_my_tx()', true),
		('internal.sync_connection_wins(connections,connections)', false),
		('internal.sync_epoch()', true),
		('internal.sync_field_time(jsonb,text,timestamp with time zone)', false),
		('internal.sync_field_times(jsonb,timestamp with time zone)', false),
		('internal.sync_follow_up_owned_elsewhere(uuid)', true),
		('internal.sync_last_tx()', true),
		('internal.sync_merge_connection(connections,connections)', false),
		('internal.sync_parse_boolean(jsonb,text)', false),
		('internal.sync_parse_instant(jsonb,text,boolean)', false),
		('internal.sync_parse_integer(jsonb,text)', false),
		('internal.sync_parse_object(jsonb,text)', false),
		('internal.sync_parse_tags(jsonb,text)', false),
		('internal.sync_parse_text(jsonb,text)', false),
		('internal.sync_parse_uuid(jsonb,text,boolean)', false),
		('internal.sync_push_answer(jsonb,jsonb)', false),
		('internal.sync_push_each(jsonb)', false),
		('internal.sync_push_known_ids(uuid[],uuid[],uuid[])', true),
		('internal.sync_push_set(jsonb)', false),
		('internal.sync_server_row(text,jsonb)', false),
		('internal.sync_wire_connection(connections)', false),
		('internal.sync_wire_event(events)', false),
		('internal.sync_wire_follow_up(follow_ups)', false),
		('internal.sync_wire_profile(profiles)', false)$$,
	'authenticated may execute only what sync_push, sync_pull and the writer''s checks call in internal'
);

-- By persona: a signed-in user reaching for another account's clock or quota counts, and a guest
-- with the anon key reaching for anything in internal.
select tests.create_user('0a000000-0000-4000-8000-00000000000a', 'a@example.test');
select tests.create_user('0b000000-0000-4000-8000-00000000000b', 'b@example.test');
select tests.authenticate_as('0a000000-0000-4000-8000-00000000000a');
select throws_ok(
	$$select internal.sync_claim_tx('0b000000-0000-4000-8000-00000000000b')$$,
	'42501', null,
	'authenticated cannot claim (lock, move) another owner''s sync clock'
);
select throws_ok(
	$$select internal.sync_add_usage('0b000000-0000-4000-8000-00000000000b', 'connections', 100000, 0, false)$$,
	'42501', null,
	'authenticated cannot change another owner''s quota counts'
);
reset role;
select tests.clear_authentication();
select throws_ok(
	$$select internal.sync_caller()$$,
	'42501', null,
	'anon cannot reach internal at all'
);
reset role;

select ok(
	not has_schema_privilege('anon', 'internal', 'usage')
		and not has_schema_privilege('anon', 'internal', 'create')
		and not has_schema_privilege('authenticated', 'internal', 'create'),
	'internal: anon cannot reach it and nobody but its owner adds to it'
);

select is(
	(select array_agg(c.relnamespace::regnamespace::text || '.' || c.relname order by c.relname)
		from pg_class c
		where c.relkind = 'S'
			and c.relnamespace in ('public'::regnamespace, 'internal'::regnamespace)
			and (has_sequence_privilege('authenticated', c.oid, 'usage')
				or has_sequence_privilege('authenticated', c.oid, 'select')
				or has_sequence_privilege('authenticated', c.oid, 'update')
				or has_sequence_privilege('anon', c.oid, 'usage'))),
	null,
	'no sequence can be read, used or set by anon or authenticated'
);

select is(
	(select array_agg(c.relname::text order by c.relname)
		from pg_class c
		where c.relnamespace = 'internal'::regnamespace and c.relkind = 'r'
			and (pg_temp.table_privileges('anon', c.oid) <> '-'
				or pg_temp.table_privileges('authenticated', c.oid) <> '-')),
	null,
	'internal tables (sync clocks and usage, reminders) are nobody''s but their SECURITY DEFINER helpers'''
);

-- The two look-ups that answer whether another user's id exists, and their bounds.
select is(
	(select array_agg(p.pronamespace::regnamespace::text order by p.proname) from pg_proc p
		where p.proname in ('sync_push_known_ids', 'sync_follow_up_owned_elsewhere')),
	array['internal', 'internal'],
	'sync_push_known_ids and sync_follow_up_owned_elsewhere are out of the API'
);
select throws_ok(
	$$select * from internal.sync_push_known_ids(
		array(select gen_random_uuid() from generate_series(1, 1001)), '{}', '{}')$$,
	'54000', null,
	'sync_push_known_ids refuses more ids than a batch can name'
);

select * from finish();
rollback;
