-- The coach's goal and debrief ride on the event (20261203200000_event_coach.sql): sync_push
-- stores them by both passes, validates them, hands them back in a returned row, and a pull's
-- wire row carries them. Other people never see them.
--
--   A  0a000000-0000-4000-8000-00000000000a  the user syncing, anonymous
--   B  0b000000-0000-4000-8000-00000000000b  stranger
begin;
select plan(13);

select tests.create_user('0a000000-0000-4000-8000-00000000000a');
select tests.create_user('0b000000-0000-4000-8000-00000000000b', 'b@example.test');

create function pg_temp.stored_coach(id uuid)
returns jsonb
language sql
as $$
	select coach from public.events where events.id = stored_coach.id
$$;

select tests.authenticate_as('0a000000-0000-4000-8000-00000000000a');

-- The set-based pass: a clean batch.
select is(
	tests.push(tests.upsert('events', tests.event('e0a00000-0000-4000-8000-000000000001',
		'2025-12-04T08:00:00Z', coach => '{"goal": {"kind": "hello-two"}}'))) -> 0 ->> 'status',
	'applied',
	'an event with a goal is applied'
);
select is(
	pg_temp.stored_coach('e0a00000-0000-4000-8000-000000000001'),
	'{"goal": {"kind": "hello-two"}}'::jsonb,
	'the set-based pass stores the coach as sent'
);

-- The change-by-change pass: the batch also holds a change that is rejected.
select is(
	jsonb_path_query_array(
		tests.push(
			tests.upsert('events', tests.event('e0a00000-0000-4000-8000-000000000002',
				'2025-12-04T08:00:00Z',
				coach => '{"debrief": {"at": "2025-12-04T07:00:00+08:00", "word": "good", "good": "有人對我笑"}}')),
			jsonb_build_object('table', 'nope', 'op', 'upsert', 'row', '{}'::jsonb)
		),
		'$[*].status'
	),
	'["applied", "rejected"]'::jsonb,
	'an event with a debrief is applied beside a rejected change'
);
select is(
	pg_temp.stored_coach('e0a00000-0000-4000-8000-000000000002') -> 'debrief' ->> 'good',
	'有人對我笑',
	'the change-by-change pass stores the coach as sent'
);

-- A newer edit replaces the coach; a JSON null clears it.
select is(
	tests.push(tests.upsert('events', tests.event('e0a00000-0000-4000-8000-000000000001',
		'2025-12-04T09:00:00Z', coach => 'null'::jsonb))) -> 0 ->> 'status',
	'applied',
	'a newer edit without a coach is applied'
);
select is(
	pg_temp.stored_coach('e0a00000-0000-4000-8000-000000000001'),
	null,
	'a JSON null clears the coach'
);

-- What is not an object, or too big, is refused and names the column.
select is(
	tests.push(tests.upsert('events', tests.event('e0a00000-0000-4000-8000-000000000003',
		'2025-12-04T08:00:00Z', coach => '"be brave"'::jsonb))) -> 0,
	'{"index": 0, "table": "events", "id": "e0a00000-0000-4000-8000-000000000003",
		"status": "rejected", "code": "invalid_row", "message": "coach"}'::jsonb,
	'a coach that is not an object is rejected, naming the column'
);
select is(
	tests.push(tests.upsert('events', tests.event('e0a00000-0000-4000-8000-000000000004',
		'2025-12-04T08:00:00Z', coach =>
		jsonb_build_object('debrief', jsonb_build_object('good', repeat('好', 1400)))))) -> 0
		->> 'message',
	'coach',
	'a coach over 4000 bytes is rejected, naming the column'
);
select is(
	(select count(*)::integer from public.events
		where id in ('e0a00000-0000-4000-8000-000000000003', 'e0a00000-0000-4000-8000-000000000004')),
	0,
	'nothing of a rejected coach is stored'
);

-- An older edit is stale, and the returned row brings the server's coach back to the device.
select is(
	tests.push(tests.upsert('events', tests.event('e0a00000-0000-4000-8000-000000000002',
		'2025-12-04T07:00:00Z', coach => '{"goal": {"kind": "stay-30"}}')))
		-> 0 -> 'row' -> 'coach' -> 'debrief' ->> 'word',
	'good',
	'a stale push gets the server''s coach back in its row'
);
select is(
	(select internal.sync_wire_event(e) -> 'coach' -> 'debrief' ->> 'word'
		from public.events e where id = 'e0a00000-0000-4000-8000-000000000002'),
	'good',
	'the wire row of a pull carries the coach'
);

-- Stranger B sees none of it.
select tests.authenticate_as('0b000000-0000-4000-8000-00000000000b');
select is(
	(select count(*)::integer from public.events where coach is not null),
	0,
	'a stranger reads no one else''s coach'
);
select is(
	tests.push(tests.upsert('events', tests.event('e0a00000-0000-4000-8000-000000000002',
		'2025-12-05T08:00:00Z', coach => '{"goal": {"kind": "one-card"}}'))) -> 0 ->> 'code',
	'owned_elsewhere',
	'a stranger cannot overwrite someone''s coach'
);

select * from finish();
rollback;
