-- Deleting a user anywhere takes their sync clock and usage counters with them (issue 13).
--
-- Everything else keyed by a user id already goes by foreign key (ON DELETE CASCADE to
-- auth.users, or to an exchange token that does). The clocks and the usage counters cannot: the
-- cascade into the synced tables fires their triggers, which stamp and count for that very user
-- (a connection losing its deleted event is an UPDATE), and would write the rows back after a
-- foreign key of their own had removed them (20261202120000_sync_quotas.sql). delete_my_account
-- and the stale-account job removed them afterwards, but a user deleted from the dashboard or the
-- Admin API left them behind for good. A statement trigger on auth.users runs after every row
-- trigger of the delete, the foreign keys' cascades and the triggers those fire included, so
-- nothing is written back after it.

create function internal.forget_deleted_users()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
	delete from internal.sync_clocks c where c.owner_id in (select g.id from gone g);
	delete from internal.sync_usage u where u.owner_id in (select g.id from gone g);
	return null;
end;
$$;

comment on function internal.forget_deleted_users() is
	'Trigger on auth.users: removes the sync clocks and usage counters of the deleted users.';

-- Only ever called by the trigger, which does not check EXECUTE.
revoke execute on function internal.forget_deleted_users() from public, anon, authenticated;

create trigger users_forget_sync_state
	after delete on auth.users
	referencing old table as gone
	for each statement
	execute function internal.forget_deleted_users();
