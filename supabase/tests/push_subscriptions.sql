-- Push subscriptions through their RPCs, persona by persona, and who may call what.
--
--   A        0a000000-0000-4000-8000-00000000000a  subscribes a phone and a laptop
--   B        0b000000-0000-4000-8000-00000000000b  another account; later signs in on A's laptop
--   anon     no session, the anon key only
--   service  the service role (the send-reminders Edge Function)
begin;
select plan(25);

-- The personas' user ids, for psql to put in as literals: :'A', :'B'.
\set A '0a000000-0000-4000-8000-00000000000a'
\set B '0b000000-0000-4000-8000-00000000000b'

select tests.create_user('0a000000-0000-4000-8000-00000000000a', 'a@example.test');
select tests.create_user('0b000000-0000-4000-8000-00000000000b', 'b@example.test');

-- save_push_subscription with valid keys for a device name.
create function pg_temp.save(user_id text, device text, locale text default 'zh-TW')
returns text
language sql
as $$
	select tests.outcome_as(user_id, format(
		$s$select public.save_push_subscription(%L, %L, %L, 'chrome', %L)::text$s$,
		'https://push.example.test/' || device, 'B' || repeat('x', 86), repeat('y', 22), locale))
$$;

-- Subscribing -------------------------------------------------------------------------------------

select matches(pg_temp.save(:'A', 'a-phone'),
	'^\{"id": "[0-9a-f-]{36}"\}$', 'A subscribes a phone');
select matches(pg_temp.save(:'A', 'a-laptop', 'en'),
	'^\{"id"', 'and a laptop, in English');
select is(
	pg_temp.save(:'A', 'a-phone', 'en'),
	(select jsonb_build_object('id', s.id)::text from public.push_subscriptions s
		where s.endpoint = 'https://push.example.test/a-phone'),
	'subscribing the same endpoint again keeps its row'
);
select is(
	(select s.locale from public.push_subscriptions s where s.endpoint = 'https://push.example.test/a-phone'),
	'en',
	'and updates it'
);

select results_eq(
	$$select tests.outcome_as('0a000000-0000-4000-8000-00000000000a', format(
			$s$select public.save_push_subscription(%L, %L, %L, %L, %L)$s$, e, p, a, u, l))
		from (values
			(1, 'http://push.example.test/x', 'B' || repeat('x', 86), repeat('y', 22), 'chrome', 'en'),
			(2, 'https://push.example.test/' || repeat('x', 1000), 'B' || repeat('x', 86), repeat('y', 22), 'chrome', 'en'),
			(3, 'https://push.example.test/x', 'short', repeat('y', 22), 'chrome', 'en'),
			(4, 'https://push.example.test/x', 'B' || repeat('x', 86), 'y/y+', 'chrome', 'en'),
			(5, 'https://push.example.test/x', 'B' || repeat('x', 86), repeat('y', 22), 'netscape', 'en'),
			(6, 'https://push.example.test/x', 'B' || repeat('x', 86), repeat('y', 22), 'chrome', 'fr'),
			(7, null, 'B' || repeat('x', 86), repeat('y', 22), 'chrome', 'en')
		) v(n, e, p, a, u, l)
		order by v.n$$,
	$$select '22023 push_subscription_invalid (with hint)' from generate_series(1, 7)$$,
	'a plain-http or overlong endpoint, bad keys, an unknown browser or language: push_subscription_invalid'
);

select is(
	tests.outcome_as(:'A', $$select count(*)::text from public.push_subscriptions$$),
	'2',
	'A sees both devices'
);
select is(
	tests.outcome_as(:'B', $$select count(*)::text from public.push_subscriptions$$),
	'0',
	'B sees none of A''s (RLS)'
);
select is(
	tests.outcome_as(:'A', $$select public.push_subscription_status('https://push.example.test/a-phone')::text$$),
	'{"last_error": null, "subscribed": true, "last_sent_at": null}',
	'status: subscribed, nothing sent yet'
);
select is(
	tests.outcome_as(:'B', $$select public.push_subscription_status('https://push.example.test/a-phone')::text$$),
	'{"last_error": null, "subscribed": false, "last_sent_at": null}',
	'B asking about A''s endpoint learns nothing'
);

select is(
	tests.outcome_as('anon', $$select count(*)::text from public.push_subscriptions$$),
	'42501 permission denied for table push_subscriptions',
	'anon cannot read the table at all'
);

-- Writes go through the RPCs only.
select is(
	tests.outcome_as(:'A', $$update public.push_subscriptions set locale = 'zh-TW' returning 1$$),
	'42501 permission denied for table push_subscriptions',
	'A cannot write the table directly'
);

-- One device, one account ---------------------------------------------------------------------------

select internal.queue_reminders(now());
insert into internal.reminder_digests (user_id, local_date, time_zone, created_at, send_before, due_count, names)
values ('0a000000-0000-4000-8000-00000000000a', '2027-03-09', 'Asia/Taipei', now(), now() + interval '1 day',
	2, array['林志明', 'Amy Chen']);
insert into internal.reminder_deliveries (digest_id, subscription_id, next_attempt_at)
select d.id, s.id, now() from internal.reminder_digests d, public.push_subscriptions s;

select matches(pg_temp.save(:'B', 'a-laptop'),
	'^\{"id"', 'B signs in on A''s laptop and subscribes it');
select results_eq(
	$$select s.user_id, s.endpoint from public.push_subscriptions s order by s.endpoint$$,
	$$values ('0b000000-0000-4000-8000-00000000000b'::uuid, 'https://push.example.test/a-laptop'),
		('0a000000-0000-4000-8000-00000000000a'::uuid, 'https://push.example.test/a-phone')$$,
	'the laptop is now B''s, A keeps the phone'
);
select is(
	(select array_agg(s.endpoint) from internal.reminder_deliveries d
		join public.push_subscriptions s on s.id = d.subscription_id),
	array['https://push.example.test/a-phone'],
	'A''s pending digest no longer goes to the laptop'
);

-- Unsubscribing ---------------------------------------------------------------------------------------

select is(
	tests.outcome_as(:'B', $$select public.delete_push_subscription('https://push.example.test/a-phone')::text$$),
	'',
	'B unsubscribing A''s phone does nothing'
);
select is((select count(*)::integer from public.push_subscriptions), 2, 'both rows are still there');
select is(
	tests.outcome_as(:'B', $$select public.delete_push_subscription('https://push.example.test/a-laptop')::text$$),
	'',
	'B unsubscribes the laptop'
);
select is(
	tests.outcome_as(:'B', $$select public.delete_push_subscription('https://push.example.test/a-laptop')::text$$),
	'',
	'and again, without an error'
);
select is(
	(select array_agg(s.endpoint) from public.push_subscriptions s),
	array['https://push.example.test/a-phone'],
	'only A''s phone is left'
);

-- Who may call what ---------------------------------------------------------------------------------

select is(
	tests.outcome_as('anon', $$select public.save_push_subscription('https://push.example.test/x',
		'B' || repeat('x', 86), repeat('y', 22), 'chrome', 'en')::text$$),
	'42501 permission denied for function save_push_subscription',
	'anon cannot subscribe'
);
select is(
	tests.outcome_as('anon', $$select public.push_subscription_status('https://push.example.test/a-phone')::text$$),
	'42501 permission denied for function push_subscription_status',
	'anon cannot ask about a device'
);
select is(
	tests.outcome_as(:'A', $$select public.claim_reminder_deliveries(10)::text$$),
	'42501 permission denied for function claim_reminder_deliveries',
	'a signed-in user cannot claim deliveries (and so read others'' keys)'
);
select is(
	tests.outcome_as(:'A', $$select public.reminder_test_target('0a000000-0000-4000-8000-00000000000a',
		'https://push.example.test/a-phone')::text$$),
	'42501 permission denied for function reminder_test_target',
	'nor look up a test target'
);
select is(
	tests.outcome_as('service_role', $$select public.reminder_test_target('0b000000-0000-4000-8000-00000000000b',
		'https://push.example.test/a-phone')::text$$),
	null,
	'the service role finds no test target for an endpoint that is not the user''s'
);

-- Account deletion ------------------------------------------------------------------------------------

select tests.outcome_as(:'A', $$select public.delete_my_account()::text$$);
select is((select count(*)::integer from public.push_subscriptions), 0,
	'deleting the account removes its subscriptions');

select * from finish();
rollback;
