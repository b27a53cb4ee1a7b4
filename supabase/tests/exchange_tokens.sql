-- The one-scan, two-way exchange: create_exchange_token and accept_exchange, persona by persona.
--
--   A  0a000000-0000-4000-8000-00000000000a  owner of the QR (Asia/Taipei, follow-ups a day later at 09:00)
--   B  0b000000-0000-4000-8000-00000000000b  stranger who scans A's QR, signed in with e-mail
--   C  0c000000-0000-4000-8000-00000000000c  scanner signed in anonymously
--   D  0d000000-0000-4000-8000-00000000000d  another scanner, signed in with e-mail
--   E  0e000000-0000-4000-8000-00000000000e  busy owner for the creation limit, signed in with e-mail
--   F  0f000000-0000-4000-8000-00000000000f  busy scanner for the accept limit, signed in with e-mail
--
-- now() is the transaction's start, so expiry and met_at are compared exactly; checks that need
-- another clock move expires_at, created_at or used_at as postgres.
begin;
select plan(69);

create function pg_temp.accept(token text, card jsonb)
returns text
language sql
as $$
	select tests.outcome(format('select public.accept_exchange(%L, %L)', token, card))
$$;

select tests.create_user('0a000000-0000-4000-8000-00000000000a', 'a@example.test');
select tests.create_user('0b000000-0000-4000-8000-00000000000b', 'b@example.test');
select tests.create_user('0c000000-0000-4000-8000-00000000000c');
select tests.create_user('0d000000-0000-4000-8000-00000000000d', 'd@example.test');
select tests.create_user('0e000000-0000-4000-8000-00000000000e', 'e@example.test');
select tests.create_user('0f000000-0000-4000-8000-00000000000f', 'f@example.test');
insert into public.profiles (owner_id, time_zone, follow_up_delay_days, follow_up_hour) values
	('0a000000-0000-4000-8000-00000000000a', 'Asia/Taipei', 1, 9);
insert into public.events (id, owner_id, name, starts_at, ends_at, time_zone, deleted_at) values
	('e0a00000-0000-4000-8000-000000000001', '0a000000-0000-4000-8000-00000000000a',
		'Tonight''s meetup', now() - interval '1 hour', now() + interval '3 hours', 'Asia/Taipei', null),
	('e0a00000-0000-4000-8000-000000000002', '0a000000-0000-4000-8000-00000000000a',
		'Last week''s talk', now() - interval '7 days', now() - interval '7 days', 'Asia/Taipei', null),
	('e0a00000-0000-4000-8000-000000000003', '0a000000-0000-4000-8000-00000000000a',
		'Deleted on a device', now(), now() + interval '1 hour', 'Asia/Taipei', now()),
	('e0a00000-0000-4000-8000-000000000004', '0a000000-0000-4000-8000-00000000000a',
		'Ended 23¾ hours ago', now() - interval '25 hours', now() - interval '23 hours 45 minutes',
		'Asia/Taipei', null),
	('e0a00000-0000-4000-8000-000000000005', '0a000000-0000-4000-8000-00000000000a',
		'Ended 23 hours ago', now() - interval '25 hours', now() - interval '23 hours', 'Asia/Taipei', null),
	('e0b00000-0000-4000-8000-000000000001', '0b000000-0000-4000-8000-00000000000b',
		'B''s meetup', now(), now() + interval '2 hours', 'Asia/Taipei', null);

-- Anonymous visitor: no session, no access to either function or table.
select tests.clear_authentication();
select throws_ok(
	'select public.create_exchange_token()',
	'42501', 'permission denied for function create_exchange_token',
	'anon visitor cannot create a token'
);
select throws_ok(
	$$select public.accept_exchange('AAAAAAAAAAAAAAAAAAAAAA', '{"name": "x"}')$$,
	'42501', 'permission denied for function accept_exchange',
	'anon visitor cannot accept a token'
);
select throws_ok(
	'select * from public.exchange_tokens',
	'42501', 'permission denied for table exchange_tokens',
	'anon visitor cannot read tokens'
);
reset role;

-- Service role: server-side work reads every token but has no session to create one for.
select tests.authenticate_as_service_role();
select throws_ok(
	'select public.create_exchange_token()',
	'42501', 'permission denied for function create_exchange_token',
	'service role cannot create a token: tokens belong to a signed-in user'
);
select throws_ok(
	$$select public.accept_exchange('AAAAAAAAAAAAAAAAAAAAAA', '{"name": "x"}')$$,
	'42501', 'permission denied for function accept_exchange',
	'service role cannot accept a token'
);
reset role;

-- Owner A creates tokens -------------------------------------------------------------------------
select tests.authenticate_as('0a000000-0000-4000-8000-00000000000a');

select public.create_exchange_token() as plain_answer \gset
select public.create_exchange_token('e0a00000-0000-4000-8000-000000000001') ->> 'token' as event_token \gset
select public.create_exchange_token('e0a00000-0000-4000-8000-000000000002') ->> 'token' as past_event_token \gset
select public.create_exchange_token('e0a00000-0000-4000-8000-000000000004') ->> 'token' as recent_event_token \gset
select public.create_exchange_token('e0a00000-0000-4000-8000-000000000005') ->> 'token' as ended_token \gset
select :'plain_answer'::jsonb ->> 'token' as plain_token \gset

select is(
	(select array_agg(key order by key) from jsonb_object_keys(:'plain_answer'::jsonb) key),
	array['expires_at', 'token'],
	'owner: the answer holds the token and its expiry, nothing else'
);
select matches(:'plain_token'::text, '^[A-Za-z0-9_-]{22}$', 'owner: the token is 22 base64url characters');
select is(
	rtrim(translate(encode(decode(translate(:'plain_token', '-_', '+/') || '==', 'base64'), 'base64'),
		'+/', '-_'), '='),
	:'plain_token'::text,
	'owner: the token is exactly 16 bytes (128 bits) in unpadded base64url'
);
select is(
	(:'plain_answer'::jsonb ->> 'expires_at')::timestamptz,
	now() + interval '30 minutes',
	'owner: without an event the token is valid for 30 minutes'
);
select results_eq(
	$$select expires_at from public.exchange_tokens
		where event_id = 'e0a00000-0000-4000-8000-000000000001'$$,
	$$values (now() + interval '3 hours' + interval '24 hours')$$,
	'owner: with an event the token is valid until a day after the event ends'
);
select results_eq(
	$$select expires_at from public.exchange_tokens
		where event_id = 'e0a00000-0000-4000-8000-000000000005'$$,
	$$values (now() + interval '1 hour')$$,
	'owner: for an event that ended 23 hours ago, until a day after its end: an hour from now'
);
select results_eq(
	$$select expires_at from public.exchange_tokens
		where event_id in ('e0a00000-0000-4000-8000-000000000002', 'e0a00000-0000-4000-8000-000000000004')$$,
	$$values (now() + interval '30 minutes'), (now() + interval '30 minutes')$$,
	'owner: for an event that ended a week ago, or 23¾ hours ago, still 30 minutes'
);
select is(
	(select count(*)::int from public.exchange_tokens),
	5,
	'owner: reads their own tokens'
);
select is(
	(select count(*)::int from public.exchange_tokens
		where token_hash = extensions.digest(:'plain_token', 'sha256')),
	1,
	'owner: the token is stored as its SHA-256'
);
select is(
	(select count(*)::int from public.exchange_tokens t
		where strpos(t::text, :'plain_token') > 0
			or strpos(t::text, encode(convert_to(:'plain_token', 'UTF8'), 'hex')) > 0),
	0,
	'owner: the token itself is stored nowhere in the row'
);
select is(
	tests.outcome($$select public.create_exchange_token('e0b00000-0000-4000-8000-000000000001')$$),
	'P0001 exchange_event_not_found (with hint)',
	'owner: a token for someone else''s event is refused'
);
select is(
	tests.outcome($$select public.create_exchange_token('e0a00000-0000-4000-8000-000000000003')$$),
	'P0001 exchange_event_not_found (with hint)',
	'owner: a token for a deleted event is refused'
);
select is(
	tests.outcome($$select public.create_exchange_token('e0a00000-0000-4000-8000-0000000000ff')$$),
	'P0001 exchange_event_not_found (with hint)',
	'owner: a token for an event the server does not have is refused'
);
select throws_ok(
	$$insert into public.exchange_tokens (token_hash, expires_at)
		values (extensions.digest('planted', 'sha256'), now() + interval '1 year')$$,
	'42501', 'permission denied for table exchange_tokens',
	'owner: cannot write a token directly, only through the function'
);
select throws_ok(
	$$update public.exchange_tokens set expires_at = now() + interval '1 year'$$,
	'42501', 'permission denied for table exchange_tokens',
	'owner: cannot extend a token directly'
);
select is(
	pg_temp.accept(:'event_token', '{"name": "Me again"}'),
	'P0001 exchange_own_token (with hint)',
	'owner: cannot accept their own token'
);
reset role;

-- Stranger B scans A's QR and sends their card back ----------------------------------------------
select tests.authenticate_as('0b000000-0000-4000-8000-00000000000b');

select is(
	(select count(*)::int from public.exchange_tokens),
	0,
	'stranger: sees none of the owner''s tokens'
);
select is(
	pg_temp.accept(
		:'event_token',
		'{"name": "林志明", "headline": "Frontend engineer", "channels": [{"kind": "line", "value": "zhiming"}]}'
	),
	'{"status": "accepted"}',
	'stranger: sending their card back is accepted'
);
select is(
	(select count(*)::int from public.connections),
	0,
	'stranger: the accept gives the stranger no connection (their app has its own) and shows none of A''s'
);
select is(
	pg_temp.accept(:'event_token', '{"name": "林志明"}'),
	'P0001 exchange_token_used (with hint)',
	'stranger: sending it again through the same token is a replay'
);
select is(
	pg_temp.accept('AAAAAAAAAAAAAAAAAAAAAA', '{"name": "林志明"}'),
	'P0001 exchange_token_invalid (with hint)',
	'stranger: a forged token of the right shape is invalid'
);
select is(
	pg_temp.accept(left(:'event_token', 21) || '.', '{"name": "林志明"}'),
	'P0001 exchange_token_invalid (with hint)',
	'stranger: a token with a character outside base64url is invalid'
);
select is(
	pg_temp.accept(:'event_token' || 'A', '{"name": "林志明"}'),
	'P0001 exchange_token_invalid (with hint)',
	'stranger: a token one character too long is invalid'
);
select is(
	pg_temp.accept(null, '{"name": "林志明"}'),
	'P0001 exchange_token_invalid (with hint)',
	'stranger: a missing token is invalid'
);
reset role;

-- What the owner got, as postgres.
select results_eq(
	$$select owner_id, card, event_id, met_at, updated_at, source, tier, note
		from public.connections where source = 'exchange'$$,
	$$values (
		'0a000000-0000-4000-8000-00000000000a'::uuid,
		'{"name": "林志明", "channels": [{"kind": "line", "value": "zhiming"}]}'::jsonb,
		'e0a00000-0000-4000-8000-000000000001'::uuid,
		now(),
		now(),
		'exchange',
		'none',
		null::text
	)$$,
	'the owner has exactly one new connection: the scanner''s card (fields a card does not have dropped), from the exchange, at the event, met now'
);
select results_eq(
	$$select f.owner_id, f.kind, f.cycle, f.status, f.due_at
		from public.follow_ups f join public.connections c on c.id = f.connection_id
		where c.source = 'exchange'$$,
	$$values (
		'0a000000-0000-4000-8000-00000000000a'::uuid,
		'post_event',
		0,
		'pending',
		internal.follow_up_due_at(now(), now() + interval '3 hours', 'Asia/Taipei', 1, 9, true)
	)$$,
	'the new connection has exactly one post-event follow-up, due per the owner''s settings'
);
select results_eq(
	$$select u.owner_id, u.scanner_id, u.used_at, u.connection_id, t.uses
		from public.exchange_token_uses u join public.exchange_tokens t on t.id = u.token_id$$,
	$$select '0a000000-0000-4000-8000-00000000000a'::uuid, '0b000000-0000-4000-8000-00000000000b'::uuid,
		now(), c.id, 1 from public.connections c where c.source = 'exchange'$$,
	'the use is recorded once: the stranger, now, the connection it made; the token counts one use'
);

-- Anonymous scanner C: the same token takes many scanners while it is valid.
select tests.authenticate_as('0c000000-0000-4000-8000-00000000000c');
select is(
	pg_temp.accept(:'event_token', '{"name": "Guest"}'),
	'{"status": "accepted"}',
	'anonymous scanner: the token also takes a second scanner'
);
reset role;

select is(
	(select uses from public.exchange_tokens where token_hash = extensions.digest(:'event_token', 'sha256')),
	2,
	'the token counts two uses'
);
select is(
	(select count(*)::int from public.follow_ups f join public.connections c on c.id = f.connection_id
		where c.source = 'exchange'),
	2,
	'each accepted card brought exactly one follow-up'
);

-- Expiry: the token is moved back in time as postgres.
update public.exchange_tokens set expires_at = now() - interval '1 second'
	where token_hash = extensions.digest(:'event_token', 'sha256');

select tests.authenticate_as('0d000000-0000-4000-8000-00000000000d');
select is(
	pg_temp.accept(:'event_token', '{"name": "Late"}'),
	'P0001 exchange_token_expired (with hint)',
	'another scanner: an expired token is refused'
);
reset role;

select tests.authenticate_as('0b000000-0000-4000-8000-00000000000b');
select is(
	pg_temp.accept(:'event_token', '{"name": "林志明"}'),
	'P0001 exchange_token_used (with hint)',
	'stranger: a retry after expiry still reads as delivered, not expired'
);
reset role;

update public.exchange_tokens set expires_at = now()
	where token_hash = extensions.digest(:'plain_token', 'sha256');
select tests.authenticate_as('0d000000-0000-4000-8000-00000000000d');
select is(
	pg_temp.accept(:'plain_token', '{"name": "Late"}'),
	'P0001 exchange_token_expired (with hint)',
	'another scanner: a token is expired at the instant it expires'
);
reset role;

-- Cards: validated in SQL. Scanner D, on the owner's 30-minute tokens.
select tests.authenticate_as('0d000000-0000-4000-8000-00000000000d');

select is(pg_temp.accept(:'past_event_token', card), 'P0001 exchange_card_invalid (with hint)', description)
from (values
	('[{"name": "x"}]'::jsonb, 'card: an array instead of an object is refused'),
	('"Lin"', 'card: a string instead of an object is refused'),
	(null, 'card: a missing card is refused'),
	('{"headline": "No name"}', 'card: a card without a name is refused'),
	('{"name": "   "}', 'card: a blank name is refused'),
	('{"name": 42}', 'card: a name that is not a string is refused'),
	(jsonb_build_object('name', repeat('名', 101)), 'card: a name over 100 characters is refused'),
	('{"name": "Lin", "channels": {"line": "lin"}}', 'card: channels that are not an array are refused'),
	('{"name": "Lin", "channels": null}', 'card: channels null instead of an array are refused'),
	(jsonb_build_object('name', 'Lin', 'bio', repeat('x', 16384)), 'card: a card over 16 KB is refused')
) as cards (card, description);

select is(
	(select count(*)::int from public.exchange_token_uses
		where scanner_id = '0d000000-0000-4000-8000-00000000000d'),
	0,
	'card: a refused card leaves no use behind'
);
select is(
	pg_temp.accept(
		:'past_event_token',
		jsonb_build_object(
			'name', repeat('名', 100),
			'channels', (select jsonb_agg(jsonb_build_object('kind', 'line', 'value', 'id' || n))
				from generate_series(1, 20) n)
		)
	),
	'{"status": "accepted"}',
	'card: a card at the limits (100-character name, 20 channels) is accepted'
);
reset role;

select is(
	(select event_id from public.connections
		where source = 'exchange' and card ->> 'name' = repeat('名', 100)),
	'e0a00000-0000-4000-8000-000000000002'::uuid,
	'card: the connection is linked to the token''s event'
);

-- Deleting the event stops its tokens (exchange_guest.sql has the soft delete too).
delete from public.events where id = 'e0a00000-0000-4000-8000-000000000004';
select tests.authenticate_as('0d000000-0000-4000-8000-00000000000d');
select is(
	pg_temp.accept(:'recent_event_token', '{"name": "After the event was deleted"}'),
	'P0001 exchange_token_revoked (with hint)',
	'a token whose event was deleted takes no more cards'
);
reset role;
select is(
	(select count(*)::int from public.connections c where c.card ->> 'name' = 'After the event was deleted'),
	0,
	'and nothing arrived through it'
);

-- Accept rate limit ------------------------------------------------------------------------------
-- Fixture tokens owned by E with known texts: 'limit' and 17 digits, 22 characters.
insert into public.exchange_tokens (owner_id, token_hash, expires_at, created_at)
select '0e000000-0000-4000-8000-00000000000e',
	extensions.digest('limit' || lpad(n::text, 17, '0'), 'sha256'),
	now() + interval '1 hour',
	now() - interval '2 hours'
from generate_series(1, 45) n;

-- F (e-mail account) has used 29 tokens in the last hour and one 61 minutes ago.
insert into public.exchange_token_uses (owner_id, token_id, scanner_id, used_at)
select t.owner_id, t.id, '0f000000-0000-4000-8000-00000000000f',
	now() - case when n = 30 then interval '61 minutes' else make_interval(mins => n) end
from generate_series(1, 30) n
join public.exchange_tokens t on t.token_hash = extensions.digest('limit' || lpad(n::text, 17, '0'), 'sha256');

select tests.authenticate_as('0f000000-0000-4000-8000-00000000000f');
select is(
	pg_temp.accept('limit' || lpad('31', 17, '0'), '{"name": "F"}'),
	'{"status": "accepted"}',
	'accept limit: the 30th card within an hour is accepted (the one 61 minutes ago no longer counts)'
);
select is(
	pg_temp.accept('limit' || lpad('32', 17, '0'), '{"name": "F"}'),
	'P0001 exchange_rate_limited (with hint)',
	'accept limit: the 31st within an hour is refused'
);
reset role;

-- C (anonymous) accepted one card above; nine more within the hour reach the anonymous limit.
insert into public.exchange_token_uses (owner_id, token_id, scanner_id, used_at)
select t.owner_id, t.id, '0c000000-0000-4000-8000-00000000000c', now() - make_interval(mins => n)
from generate_series(33, 40) n
join public.exchange_tokens t on t.token_hash = extensions.digest('limit' || lpad(n::text, 17, '0'), 'sha256');

select tests.authenticate_as('0c000000-0000-4000-8000-00000000000c');
select is(
	pg_temp.accept('limit' || lpad('41', 17, '0'), '{"name": "Guest"}'),
	'{"status": "accepted"}',
	'anonymous accept limit: the 10th card within an hour is accepted'
);
select is(
	pg_temp.accept('limit' || lpad('42', 17, '0'), '{"name": "Guest"}'),
	'P0001 exchange_rate_limited (with hint)',
	'anonymous accept limit: the 11th within an hour is refused'
);
reset role;

-- F's account is not anonymous. With ten cards in the last hour, only the JWT's claim decides.
update public.exchange_token_uses set used_at = now() - interval '2 hours'
	where scanner_id = '0f000000-0000-4000-8000-00000000000f';
update public.exchange_token_uses u set used_at = now() - interval '5 minutes'
	from public.exchange_tokens t
	where u.scanner_id = '0f000000-0000-4000-8000-00000000000f'
		and t.id = u.token_id
		and t.token_hash in (
			select extensions.digest('limit' || lpad(n::text, 17, '0'), 'sha256')
			from generate_series(1, 10) n
		);

select tests.authenticate_as('0f000000-0000-4000-8000-00000000000f', true);
select is(
	pg_temp.accept('limit' || lpad('43', 17, '0'), '{"name": "F"}'),
	'P0001 exchange_rate_limited (with hint)',
	'anonymous accept limit: a session whose JWT says anonymous gets 10 an hour'
);
reset role;

select tests.authenticate_as('0f000000-0000-4000-8000-00000000000f');
select is(
	pg_temp.accept('limit' || lpad('43', 17, '0'), '{"name": "F"}'),
	'{"status": "accepted"}',
	'accept limit: the same ten cards leave an e-mail session room for more'
);
reset role;

-- Creation rate limit ----------------------------------------------------------------------------
-- E's 45 fixture tokens are two hours old; 19 more within the hour.
insert into public.exchange_tokens (owner_id, token_hash, expires_at, created_at)
select '0e000000-0000-4000-8000-00000000000e',
	extensions.digest('recent' || lpad(n::text, 16, '0'), 'sha256'),
	now() + interval '1 hour',
	now() - make_interval(mins => n)
from generate_series(1, 19) n;

select tests.authenticate_as('0e000000-0000-4000-8000-00000000000e');
select matches(
	tests.outcome('select public.create_exchange_token()'),
	'^\{"token": "[A-Za-z0-9_-]{22}"',
	'create limit: the 20th token within an hour is created'
);
select is(
	tests.outcome('select public.create_exchange_token()'),
	'P0001 exchange_rate_limited (with hint)',
	'create limit: the 21st within an hour is refused'
);
reset role;

-- C (anonymous) has no token yet: nine within the hour, then the anonymous limit.
insert into public.exchange_tokens (owner_id, token_hash, expires_at, created_at)
select '0c000000-0000-4000-8000-00000000000c',
	extensions.digest('guest' || lpad(n::text, 17, '0'), 'sha256'),
	now() + interval '1 hour',
	now() - make_interval(mins => n)
from generate_series(1, 9) n;

select tests.authenticate_as('0c000000-0000-4000-8000-00000000000c');
select matches(
	tests.outcome('select public.create_exchange_token()'),
	'^\{"token": "[A-Za-z0-9_-]{22}"',
	'anonymous create limit: the 10th token within an hour is created'
);
select is(
	tests.outcome('select public.create_exchange_token()'),
	'P0001 exchange_rate_limited (with hint)',
	'anonymous create limit: the 11th within an hour is refused'
);
reset role;

-- Who sees the uses of a token ------------------------------------------------------------------
select tests.authenticate_as('0a000000-0000-4000-8000-00000000000a');
select results_eq(
	'select scanner_id from public.exchange_token_uses order by scanner_id',
	$$values ('0b000000-0000-4000-8000-00000000000b'::uuid), ('0c000000-0000-4000-8000-00000000000c'),
		('0d000000-0000-4000-8000-00000000000d')$$,
	'owner with e-mail: sees who scanned their tokens, and only their tokens'
);
reset role;

select tests.authenticate_as('0a000000-0000-4000-8000-00000000000a', true);
select is(
	(select count(*)::int from public.exchange_token_uses),
	0,
	'owner in an anonymous session: does not see who scanned'
);
select is(
	(select sum(uses)::int from public.exchange_tokens),
	3,
	'owner in an anonymous session: still sees how many scanned'
);
reset role;

select tests.authenticate_as('0b000000-0000-4000-8000-00000000000b');
select is(
	(select count(*)::int from public.exchange_token_uses),
	0,
	'scanner: does not see the uses they made of someone else''s token'
);
reset role;

-- Not signed in: a session whose user no longer exists.
select tests.authenticate_as('0999999f-0000-4000-8000-000000000000');
select is(
	tests.outcome('select public.create_exchange_token()'),
	'P0001 not_signed_in (with hint)',
	'a session whose user was deleted cannot create a token'
);
select is(
	pg_temp.accept('limit' || lpad('44', 17, '0'), '{"name": "Ghost"}'),
	'P0001 not_signed_in (with hint)',
	'a session whose user was deleted cannot accept a token'
);
reset role;

select * from finish();
rollback;
