-- The follow-up scheduling rule, the SQL twin of followUpDueAt in src/lib/domain/followup/rule.ts.
-- Both are checked against the same table, supabase/tests/follow_up_vectors.json, so the app
-- offline and the database agree on every due date, daylight-saving changes included.

-- Local wall time -> instant, the way the rule wants it. PostgreSQL's own `AT TIME ZONE` moves a
-- time in a gap forward (as the rule does) but takes the LATER instant of a repeated hour; the
-- rule takes the earlier one. Subtracting an hour would be wrong for Lord Howe (30-minute change)
-- and Chatham (changes at :45), so the offsets are sampled instead: the zone's offset a day
-- before and a day after the wall time give the two candidate instants; the earliest that really
-- has its offset wins, and in a gap neither does, so the earlier offset moves the time forward by
-- the gap's length. No zone changes its clocks twice within two days (checked 2000-2040).
create function public.local_time_to_instant(wall timestamp, time_zone text)
returns timestamptz
language plpgsql
stable
strict
set search_path = ''
as $$
declare
	before_offset interval;
	after_offset interval;
	candidate timestamptz;
	best timestamptz;
	offset_ interval;
begin
	before_offset := ((wall - interval '1 day') at time zone 'UTC') at time zone time_zone
		- (wall - interval '1 day');
	after_offset := ((wall + interval '1 day') at time zone 'UTC') at time zone time_zone
		- (wall + interval '1 day');
	foreach offset_ in array array[before_offset, after_offset] loop
		candidate := (wall - offset_) at time zone 'UTC';
		if (candidate at time zone time_zone) = wall and (best is null or candidate < best) then
			best := candidate;
		end if;
	end loop;
	return coalesce(best, (wall - before_offset) at time zone 'UTC');
end;
$$;

comment on function public.local_time_to_instant(timestamp, text) is
	'The instant a local wall time names in a time zone: a time in a daylight-saving gap moves '
	'forward by the gap, a repeated time takes the earlier instant. Helper of follow_up_due_at.';

revoke execute on function public.local_time_to_instant(timestamp, text) from public, anon;
grant execute on function public.local_time_to_instant(timestamp, text) to authenticated, service_role;

create function public.follow_up_due_at(
	met_at timestamptz,
	event_ends_at timestamptz,
	time_zone text,
	delay_days int default 1,
	hour int default 10,
	skip_weekends boolean default true
)
returns timestamptz
language plpgsql
stable
set search_path = ''
as $$
declare
	anchor timestamptz;
	due_date date;
begin
	if met_at is null then
		raise exception 'follow_up_due_at: met_at is required' using errcode = 'invalid_parameter_value';
	end if;
	-- IANA names only: PostgreSQL also reads abbreviations (CET, PST) and POSIX offsets (+08:00)
	-- as fixed offsets, where the browser's Intl reads them differently or not at all.
	if time_zone is null
		or time_zone !~ '^(UTC|[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)+)$'
		or not public.is_valid_time_zone(time_zone) then
		raise exception 'follow_up_due_at: unknown time zone "%"', time_zone
			using errcode = 'invalid_parameter_value';
	end if;
	if delay_days is null or delay_days not between 0 and 365 then
		raise exception 'follow_up_due_at: delay_days must be 0 to 365, got %', delay_days
			using errcode = 'invalid_parameter_value';
	end if;
	if hour is null or hour not between 0 and 23 then
		raise exception 'follow_up_due_at: hour must be 0 to 23, got %', hour
			using errcode = 'invalid_parameter_value';
	end if;

	-- 1. The later of meeting and the event's end.
	anchor := greatest(met_at, coalesce(event_ends_at, met_at));
	-- 2. That calendar date where the person lives, plus the delay, at the hour.
	due_date := (anchor at time zone time_zone)::date + delay_days;
	-- 3. Never at or before the anchor: the next day instead (one day is always enough).
	if public.local_time_to_instant(due_date + make_time(hour, 0, 0), time_zone) <= anchor then
		due_date := due_date + 1;
	end if;
	-- 4. The weekend is judged on the date aimed at; the hour is resolved once, last.
	if coalesce(skip_weekends, true) then
		due_date := due_date + case extract(isodow from due_date) when 6 then 2 when 7 then 1 else 0 end;
	end if;
	-- 5. Gaps and repeated hours resolved as the rule says.
	return public.local_time_to_instant(due_date + make_time(hour, 0, 0), time_zone);
end;
$$;

comment on function public.follow_up_due_at(timestamptz, timestamptz, text, int, int, boolean) is
	'When a follow-up is due: the later of met_at and event_ends_at, its date in time_zone plus '
	'delay_days at hour:00, the next day if that is not after it, Monday instead of a weekend when '
	'skip_weekends. Daylight-saving gaps move forward, repeated hours take the earlier instant. '
	'Matches followUpDueAt in the app; both are tested on supabase/tests/follow_up_vectors.json.';

revoke execute on function public.follow_up_due_at(timestamptz, timestamptz, text, int, int, boolean)
	from public, anon;
grant execute on function public.follow_up_due_at(timestamptz, timestamptz, text, int, int, boolean)
	to authenticated, service_role;
