-- The exchange, hardened, and open to a guest without the app (issue 12, docs/sync.md "Exchange").
--
-- 1. A guest who opens a QR link in their browser sends their card back in one step. They have no
--    account and sign up for nothing: `peek_exchange` and `send_card_back` are callable by `anon`,
--    and the 128-bit token is the only key. Neither can do anything but name the token's owner
--    and deliver one card through a usable token.
-- 2. Limits: per token (200 cards ever, 30 a minute), per receiving owner (300 a day, 50 for an
--    anonymous owner), per sender as before for app-to-app swaps (accept_exchange).
-- 3. A token lives at most 7 days whatever its event says; the owner can revoke (a new QR stops
--    the old ones); deleting the event stops its tokens.
-- 4. The card that arrives is checked by the device's rules (internal.clean_card); a card that
--    fails makes no connection and no follow-up.

create schema if not exists internal;
revoke all on schema internal from public;

-- Tokens: revocation, an absolute lifetime, and which guest deliveries they carried -------------

alter table public.exchange_tokens add column revoked_at timestamptz;
comment on column public.exchange_tokens.revoked_at is
	'Set when the owner showed a new QR or deleted the token''s event: no card arrives through it.';

-- Tokens made before this migration for an event in year 9999 lived until year 10000. New ones
-- get at most 7 days from create_exchange_token, and every use checks created_at + 7 days too.
update public.exchange_tokens
	set expires_at = created_at + interval '7 days'
	where expires_at > created_at + interval '7 days';

-- A guest has no account: the use records no scanner, and the guest's own idempotency key instead.
alter table public.exchange_token_uses alter column scanner_id drop not null;
alter table public.exchange_token_uses add column delivery_id uuid;
alter table public.exchange_token_uses
	add constraint exchange_token_uses_token_id_delivery_id_key unique (token_id, delivery_id),
	add constraint exchange_token_uses_sender_check check (scanner_id is not null or delivery_id is not null);
comment on column public.exchange_token_uses.scanner_id is
	'The account that sent its card back; null for a guest without the app.';
comment on column public.exchange_token_uses.delivery_id is
	'A guest''s idempotency key: the same form sent twice (a second tap, a reload, a retry after a '
	'lost answer) is delivered once.';

-- The per-owner daily cap counts one owner's arrivals of the last day.
create index exchange_token_uses_owner_id_used_at_idx on public.exchange_token_uses (owner_id, used_at);
-- The per-token burst cap counts one token's arrivals of the last minute.
create index exchange_token_uses_token_id_used_at_idx on public.exchange_token_uses (token_id, used_at);

-- Deleting an event stops its tokens, also when the row itself goes (its foreign key only clears
-- event_id, which would otherwise turn the token into one for no event).
create function internal.revoke_event_exchange_tokens()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
	update public.exchange_tokens t
		set revoked_at = now()
		where t.event_id = old.id and t.owner_id = old.owner_id and t.revoked_at is null
			-- Deleting the account removes its tokens anyway, and they may already be gone.
			and exists (select 1 from auth.users u where u.id = old.owner_id);
	-- Lets the delete go ahead (the return value of the AFTER UPDATE trigger is ignored).
	return old;
end;
$$;
revoke execute on function internal.revoke_event_exchange_tokens() from public, anon, authenticated;

create trigger events_revoke_exchange_tokens_on_soft_delete
	after update of deleted_at on public.events
	for each row
	when (old.deleted_at is null and new.deleted_at is not null)
	execute function internal.revoke_event_exchange_tokens();
create trigger events_revoke_exchange_tokens_on_delete
	before delete on public.events
	for each row
	execute function internal.revoke_event_exchange_tokens();

-- Cleaning, by the device's rules (src/lib/domain/card/text.ts and card.ts) ----------------------

-- One clean line of text, as cleanText() on the device: breaks become spaces, control and
-- invisible format characters (bidi embeddings, overrides and isolates, marks, zero-width
-- characters, word joiners, BOM) go, NFC, single spaces, trimmed. A field is acceptable exactly
-- when this leaves it unchanged, as the device's isCleanText().
create function internal.clean_text(value text)
returns text
language sql
immutable
strict
parallel safe
set search_path = ''
as $$
	select pg_catalog.btrim(
		pg_catalog.regexp_replace(
			pg_catalog.normalize(
				pg_catalog.regexp_replace(
					pg_catalog.regexp_replace(value, '[\t\n\u000b\f\r\u0085\u2028\u2029]', ' ', 'g'),
					'[\u0001-\u001f\u007f-\u009f\u061c\u200b\u200e\u200f\u202a-\u202e\u2060-\u206f\ufeff]',
					'',
					'g'
				),
				'NFC'
			),
			'[ \u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+',
			' ',
			'g'
		),
		' '
	)
$$;
revoke execute on function internal.clean_text(text) from public, anon, authenticated;

create function internal.is_clean_text(value jsonb, max_length integer)
returns boolean
language sql
immutable
parallel safe
set search_path = ''
as $$
	select coalesce(
		pg_catalog.jsonb_typeof(value) = 'string'
			and (value #>> '{}') <> ''
			and pg_catalog.char_length(value #>> '{}') <= max_length
			and internal.clean_text(value #>> '{}') = (value #>> '{}'),
		false
	)
$$;
revoke execute on function internal.is_clean_text(jsonb, integer) from public, anon, authenticated;

-- A channel in the canonical form the device stores (normalizeChannel): true or false, never an
-- error. Link-like values may only use the schemes the app opens.
create function internal.is_clean_channel(channel jsonb)
returns boolean
language plpgsql
immutable
parallel safe
set search_path = ''
as $$
declare
	kind text := channel ->> 'kind';
	value text := channel ->> 'value';
	scheme text;
begin
	if pg_catalog.jsonb_typeof(channel) is distinct from 'object'
		or pg_catalog.jsonb_typeof(channel -> 'kind') is distinct from 'string'
		or pg_catalog.jsonb_typeof(channel -> 'value') is distinct from 'string'
		or exists (
			select 1 from pg_catalog.jsonb_object_keys(channel) k where k not in ('kind', 'value', 'label')
		)
		or (channel ? 'label' and not internal.is_clean_text(channel -> 'label', 40))
		or value = ''
		or pg_catalog.char_length(value) > 300
		-- No value needs a control or invisible character, or a space at either end.
		or internal.clean_text(value) <> value
	then
		return false;
	end if;
	scheme := pg_catalog.lower((pg_catalog.regexp_match(value, '^([A-Za-z][A-Za-z0-9+.-]*):'))[1]);
	if scheme is not null and scheme not in ('http', 'https', 'mailto', 'tel', 'sms', 'line') then
		return false;
	end if;
	return case kind
		when 'phone' then value ~ '^\+?[0-9]{3,20}$'
		when 'email' then pg_catalog.char_length(value) <= 254
			and value ~ '^[^\s@<>()\[\]\\,;:"?#/]+@[^\s@<>()\[\]\\,;:"?#/.]+(\.[^\s@<>()\[\]\\,;:"?#/.]+)+$'
		when 'line' then value ~ '^@?[a-z0-9._-]{1,20}$'
			or value ~ '^https://(line\.me|lin\.ee)/[A-Za-z0-9/_@.~%?=&-]+$'
		when 'linkedin' then value ~ '^https://\S+$'
		when 'instagram' then value ~ '^https://\S+$'
		when 'facebook' then value ~ '^https://\S+$'
		when 'x' then value ~ '^https://\S+$'
		when 'website' then value ~ '^https://\S+$'
		when 'other' then true
		else false
	end;
end;
$$;
revoke execute on function internal.is_clean_channel(jsonb) from public, anon, authenticated;

-- The card as it will be stored, or exchange_card_invalid saying which rule it broke. Only the
-- card's own fields are kept; anything else a sender added is dropped.
create function internal.clean_card(card jsonb)
returns jsonb
language plpgsql
immutable
parallel safe
set search_path = ''
as $$
declare
	problem text;
	field text;
	max_length integer;
begin
	if card is null or pg_catalog.jsonb_typeof(card) <> 'object' then
		problem := 'The card must be a JSON object.';
	elsif pg_catalog.octet_length(card::text) > 16384 then
		problem := 'The card is larger than 16 KB.';
	elsif not internal.is_clean_text(card -> 'name', 100) then
		problem := 'name: a non-blank line of at most 100 characters without control, invisible or '
			'direction-changing characters.';
	elsif card ? 'channels' and pg_catalog.jsonb_typeof(card -> 'channels') <> 'array' then
		problem := 'channels: must be an array.';
	elsif pg_catalog.jsonb_array_length(coalesce(card -> 'channels', '[]')) > 20 then
		problem := 'channels: at most 20.';
	elsif exists (
		select 1 from pg_catalog.jsonb_array_elements(coalesce(card -> 'channels', '[]')) c
		where not internal.is_clean_channel(c)
	) then
		problem := 'channels: each is { kind, value, label? } in its canonical form, with an allowed '
			'link scheme (http, https, mailto, tel, sms, line).';
	end if;
	if problem is null then
		foreach field in array array['altName', 'title', 'company'] loop
			max_length := case field when 'company' then 120 else 100 end;
			if card ? field and not internal.is_clean_text(card -> field, max_length) then
				problem := format('%s: one clean line of at most %s characters.', field, max_length);
			end if;
		end loop;
	end if;
	if problem is not null then
		raise exception 'exchange_card_invalid' using errcode = 'P0001', hint = problem;
	end if;
	return pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
		'name', card -> 'name',
		'altName', card -> 'altName',
		'title', card -> 'title',
		'company', card -> 'company',
		'channels', coalesce(card -> 'channels', '[]')
	));
end;
$$;
revoke execute on function internal.clean_card(jsonb) from public, anon, authenticated;

-- Finding a token and delivering a card through it -----------------------------------------------

-- The token with this text, locked against concurrent deliveries, or exchange_token_invalid.
create function internal.exchange_token_for_update(token text)
returns public.exchange_tokens
language plpgsql
volatile
set search_path = ''
as $$
declare
	found_token public.exchange_tokens;
begin
	if token is null or token !~ '^[A-Za-z0-9_-]{22}$' then
		raise exception 'exchange_token_invalid'
			using errcode = 'P0001', hint = 'An exchange token is 22 base64url characters from the QR link.';
	end if;
	select t.* into found_token
		from public.exchange_tokens t
		where t.token_hash = extensions.digest(token, 'sha256')
		for update;
	if not found then
		raise exception 'exchange_token_invalid'
			using errcode = 'P0001',
				hint = 'No such token: it was mistyped, forged, or expired long ago and was removed.';
	end if;
	return found_token;
end;
$$;
revoke execute on function internal.exchange_token_for_update(text) from public, anon, authenticated;

-- Why no card may come through this token now, or null. Lifetime is checked against the absolute
-- cap too, whatever expires_at says.
create function internal.exchange_token_problem(found_token public.exchange_tokens)
returns text
language sql
stable
set search_path = ''
as $$
	select case
		when found_token.revoked_at is not null then 'exchange_token_revoked'
		when exists (
			select 1 from public.events e
			where e.id = found_token.event_id
				and e.owner_id = found_token.owner_id
				and e.deleted_at is not null
		) then 'exchange_token_revoked'
		when found_token.expires_at <= now()
			or found_token.created_at + interval '7 days' <= now() then 'exchange_token_expired'
		when found_token.uses >= 200 then 'exchange_token_full'
	end
$$;
revoke execute on function internal.exchange_token_problem(public.exchange_tokens)
	from public, anon, authenticated;

-- Gives the token's owner a connection made of the (already cleaned) card, which the connections
-- trigger gives its post-event follow-up. The caller holds the token's row lock, so the counts
-- below cannot be raced past.
create function internal.deliver_exchange_card(
	found_token public.exchange_tokens,
	card jsonb,
	note text,
	scanner uuid,
	delivery uuid
)
returns uuid
language plpgsql
volatile
set search_path = ''
as $$
declare
	problem text := internal.exchange_token_problem(found_token);
	owner_is_anonymous boolean;
	daily_limit integer;
	new_connection_id uuid;
begin
	if problem is not null then
		raise exception '%', problem
			using errcode = 'P0001',
				hint = case problem
					when 'exchange_token_revoked' then 'The owner showed a new QR or deleted the event.'
					when 'exchange_token_expired' then 'The token expired; ask for a fresh QR.'
					else 'This QR has brought in its 200 cards; ask for a fresh one.'
				end;
	end if;
	if (
		select count(*) from public.exchange_token_uses u
		where u.token_id = found_token.id and u.used_at > now() - interval '1 minute'
	) >= 30 then
		raise exception 'exchange_rate_limited'
			using errcode = 'P0001', hint = 'At most 30 cards a minute through one QR; try again shortly.';
	end if;
	select u.is_anonymous into owner_is_anonymous from auth.users u where u.id = found_token.owner_id;
	-- One lock per owner: two tokens of the same owner cannot race past the daily count.
	perform pg_catalog.pg_advisory_xact_lock(
		pg_catalog.hashtextextended('rapport.exchange_owner:' || found_token.owner_id::text, 0)
	);
	daily_limit := case when coalesce(owner_is_anonymous, true) then 50 else 300 end;
	if (
		select count(*) from public.exchange_token_uses u
		where u.owner_id = found_token.owner_id and u.used_at > now() - interval '1 day'
	) >= daily_limit then
		raise exception 'exchange_rate_limited'
			using errcode = 'P0001',
				hint = format('The owner has received %s cards today, the most a day.', daily_limit);
	end if;

	insert into public.connections (owner_id, card, event_id, met_at, note, source, updated_at)
	values (found_token.owner_id, card, found_token.event_id, now(), note, 'exchange', now())
	returning id into new_connection_id;
	insert into public.exchange_token_uses (owner_id, token_id, scanner_id, delivery_id, used_at, connection_id)
	values (found_token.owner_id, found_token.id, scanner, delivery, now(), new_connection_id);
	update public.exchange_tokens t set uses = t.uses + 1 where t.id = found_token.id;
	return new_connection_id;
end;
$$;
revoke execute on function internal.deliver_exchange_card(public.exchange_tokens, jsonb, text, uuid, uuid)
	from public, anon, authenticated;

-- Creating and revoking (the owner's app) --------------------------------------------------------

drop function public.create_exchange_token(uuid);

create function public.create_exchange_token(event_id uuid default null, revoke_others boolean default false)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
	caller uuid := auth.uid();
	caller_is_anonymous boolean;
	hourly_limit integer;
	event_end timestamptz;
	token text;
	expires timestamptz;
begin
	select coalesce((auth.jwt() ->> 'is_anonymous')::boolean, false) or u.is_anonymous
		into caller_is_anonymous
		from auth.users u
		where u.id = caller;
	if not found then
		raise exception 'not_signed_in'
			using errcode = 'P0001', hint = 'Sign in (an anonymous session will do) to create a token.';
	end if;

	if create_exchange_token.event_id is not null then
		select e.ends_at into event_end
			from public.events e
			where e.id = create_exchange_token.event_id
				and e.owner_id = caller
				and e.deleted_at is null;
		if not found then
			raise exception 'exchange_event_not_found'
				using errcode = 'P0001',
					hint = 'The event is not one of yours, was deleted, or has not been synced yet. '
						'Sync first, or create the token without an event.';
		end if;
	end if;

	perform pg_catalog.pg_advisory_xact_lock(
		pg_catalog.hashtextextended('rapport.create_exchange_token:' || caller::text, 0)
	);
	hourly_limit := case when caller_is_anonymous then 10 else 20 end;
	if (
		select count(*) from public.exchange_tokens t
		where t.owner_id = caller and t.created_at > now() - interval '1 hour'
	) >= hourly_limit then
		raise exception 'exchange_rate_limited'
			using errcode = 'P0001',
				hint = format(
					'At most %s exchange tokens an hour%s; reuse the current one until it expires.',
					hourly_limit,
					case when caller_is_anonymous then ' for an anonymous account' else '' end
				);
	end if;

	-- "Show a new QR": whatever QR was shown before, or photographed, stops bringing cards in.
	if revoke_others then
		update public.exchange_tokens t
			set revoked_at = now()
			where t.owner_id = caller and t.revoked_at is null and t.expires_at > now();
	end if;

	token := rtrim(translate(encode(extensions.gen_random_bytes(16), 'base64'), '+/', '-_'), '=');
	-- The event's end + 24 h (at least 30 minutes from now), but never more than 7 days: an event
	-- "ending" in year 9999 gives a week.
	expires := least(
		now() + interval '7 days',
		greatest(
			now() + interval '30 minutes',
			coalesce(event_end + interval '24 hours', now() + interval '30 minutes')
		)
	);
	insert into public.exchange_tokens (owner_id, token_hash, event_id, expires_at)
	values (caller, extensions.digest(token, 'sha256'), create_exchange_token.event_id, expires);

	return jsonb_build_object('token', token, 'expires_at', expires);
end;
$$;

comment on function public.create_exchange_token(uuid, boolean) is
	'A new exchange token for the caller, optionally tied to one of their events: '
	'{ token, expires_at }. Valid until the event ends + 24 h, or 30 minutes without an event, '
	'never less than 30 minutes and never more than 7 days. revoke_others stops every earlier '
	'token of the caller ("show a new QR"). At most 20 an hour (10 for anonymous accounts). '
	'Errors (P0001): exchange_event_not_found, exchange_rate_limited, not_signed_in.';

revoke execute on function public.create_exchange_token(uuid, boolean) from public, anon;
grant execute on function public.create_exchange_token(uuid, boolean) to authenticated;

-- Accepting (app to app, signed in) ------------------------------------------------------------

create or replace function public.accept_exchange(token text, card jsonb)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
	caller uuid := auth.uid();
	caller_is_anonymous boolean;
	hourly_limit integer;
	found_token public.exchange_tokens;
	clean jsonb;
begin
	select coalesce((auth.jwt() ->> 'is_anonymous')::boolean, false) or u.is_anonymous
		into caller_is_anonymous
		from auth.users u
		where u.id = caller;
	if not found then
		raise exception 'not_signed_in'
			using errcode = 'P0001', hint = 'Sign in (an anonymous session will do) to send your card back.';
	end if;

	found_token := internal.exchange_token_for_update(accept_exchange.token);
	if found_token.owner_id = caller then
		raise exception 'exchange_own_token'
			using errcode = 'P0001', hint = 'This is your own QR; scan someone else''s.';
	end if;

	perform pg_catalog.pg_advisory_xact_lock(
		pg_catalog.hashtextextended('rapport.accept_exchange:' || caller::text, 0)
	);
	-- Before the other checks: a retry of a delivered card must read as delivered, however late.
	if exists (
		select 1 from public.exchange_token_uses u
		where u.token_id = found_token.id and u.scanner_id = caller
	) then
		raise exception 'exchange_token_used'
			using errcode = 'P0001', hint = 'Your card was already sent through this token.';
	end if;
	clean := internal.clean_card(accept_exchange.card);

	hourly_limit := case when caller_is_anonymous then 10 else 30 end;
	if (
		select count(*) from public.exchange_token_uses u
		where u.scanner_id = caller and u.used_at > now() - interval '1 hour'
	) >= hourly_limit then
		raise exception 'exchange_rate_limited'
			using errcode = 'P0001',
				hint = format(
					'At most %s cards sent back an hour%s; try again later.',
					hourly_limit,
					case when caller_is_anonymous then ' from an anonymous account' else '' end
				);
	end if;

	perform internal.deliver_exchange_card(found_token, clean, null, caller, null);
	return jsonb_build_object('status', 'accepted');
end;
$$;

comment on function public.accept_exchange(text, jsonb) is
	'Sends the caller''s card to the owner of an exchange token: the owner gets a new connection '
	'(source exchange, the token''s event, met now) and its follow-up. { status: accepted }. '
	'At most 30 an hour (10 for anonymous accounts), 200 per token, 300 a day per owner (50 for '
	'anonymous owners). Errors (P0001): exchange_token_invalid, exchange_own_token, '
	'exchange_token_used, exchange_token_expired, exchange_token_revoked, exchange_token_full, '
	'exchange_card_invalid, exchange_rate_limited, not_signed_in.';

-- The guest's side (anon) -------------------------------------------------------------------------

create function public.peek_exchange(token text)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
	found_token public.exchange_tokens;
	problem text;
begin
	if peek_exchange.token is null or peek_exchange.token !~ '^[A-Za-z0-9_-]{22}$' then
		return jsonb_build_object('status', 'invalid');
	end if;
	select t.* into found_token
		from public.exchange_tokens t
		where t.token_hash = extensions.digest(peek_exchange.token, 'sha256');
	if not found then
		return jsonb_build_object('status', 'invalid');
	end if;
	problem := internal.exchange_token_problem(found_token);
	if problem is not null then
		return jsonb_build_object('status', pg_catalog.replace(problem, 'exchange_token_', ''));
	end if;
	return jsonb_build_object(
		'status', 'usable',
		'owner_name', (select p.display_name from public.profiles p where p.owner_id = found_token.owner_id)
	);
end;
$$;

comment on function public.peek_exchange(text) is
	'For the card page: whether a token can bring a card now, and whose it is. '
	'{ status: usable, owner_name } or { status: invalid | expired | revoked | full }. '
	'Callable without an account; says nothing but the owner''s card name, which the QR shows.';

revoke execute on function public.peek_exchange(text) from public;
grant execute on function public.peek_exchange(text) to anon, authenticated;

create function public.send_card_back(
	token text,
	owner_name text,
	card jsonb,
	delivery_id uuid,
	message text default null
)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
	found_token public.exchange_tokens;
	shown_owner text;
	clean jsonb;
	note text;
begin
	if send_card_back.delivery_id is null then
		raise exception 'exchange_delivery_invalid'
			using errcode = 'P0001', hint = 'delivery_id: a UUID the page keeps with the form, so a retry is delivered once.';
	end if;
	found_token := internal.exchange_token_for_update(send_card_back.token);
	-- A retry of a form already delivered (the answer was lost, a second tap, a reload).
	if exists (
		select 1 from public.exchange_token_uses u
		where u.token_id = found_token.id and u.delivery_id = send_card_back.delivery_id
	) then
		return jsonb_build_object('status', 'accepted');
	end if;

	-- The page shows the owner named in the link; a link carrying someone else's token must not
	-- send the guest's card to a stranger.
	select p.display_name into shown_owner from public.profiles p where p.owner_id = found_token.owner_id;
	if shown_owner is null
		or send_card_back.owner_name is null
		or internal.clean_text(shown_owner) <> internal.clean_text(send_card_back.owner_name)
	then
		raise exception 'exchange_owner_mismatch'
			using errcode = 'P0001', hint = 'The card in the link is not the card of this token''s owner.';
	end if;

	clean := internal.clean_card(send_card_back.card);
	if send_card_back.message is not null then
		if pg_catalog.char_length(send_card_back.message) > 280
			or internal.clean_text(send_card_back.message) <> send_card_back.message
		then
			raise exception 'exchange_message_invalid'
				using errcode = 'P0001',
					hint = 'message: one line of at most 280 characters without control or invisible characters.';
		end if;
		note := nullif(send_card_back.message, '');
	end if;

	perform internal.deliver_exchange_card(found_token, clean, note, null, send_card_back.delivery_id);
	return jsonb_build_object('status', 'accepted');
end;
$$;

comment on function public.send_card_back(text, text, jsonb, uuid, text) is
	'A guest without the app sends their card (and an optional message, kept as the connection''s '
	'note) to the owner of an exchange token: { status: accepted }, the same again for a repeated '
	'delivery_id. owner_name is the name the page showed; it must be the token owner''s. '
	'Errors (P0001): exchange_token_invalid, exchange_token_expired, exchange_token_revoked, '
	'exchange_token_full, exchange_owner_mismatch, exchange_card_invalid, exchange_message_invalid, '
	'exchange_delivery_invalid, exchange_rate_limited.';

revoke execute on function public.send_card_back(text, text, jsonb, uuid, text) from public;
grant execute on function public.send_card_back(text, text, jsonb, uuid, text) to anon, authenticated;
