-- A guest without the app sends their card back (peek_exchange, send_card_back), and the limits
-- that keep the exchange from being abused, persona by persona.
--
--   A  0a000000-0000-4000-8000-00000000000a  owner of the QR, "陳怡君", e-mail account
--   N  0a000000-0000-4000-8000-0000000000a2  owner in an anonymous account, "Nina"
--   C  0c000000-0000-4000-8000-00000000000c  another owner, "Chris", whose token a forged link carries
--   guest                                    no account at all: the anon key only
--
-- Fixture tokens are made as postgres with known texts; the limits are reached by inserting past
-- uses rather than by calling thousands of times.
begin;
select plan(75);

-- As a guest with no session: send_card_back with a fresh delivery id and a browser of its own
-- unless they are given.
create function pg_temp.send(
	token text,
	card jsonb,
	owner_name text default '陳怡君',
	message text default null,
	delivery uuid default gen_random_uuid(),
	guest uuid default gen_random_uuid()
)
returns text
language sql
as $$
	select tests.outcome_as('anon', format(
		'select public.send_card_back(token => %L, owner_name => %L, card => %L, delivery_id => %L, guest_id => %L, message => %L)',
		token, owner_name, card, delivery, guest, message
	))
$$;

create function pg_temp.peek(token text)
returns text
language sql
as $$
	select tests.outcome_as('anon', format('select public.peek_exchange(%L)', token))
$$;

-- A token with a known text ('t' and 21 characters), owned by someone, made as postgres.
create function pg_temp.token(label text, owner uuid, event uuid default null)
returns text
language plpgsql
as $$
declare
	text_of text := rpad('t' || label, 22, '0');
begin
	insert into public.exchange_tokens (owner_id, token_hash, event_id, expires_at)
	values (owner, extensions.digest(text_of, 'sha256'), event, now() + interval '1 hour');
	return text_of;
end;
$$;

create function pg_temp.arrivals(owner uuid)
returns integer
language sql
as $$
	select count(*)::int from public.connections where owner_id = owner and source = 'exchange'
$$;

select tests.create_user('0a000000-0000-4000-8000-00000000000a', 'a@example.test');
select tests.create_user('0a000000-0000-4000-8000-0000000000a2');
select tests.create_user('0c000000-0000-4000-8000-00000000000c', 'c@example.test');
insert into public.profiles (owner_id, display_name, time_zone, follow_up_delay_days, follow_up_hour) values
	('0a000000-0000-4000-8000-00000000000a', '陳怡君', 'Asia/Taipei', 1, 9),
	('0a000000-0000-4000-8000-0000000000a2', 'Nina', 'Asia/Taipei', 1, 9),
	('0c000000-0000-4000-8000-00000000000c', 'Chris', 'Asia/Taipei', 1, 9);
insert into public.events (id, owner_id, name, starts_at, ends_at, time_zone) values
	('e0a00000-0000-4000-8000-000000000001', '0a000000-0000-4000-8000-00000000000a',
		'Tonight', now() - interval '1 hour', now() + interval '2 hours', 'Asia/Taipei'),
	('e0a00000-0000-4000-8000-000000000009', '0a000000-0000-4000-8000-00000000000a',
		'Ends in year 9999', now(), '9999-12-31 23:59:59+00', 'Asia/Taipei');

select pg_temp.token('main', '0a000000-0000-4000-8000-00000000000a', 'e0a00000-0000-4000-8000-000000000001') as main \gset
select pg_temp.token('chris', '0c000000-0000-4000-8000-00000000000c') as chris \gset

-- What anon may do at all --------------------------------------------------------------------------
select is(
	(select array_agg(p.proname::text order by p.proname)
		from pg_proc p join pg_namespace n on n.oid = p.pronamespace
		where n.nspname in ('public', 'internal') and has_function_privilege('anon', p.oid, 'execute')),
	array['peek_exchange', 'send_card_back'],
	'anon: the only functions it may call are peek_exchange and send_card_back'
);
select is(
	(select count(*)::int from information_schema.role_table_grants
		where grantee in ('anon', 'PUBLIC') and table_schema in ('public', 'internal')),
	0,
	'anon: no privilege on any table'
);
select ok(
	not has_schema_privilege('anon', 'internal', 'usage'),
	'anon: cannot use the internal schema'
);

-- Peek ---------------------------------------------------------------------------------------------
select is(pg_temp.peek(:'main'), '{"status": "usable", "owner_name": "陳怡君"}',
	'peek: a usable token names its owner as the server knows them');
select is(pg_temp.peek('AAAAAAAAAAAAAAAAAAAAAA'), '{"status": "invalid"}', 'peek: a forged token is invalid');
select is(pg_temp.peek('short'), '{"status": "invalid"}', 'peek: a malformed token is invalid');
select is(pg_temp.peek(null), '{"status": "invalid"}', 'peek: no token is invalid');

-- One card, delivered once -------------------------------------------------------------------------
select is(
	pg_temp.send(:'main', '{"name": "林志明", "channels": [{"kind": "line", "value": "zhiming"}], "extra": 1}',
		message => '我是剛剛問長照 App 的那位', delivery => '00000000-0000-4000-8000-0000000000d1'),
	'{"status": "accepted"}',
	'guest: sends their card through a usable token'
);
select results_eq(
	$$select owner_id, card, event_id, met_at, note, source from public.connections where source = 'exchange'$$,
	$$values ('0a000000-0000-4000-8000-00000000000a'::uuid,
		'{"name": "林志明", "channels": [{"kind": "line", "value": "zhiming"}]}'::jsonb,
		'e0a00000-0000-4000-8000-000000000001'::uuid, now(), '我是剛剛問長照 App 的那位', 'exchange')$$,
	'guest: the owner gets one connection: the cleaned card, the token''s event, the message as its note'
);
select is(
	(select count(*)::int from public.follow_ups f join public.connections c on c.id = f.connection_id
		where c.source = 'exchange' and f.kind = 'post_event'),
	1,
	'guest: the database scheduled its follow-up'
);
select is(
	pg_temp.send(:'main', '{"name": "林志明"}', delivery => '00000000-0000-4000-8000-0000000000d1'),
	'{"status": "accepted"}',
	'guest: the same delivery again (a second tap, a reload, a lost answer) answers as delivered'
);
select is(pg_temp.arrivals('0a000000-0000-4000-8000-00000000000a'), 1, 'guest: ... and delivers nothing twice');
select is(
	(select scanner_id from public.exchange_token_uses),
	null::uuid,
	'guest: the use records no account'
);
select is(
	(select delivery_id from public.exchange_token_uses),
	'00000000-0000-4000-8000-0000000000d1'::uuid,
	'guest: the use records the delivery id'
);
select is(
	pg_temp.send(:'main', '{"name": "Lin"}', delivery => null),
	'P0001 exchange_delivery_invalid (with hint)',
	'guest: a delivery needs its idempotency key'
);
select is(
	pg_temp.send(:'main', '{"name": "Lin"}', guest => null),
	'P0001 exchange_delivery_invalid (with hint)',
	'guest: a delivery needs the browser''s id'
);

-- Bad tokens and forged links ----------------------------------------------------------------------
select is(pg_temp.send('AAAAAAAAAAAAAAAAAAAAAA', '{"name": "Lin"}'), 'P0001 exchange_token_invalid (with hint)',
	'guest: a forged token is refused');
select is(pg_temp.send('not a token', '{"name": "Lin"}'), 'P0001 exchange_token_invalid (with hint)',
	'guest: a malformed token is refused');
select is(pg_temp.send(:'chris', '{"name": "Lin"}', owner_name => '陳怡君'), 'P0001 exchange_owner_mismatch (with hint)',
	'guest: a link showing A''s card with C''s token is refused');
select is(pg_temp.arrivals('0c000000-0000-4000-8000-00000000000c'), 0,
	'guest: ... and C receives nothing');

-- Server-side cleaning: a card that fails makes no connection and no follow-up ---------------------
select is(pg_temp.send(:'main', card), 'P0001 exchange_card_invalid (with hint)', description)
from (values
	(jsonb_build_object('name', 'Lin', 'channels',
		(select jsonb_agg(jsonb_build_object('kind', 'line', 'value', 'id' || n)) from generate_series(1, 200) n)),
		'cleaning: 200 channels are refused'),
	(jsonb_build_object('name', 'Lin', 'channels',
		(select jsonb_agg(jsonb_build_object('kind', 'line', 'value', 'id' || n)) from generate_series(1, 21) n)),
		'cleaning: 21 channels are refused'),
	(jsonb_build_object('name', 'gpj' || chr(8238) || 'exe.Lin'), 'cleaning: a right-to-left override in the name is refused'),
	(jsonb_build_object('name', 'Lin' || chr(8294) || 'x' || chr(8297)), 'cleaning: a bidi isolate in the name is refused'),
	(jsonb_build_object('name', 'Li' || chr(8203) || 'n'), 'cleaning: a zero-width space in the name is refused'),
	(jsonb_build_object('name', 'Li' || chr(65279) || 'n'), 'cleaning: a BOM in the name is refused'),
	(jsonb_build_object('name', 'Lin' || chr(7)), 'cleaning: a control character in the name is refused'),
	(jsonb_build_object('name', E'Lin\nDrop'), 'cleaning: a line break in the name is refused'),
	(jsonb_build_object('name', '  Lin'), 'cleaning: spaces around the name are refused'),
	(jsonb_build_object('name', repeat('名', 101)), 'cleaning: a name over 100 characters is refused'),
	('{"channels": [{"kind": "line", "value": "lin"}]}'::jsonb, 'cleaning: a card without a name is refused'),
	('{"name": "Lin", "channels": [{"kind": "other", "value": "javascript:alert(1)"}]}',
		'cleaning: a javascript: link is refused'),
	('{"name": "Lin", "channels": [{"kind": "website", "value": "data:text/html,hi"}]}',
		'cleaning: a data: link is refused'),
	('{"name": "Lin", "channels": [{"kind": "phone", "value": "call me"}]}',
		'cleaning: a phone that is not a number is refused'),
	('{"name": "Lin", "channels": [{"kind": "email", "value": "a@b"}]}',
		'cleaning: an e-mail without a domain is refused'),
	('{"name": "Lin", "channels": [{"kind": "fax", "value": "123"}]}', 'cleaning: an unknown kind is refused'),
	('{"name": "Lin", "channels": [{"kind": "line", "value": "lin", "onclick": "x"}]}',
		'cleaning: a channel with fields of its own is refused'),
	(jsonb_build_object('name', 'Lin', 'title', 'CEO' || chr(8238)), 'cleaning: a bidi override in the title is refused'),
	('[{"name": "Lin"}]'::jsonb, 'cleaning: an array is not a card')
) as cards (card, description);
select is(pg_temp.arrivals('0a000000-0000-4000-8000-00000000000a'), 1,
	'cleaning: none of the refused cards made a connection');
select is(
	(select count(*)::int from public.follow_ups where owner_id = '0a000000-0000-4000-8000-00000000000a'),
	1,
	'cleaning: ... or a follow-up'
);
select is(
	pg_temp.send(:'main', '{"name": "Lin"}', message => repeat('x', 10 * 1024 * 1024)),
	'P0001 exchange_message_invalid (with hint)',
	'cleaning: a 10 MB message is refused'
);
select is(
	pg_temp.send(:'main', '{"name": "Lin"}', message => 'hi' || chr(8238)),
	'P0001 exchange_message_invalid (with hint)',
	'cleaning: a message with a bidi override is refused'
);
select is(pg_temp.arrivals('0a000000-0000-4000-8000-00000000000a'), 1,
	'cleaning: ... and neither made a connection');

-- Lifetime -----------------------------------------------------------------------------------------
select tests.authenticate_as('0a000000-0000-4000-8000-00000000000a');
select is(
	(public.create_exchange_token('e0a00000-0000-4000-8000-000000000009') ->> 'expires_at')::timestamptz,
	now() + interval '7 days',
	'lifetime: an event ending in year 9999 gives a token of 7 days'
);
reset role;
select pg_temp.token('old', '0a000000-0000-4000-8000-00000000000a') as old_token \gset
update public.exchange_tokens
	set created_at = now() - interval '7 days', expires_at = now() + interval '1 year'
	where token_hash = extensions.digest(:'old_token', 'sha256');
select is(pg_temp.peek(:'old_token'), '{"status": "expired"}',
	'lifetime: a token made 7 days ago is expired whatever its expires_at says');
select is(pg_temp.send(:'old_token', '{"name": "Lin"}'), 'P0001 exchange_token_expired (with hint)',
	'lifetime: ... and takes no card');

-- Revoke: "show a new QR" ---------------------------------------------------------------------------
select tests.authenticate_as('0a000000-0000-4000-8000-00000000000a');
select public.create_exchange_token(null) ->> 'token' as kept_token \gset
select public.create_exchange_token(null, revoke_others => true) ->> 'token' as new_token \gset
reset role;
select is(pg_temp.peek(:'kept_token'), '{"status": "revoked"}', 'revoke: a new QR stops the earlier one');
select is(pg_temp.send(:'kept_token', '{"name": "Lin"}'), 'P0001 exchange_token_revoked (with hint)',
	'revoke: ... which takes no card');
select is(pg_temp.peek(:'main'), '{"status": "revoked"}', 'revoke: ... and every other earlier one');
select is(pg_temp.send(:'new_token', '{"name": "Lin"}'), '{"status": "accepted"}',
	'revoke: the new QR takes cards');
select is(
	(select count(*)::int from public.exchange_tokens
		where owner_id = '0c000000-0000-4000-8000-00000000000c' and revoked_at is not null),
	0,
	'revoke: nobody else''s tokens are touched'
);

-- Event deletion -----------------------------------------------------------------------------------
select pg_temp.token('event', '0a000000-0000-4000-8000-00000000000a', 'e0a00000-0000-4000-8000-000000000009') as event_token \gset
update public.events set deleted_at = now(), updated_at = now()
	where id = 'e0a00000-0000-4000-8000-000000000009';
select is(pg_temp.peek(:'event_token'), '{"status": "revoked"}', 'event deleted: its tokens stop');
select is(pg_temp.send(:'event_token', '{"name": "Lin"}'), 'P0001 exchange_token_revoked (with hint)',
	'event deleted: ... and take no card');

-- Caps ---------------------------------------------------------------------------------------------
-- Per token: 200 cards ever.
select pg_temp.token('full', '0a000000-0000-4000-8000-00000000000a') as full_token \gset
update public.exchange_tokens set uses = 199 where token_hash = extensions.digest(:'full_token', 'sha256');
select is(pg_temp.send(:'full_token', '{"name": "Lin"}'), '{"status": "accepted"}',
	'per token: the 200th card is accepted');
select is(pg_temp.send(:'full_token', '{"name": "Lin"}'), 'P0001 exchange_token_full (with hint)',
	'per token: the 201st is refused');
select is(pg_temp.peek(:'full_token'), '{"status": "full"}', 'per token: peek says it is full');

-- Per token: 30 a minute.
select pg_temp.token('burst', '0a000000-0000-4000-8000-00000000000a') as burst_token \gset
insert into public.exchange_token_uses (owner_id, token_id, delivery_id, used_at)
select t.owner_id, t.id, gen_random_uuid(), now() - make_interval(secs => n)
from generate_series(1, 29) n
join public.exchange_tokens t on t.token_hash = extensions.digest(:'burst_token', 'sha256');
select is(pg_temp.send(:'burst_token', '{"name": "Lin"}'), '{"status": "accepted"}',
	'per token: the 30th card within a minute is accepted');
select is(pg_temp.send(:'burst_token', '{"name": "Lin"}'), 'P0001 exchange_rate_limited (with hint)',
	'per token: the 31st within a minute is refused');

-- Per owner: 300 a day. A has had some today; fill up to 299 with uses of an hour ago.
select pg_temp.token('day', '0a000000-0000-4000-8000-00000000000a') as day_token \gset
insert into public.exchange_token_uses (owner_id, token_id, delivery_id, used_at)
select t.owner_id, t.id, gen_random_uuid(), now() - interval '1 hour'
from generate_series(1, 299 - (select count(*) from public.exchange_token_uses
		where owner_id = '0a000000-0000-4000-8000-00000000000a'))
join public.exchange_tokens t on t.token_hash = extensions.digest(:'main', 'sha256');
select is(pg_temp.send(:'day_token', '{"name": "Lin"}'), '{"status": "accepted"}',
	'per owner: the 300th card of the day is accepted');
select is(pg_temp.send(:'day_token', '{"name": "Lin"}'), 'P0001 exchange_rate_limited (with hint)',
	'per owner: the 301st is refused');
select is(
	(select count(*)::int from public.connections
		where owner_id = '0a000000-0000-4000-8000-00000000000a' and card ->> 'name' = 'Lin'
			and event_id is null and met_at = now()),
	4,
	'per owner: refused cards made no connection (only the four accepted ones are there)'
);
update public.exchange_token_uses set used_at = now() - interval '25 hours'
	where owner_id = '0a000000-0000-4000-8000-00000000000a';
select is(pg_temp.send(:'day_token', '{"name": "Lin"}'), '{"status": "accepted"}',
	'per owner: yesterday''s cards no longer count');

-- Per owner: 50 a day for an anonymous owner.
select pg_temp.token('nina', '0a000000-0000-4000-8000-0000000000a2') as nina_token \gset
insert into public.exchange_token_uses (owner_id, token_id, delivery_id, used_at)
select t.owner_id, t.id, gen_random_uuid(), now() - interval '2 hours'
from generate_series(1, 49)
join public.exchange_tokens t on t.token_hash = extensions.digest(:'nina_token', 'sha256');
select is(pg_temp.send(:'nina_token', '{"name": "Lin"}', owner_name => 'Nina'), '{"status": "accepted"}',
	'anonymous owner: the 50th card of the day is accepted');
select is(pg_temp.send(:'nina_token', '{"name": "Lin"}', owner_name => 'Nina'), 'P0001 exchange_rate_limited (with hint)',
	'anonymous owner: the 51st is refused');

-- Per sender: 20 cards an hour from one browser, whatever the token or owner.
select pg_temp.token('sender', '0c000000-0000-4000-8000-00000000000c') as sender_token \gset
insert into public.exchange_token_uses (owner_id, token_id, delivery_id, guest_id, used_at)
select t.owner_id, t.id, gen_random_uuid(), '00000000-0000-4000-8000-0000000000b1', now() - make_interval(mins => n)
from generate_series(1, 19) n
join public.exchange_tokens t on t.token_hash = extensions.digest(:'sender_token', 'sha256');
select is(
	pg_temp.send(:'sender_token', '{"name": "Spam"}', owner_name => 'Chris',
		guest => '00000000-0000-4000-8000-0000000000b1'),
	'{"status": "accepted"}',
	'per sender: the 20th card within an hour from one browser is accepted'
);
select is(
	pg_temp.send(:'sender_token', '{"name": "Spam"}', owner_name => 'Chris',
		guest => '00000000-0000-4000-8000-0000000000b1'),
	'P0001 exchange_sender_limited (with hint)',
	'per sender: the 21st is refused, with its own code'
);
select is(
	pg_temp.send(:'sender_token', '{"name": "Other guest"}', owner_name => 'Chris'),
	'{"status": "accepted"}',
	'per sender: another browser still gets through'
);
update public.exchange_token_uses set used_at = used_at - interval '1 hour'
	where guest_id = '00000000-0000-4000-8000-0000000000b1';
select is(
	pg_temp.send(:'sender_token', '{"name": "Spam"}', owner_name => 'Chris',
		guest => '00000000-0000-4000-8000-0000000000b1'),
	'{"status": "accepted"}',
	'per sender: an hour later the browser may send again'
);

-- Per sender: a second card from the same browser to the same owner updates the first.
select pg_temp.token('again', '0c000000-0000-4000-8000-00000000000c') as again_token \gset
select pg_temp.send(:'sender_token', '{"name": "王小明"}', owner_name => 'Chris',
	message => '剛剛聊到長照', guest => '00000000-0000-4000-8000-0000000000b2');
update public.connections set note = 'Chris''s own note'
	where owner_id = '0c000000-0000-4000-8000-00000000000c' and card ->> 'name' = '王小明';
select is(
	pg_temp.send(:'again_token', '{"name": "王小明", "channels": [{"kind": "line", "value": "xiaoming"}]}',
		owner_name => 'Chris', message => 'again', guest => '00000000-0000-4000-8000-0000000000b2'),
	'{"status": "accepted"}',
	'same sender, same owner, another QR: accepted'
);
select results_eq(
	$$select card, note from public.connections
		where owner_id = '0c000000-0000-4000-8000-00000000000c' and card ->> 'name' = '王小明'$$,
	$$values ('{"name": "王小明", "channels": [{"kind": "line", "value": "xiaoming"}]}'::jsonb,
		'Chris''s own note')$$,
	'same sender, same owner: one connection, with the new card and the owner''s note kept'
);
select is(
	(select count(*)::int from public.follow_ups f join public.connections c on c.id = f.connection_id
		where c.owner_id = '0c000000-0000-4000-8000-00000000000c' and c.card ->> 'name' = '王小明'),
	1,
	'same sender, same owner: one follow-up'
);
update public.connections set deleted_at = now()
	where owner_id = '0c000000-0000-4000-8000-00000000000c' and card ->> 'name' = '王小明';
select pg_temp.send(:'again_token', '{"name": "王小明"}', owner_name => 'Chris',
	guest => '00000000-0000-4000-8000-0000000000b2');
select is(
	(select count(*)::int from public.connections
		where owner_id = '0c000000-0000-4000-8000-00000000000c' and card ->> 'name' = '王小明'
			and deleted_at is null),
	1,
	'same sender after the owner deleted them: a new connection, not a revived one'
);

-- The app-to-app path obeys the same token rules.
select tests.create_user('0b000000-0000-4000-8000-00000000000b', 'b@example.test');
select tests.authenticate_as('0b000000-0000-4000-8000-00000000000b');
select is(tests.outcome(format('select public.accept_exchange(%L, %L)', :'kept_token', '{"name": "B"}')),
	'P0001 exchange_token_revoked (with hint)', 'app to app: a revoked token takes no card');
select is(tests.outcome(format('select public.accept_exchange(%L, %L)', :'new_token',
		jsonb_build_object('name', 'B' || chr(8238)))),
	'P0001 exchange_card_invalid (with hint)', 'app to app: a card with a bidi override is refused');
reset role;

select * from finish();
rollback;
