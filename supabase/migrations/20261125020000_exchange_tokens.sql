-- The one-scan, two-way exchange (docs/sync.md, "Exchange"). The owner of a QR asks for a
-- short-lived token and shows it in the QR link; whoever scans it sends their own card back with
-- accept_exchange, which gives the owner a new connection (and, through the connections trigger,
-- its post-event follow-up).
--
-- Only the SHA-256 of a token is stored, so a leaked table cannot be replayed. Both tables are
-- written by the two RPCs alone: authenticated users have no INSERT, UPDATE or DELETE on them.
-- Anonymous accounts cost nothing to create, so they get stricter rate limits and see less.

-- Tokens ----------------------------------------------------------------------------------------

create table public.exchange_tokens (
	id uuid primary key default gen_random_uuid(),
	owner_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
	token_hash bytea not null
		constraint exchange_tokens_token_hash_key unique
		constraint exchange_tokens_token_hash_check check (octet_length(token_hash) = 32),
	event_id uuid,
	expires_at timestamptz not null,
	uses integer not null default 0 constraint exchange_tokens_uses_check check (uses >= 0),
	created_at timestamptz not null default now(),
	constraint exchange_tokens_id_owner_id_key unique (id, owner_id),
	-- Owner-scoped like connections.event_id, so a token never points at someone else's event.
	-- Deleting the event keeps the token (SET NULL rather than CASCADE): a QR already on someone's
	-- screen still brings their card back, only without the event, exactly as a connection whose
	-- event is deleted keeps the person. Its expiry was fixed when it was made.
	constraint exchange_tokens_event_fkey foreign key (event_id, owner_id)
		references public.events (id, owner_id) on delete set null (event_id)
);

comment on table public.exchange_tokens is
	'Short-lived tokens carried in the QR link, through which a scanner sends their card back to '
	'the owner. Written only by create_exchange_token and accept_exchange.';
comment on column public.exchange_tokens.token_hash is
	'SHA-256 of the token text (22 base64url characters); the token itself is never stored.';
comment on column public.exchange_tokens.event_id is
	'The event the QR was shown at; connections made through the token are linked to it.';
comment on column public.exchange_tokens.expires_at is
	'End of validity: the event''s end plus 24 hours, or 30 minutes without an event, and never '
	'less than 30 minutes after creation.';
comment on column public.exchange_tokens.uses is 'How many scanners have sent their card through it.';

-- The creation rate limit counts one owner's tokens of the last hour.
create index exchange_tokens_owner_id_created_at_idx on public.exchange_tokens (owner_id, created_at);
-- expire_exchange_tokens deletes by expiry.
create index exchange_tokens_expires_at_idx on public.exchange_tokens (expires_at);
create index exchange_tokens_event_id_idx on public.exchange_tokens (event_id, owner_id)
	where event_id is not null;

create trigger exchange_tokens_forbid_owner_change
	before update of owner_id on public.exchange_tokens
	for each row
	when (old.owner_id is distinct from new.owner_id)
	execute function public.forbid_owner_change();

alter table public.exchange_tokens enable row level security;

revoke all on table public.exchange_tokens from public, anon, authenticated;
grant select on table public.exchange_tokens to authenticated;
grant all on table public.exchange_tokens to service_role;

create policy "Owners read their exchange tokens" on public.exchange_tokens
	for select to authenticated
	using ((select auth.uid()) = owner_id);

-- Uses ------------------------------------------------------------------------------------------

create table public.exchange_token_uses (
	id uuid primary key default gen_random_uuid(),
	-- The token's owner, who also owns the connection: the row belongs to them like the token.
	owner_id uuid not null,
	token_id uuid not null,
	scanner_id uuid not null references auth.users (id) on delete cascade,
	used_at timestamptz not null default now(),
	connection_id uuid,
	-- One use per scanner and token: a second accept_exchange by the same account is a replay.
	constraint exchange_token_uses_token_id_scanner_id_key unique (token_id, scanner_id),
	constraint exchange_token_uses_token_fkey foreign key (token_id, owner_id)
		references public.exchange_tokens (id, owner_id) on delete cascade,
	-- The owner may delete the connection and keep the record of the scan.
	constraint exchange_token_uses_connection_fkey foreign key (connection_id, owner_id)
		references public.connections (id, owner_id) on delete set null (connection_id)
);

comment on table public.exchange_token_uses is
	'Each card sent back through an exchange token: who scanned, when, and the connection it '
	'made. Detects replays and feeds the per-account rate limit of accept_exchange.';
comment on column public.exchange_token_uses.owner_id is 'The token''s owner.';
comment on column public.exchange_token_uses.scanner_id is 'The account that sent its card back.';
comment on column public.exchange_token_uses.connection_id is
	'The owner''s connection made by this use (null once the owner deletes it).';

-- The accept rate limit counts one scanner's uses of the last hour.
create index exchange_token_uses_scanner_id_used_at_idx
	on public.exchange_token_uses (scanner_id, used_at);
create index exchange_token_uses_owner_id_idx on public.exchange_token_uses (owner_id);
create index exchange_token_uses_connection_id_idx on public.exchange_token_uses (connection_id, owner_id)
	where connection_id is not null;

create trigger exchange_token_uses_forbid_owner_change
	before update of owner_id on public.exchange_token_uses
	for each row
	when (old.owner_id is distinct from new.owner_id)
	execute function public.forbid_owner_change();

alter table public.exchange_token_uses enable row level security;

revoke all on table public.exchange_token_uses from public, anon, authenticated;
grant select on table public.exchange_token_uses to authenticated;
grant all on table public.exchange_token_uses to service_role;

create policy "Owners read the uses of their exchange tokens" on public.exchange_token_uses
	for select to authenticated
	using ((select auth.uid()) = owner_id);

-- A use names the account that scanned. An anonymous account proves nothing about who holds it
-- and costs nothing to make, so it learns how many scanned (exchange_tokens.uses), not who.
create policy "Anonymous accounts do not see who scanned" on public.exchange_token_uses
	as restrictive
	for select to authenticated
	using (not coalesce(((select auth.jwt()) ->> 'is_anonymous')::boolean, false));

-- Creating a token ------------------------------------------------------------------------------

create function public.create_exchange_token(event_id uuid default null)
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

	-- Serialises one account's concurrent calls, so the count below cannot be raced past.
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

	-- 128 random bits as unpadded base64url: 22 characters, safe in a URL fragment.
	token := rtrim(translate(encode(extensions.gen_random_bytes(16), 'base64'), '+/', '-_'), '=');
	expires := greatest(
		now() + interval '30 minutes',
		coalesce(event_end + interval '24 hours', now() + interval '30 minutes')
	);
	insert into public.exchange_tokens (owner_id, token_hash, event_id, expires_at)
	values (caller, extensions.digest(token, 'sha256'), create_exchange_token.event_id, expires);

	return jsonb_build_object('token', token, 'expires_at', expires);
end;
$$;

comment on function public.create_exchange_token(uuid) is
	'A new exchange token for the caller, optionally tied to one of their events: '
	'{ token, expires_at }. Valid until the event ends + 24 h, or 30 minutes without an event, '
	'never less than 30 minutes. At most 20 an hour (10 for anonymous accounts). Errors (P0001): '
	'exchange_event_not_found, exchange_rate_limited, not_signed_in.';

revoke execute on function public.create_exchange_token(uuid) from public, anon;
grant execute on function public.create_exchange_token(uuid) to authenticated;

-- Accepting a token -----------------------------------------------------------------------------

create function public.accept_exchange(token text, card jsonb)
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
	card_name jsonb;
	new_connection_id uuid;
begin
	select coalesce((auth.jwt() ->> 'is_anonymous')::boolean, false) or u.is_anonymous
		into caller_is_anonymous
		from auth.users u
		where u.id = caller;
	if not found then
		raise exception 'not_signed_in'
			using errcode = 'P0001', hint = 'Sign in (an anonymous session will do) to send your card back.';
	end if;

	if accept_exchange.token is null or accept_exchange.token !~ '^[A-Za-z0-9_-]{22}$' then
		raise exception 'exchange_token_invalid'
			using errcode = 'P0001', hint = 'An exchange token is 22 base64url characters from the QR link.';
	end if;
	select t.* into found_token
		from public.exchange_tokens t
		where t.token_hash = extensions.digest(accept_exchange.token, 'sha256');
	if not found then
		raise exception 'exchange_token_invalid'
			using errcode = 'P0001',
				hint = 'No such token: it was mistyped, forged, or expired long ago and was removed.';
	end if;
	if found_token.owner_id = caller then
		raise exception 'exchange_own_token'
			using errcode = 'P0001', hint = 'This is your own QR; scan someone else''s.';
	end if;

	-- Serialises one account's concurrent calls: the replay check and the rate limit below then
	-- see every earlier use of this account.
	perform pg_catalog.pg_advisory_xact_lock(
		pg_catalog.hashtextextended('rapport.accept_exchange:' || caller::text, 0)
	);
	-- Before the expiry check: a retry of a delivered card must read as delivered, however late.
	if exists (
		select 1 from public.exchange_token_uses u
		where u.token_id = found_token.id and u.scanner_id = caller
	) then
		raise exception 'exchange_token_used'
			using errcode = 'P0001', hint = 'Your card was already sent through this token.';
	end if;
	if found_token.expires_at <= now() then
		raise exception 'exchange_token_expired'
			using errcode = 'P0001',
				hint = format('The token expired at %s; ask for a fresh QR.', found_token.expires_at);
	end if;

	card_name := accept_exchange.card -> 'name';
	if accept_exchange.card is null
		or jsonb_typeof(accept_exchange.card) <> 'object'
		or octet_length(accept_exchange.card::text) > 8192
		or jsonb_typeof(card_name) is distinct from 'string'
		or btrim(card_name #>> '{}') = ''
		or char_length(card_name #>> '{}') > 100
		or (
			accept_exchange.card ? 'channels'
			and jsonb_typeof(accept_exchange.card -> 'channels') <> 'array'
		)
	then
		raise exception 'exchange_card_invalid'
			using errcode = 'P0001',
				hint = 'The card must be a JSON object of at most 8192 bytes, with a non-blank string '
					'"name" of at most 100 characters and, if present, an array "channels".';
	end if;

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

	-- The connections trigger gives it its post-event follow-up, from the owner's settings.
	insert into public.connections (owner_id, card, event_id, met_at, source, updated_at)
	values (found_token.owner_id, accept_exchange.card, found_token.event_id, now(), 'exchange', now())
	returning id into new_connection_id;

	insert into public.exchange_token_uses (owner_id, token_id, scanner_id, used_at, connection_id)
	values (found_token.owner_id, found_token.id, caller, now(), new_connection_id);
	update public.exchange_tokens t set uses = t.uses + 1 where t.id = found_token.id;

	return jsonb_build_object('status', 'accepted');
end;
$$;

comment on function public.accept_exchange(text, jsonb) is
	'Sends the caller''s card to the owner of an exchange token: the owner gets a new connection '
	'(source exchange, the token''s event, met now) and its follow-up. { status: accepted }. '
	'At most 30 an hour (10 for anonymous accounts). Errors (P0001): exchange_token_invalid, '
	'exchange_own_token, exchange_token_used, exchange_token_expired, exchange_card_invalid, '
	'exchange_rate_limited, not_signed_in.';

revoke execute on function public.accept_exchange(text, jsonb) from public, anon;
grant execute on function public.accept_exchange(text, jsonb) to authenticated;
