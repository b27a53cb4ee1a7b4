-- A cap per sender on the guest's send-back from /c (issue 12, point 3; docs/sync.md "Limits").
--
-- The card page had caps per token and per receiving owner but none per sender: one browser could
-- send 200 cards through one QR, or a card to every owner whose QR it had seen. A guest has no
-- account (docs/sync.md says why), so the page keeps one random id per browser (`guest_id`) and
-- sends it with every card. It is no stronger than an anonymous account would be (both are free
-- to mint), but it gives what a per-sender cap is for: a guest sends at most 20 cards an hour
-- (`exchange_sender_limited`), and a guest sending to the same owner again (another of the
-- owner's QRs, a corrected card) updates the card they sent before instead of adding the same
-- person twice. The token and owner caps still bound what a script minting ids can do.

alter table public.exchange_token_uses add column guest_id uuid;
comment on column public.exchange_token_uses.guest_id is
	'The guest''s browser (send_card_back): one random id per browser, for the per-sender cap and '
	'so a second card from the same guest to the same owner updates the first.';
create index exchange_token_uses_guest_id_used_at_idx on public.exchange_token_uses (guest_id, used_at)
	where guest_id is not null;

-- Delivering gains `replaces` (a connection of the owner's to update instead of adding one) and
-- `guest` (recorded on the use). Every check stays here, so an update passes the same token and
-- owner caps as a new card.
drop function internal.deliver_exchange_card(public.exchange_tokens, jsonb, text, uuid, uuid);

create function internal.deliver_exchange_card(
	found_token public.exchange_tokens,
	card jsonb,
	note text,
	scanner uuid,
	delivery uuid,
	guest uuid default null,
	replaces uuid default null
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
	connection_id uuid;
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

	if replaces is not null then
		-- The card is the guest's; the note is the owner's once they have written one.
		update public.connections c
			set card = deliver_exchange_card.card,
				note = coalesce(c.note, deliver_exchange_card.note),
				updated_at = greatest(now(), c.updated_at)
			where c.id = replaces and c.owner_id = found_token.owner_id and c.deleted_at is null
			returning c.id into connection_id;
	end if;
	if connection_id is null then
		insert into public.connections (owner_id, card, event_id, met_at, note, source, updated_at)
		values (found_token.owner_id, card, found_token.event_id, now(), note, 'exchange', now())
		returning id into connection_id;
	end if;
	insert into public.exchange_token_uses
		(owner_id, token_id, scanner_id, delivery_id, guest_id, used_at, connection_id)
	values (found_token.owner_id, found_token.id, scanner, delivery, guest, now(), connection_id);
	update public.exchange_tokens t set uses = t.uses + 1 where t.id = found_token.id;
	return connection_id;
end;
$$;

comment on function internal.deliver_exchange_card(public.exchange_tokens, jsonb, text, uuid, uuid, uuid, uuid) is
	'Gives the token''s owner the (cleaned) card: a new connection, or the update of `replaces` '
	'(the same guest''s earlier card) while the owner still has it. Checks the token and the '
	'owner''s daily cap; the caller holds the token''s row lock.';

revoke execute on function internal.deliver_exchange_card(public.exchange_tokens, jsonb, text, uuid, uuid, uuid, uuid)
	from public, anon, authenticated;

drop function public.send_card_back(text, text, jsonb, uuid, text);

create function public.send_card_back(
	token text,
	owner_name text,
	card jsonb,
	delivery_id uuid,
	guest_id uuid,
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
	earlier uuid;
begin
	if send_card_back.delivery_id is null then
		raise exception 'exchange_delivery_invalid'
			using errcode = 'P0001', hint = 'delivery_id: a UUID the page keeps with the form, so a retry is delivered once.';
	end if;
	if send_card_back.guest_id is null then
		raise exception 'exchange_delivery_invalid'
			using errcode = 'P0001', hint = 'guest_id: a UUID this browser keeps for all its cards.';
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

	-- One lock per guest: two tabs of one browser cannot race past the hourly count.
	perform pg_catalog.pg_advisory_xact_lock(
		pg_catalog.hashtextextended('rapport.exchange_guest:' || send_card_back.guest_id::text, 0)
	);
	if (
		select count(*) from public.exchange_token_uses u
		where u.guest_id = send_card_back.guest_id and u.used_at > now() - interval '1 hour'
	) >= 20 then
		raise exception 'exchange_sender_limited'
			using errcode = 'P0001', hint = 'At most 20 cards an hour from one browser; try again later.';
	end if;
	select u.connection_id into earlier
		from public.exchange_token_uses u
		where u.owner_id = found_token.owner_id and u.guest_id = send_card_back.guest_id
		order by u.used_at desc
		limit 1;

	perform internal.deliver_exchange_card(
		found_token, clean, note, null, send_card_back.delivery_id, send_card_back.guest_id, earlier
	);
	return jsonb_build_object('status', 'accepted');
end;
$$;

comment on function public.send_card_back(text, text, jsonb, uuid, uuid, text) is
	'A guest without the app sends their card (and an optional message, kept as the connection''s '
	'note) to the owner of an exchange token: { status: accepted }, the same again for a repeated '
	'delivery_id. owner_name is the name the page showed; it must be the token owner''s. guest_id '
	'is the browser''s own id: at most 20 cards an hour from one, and its second card to the same '
	'owner updates the first (the owner''s note is kept). '
	'Errors (P0001): exchange_token_invalid, exchange_token_expired, exchange_token_revoked, '
	'exchange_token_full, exchange_owner_mismatch, exchange_card_invalid, exchange_message_invalid, '
	'exchange_delivery_invalid, exchange_sender_limited, exchange_rate_limited.';

revoke execute on function public.send_card_back(text, text, jsonb, uuid, uuid, text) from public;
grant execute on function public.send_card_back(text, text, jsonb, uuid, uuid, text) to anon, authenticated;
