-- TEST-ONLY, NEVER DEPLOYED.
-- Recreates, on a plain PostgreSQL 15 cluster, the objects a Supabase project already provides
-- before any user migration runs: the API roles, the `auth` and `extensions` schemas, a slim
-- `auth.users`, and auth.uid() / auth.role() / auth.email() / auth.jwt(). With these in place the
-- files in supabase/migrations apply unchanged, exactly as they will on Supabase, where all of
-- this belongs to the platform. Only what our migrations and tests rely on is recreated.
--
-- Deliberately absent: default privileges granting new public tables to anon / authenticated.
-- New Supabase projects no longer add them, so every migration must grant explicitly.

-- PostgREST logs in as authenticator and, per request, switches to the role named in the JWT.
create role anon nologin noinherit;
create role authenticated nologin noinherit;
create role service_role nologin noinherit bypassrls;
create role authenticator login noinherit;
grant anon, authenticated, service_role to authenticator;

grant usage on schema public to anon, authenticated, service_role;

create schema extensions;
grant usage on schema extensions to anon, authenticated, service_role;
create extension pgcrypto with schema extensions;
create extension "uuid-ossp" with schema extensions;

-- As on Supabase, so that extension functions (pgTAP included) resolve unqualified in SQL run as
-- postgres: migrations, seeds, tests.
alter role postgres set search_path = "$user", public, extensions;

create schema auth;
grant usage on schema auth to anon, authenticated, service_role;

-- The columns of Supabase Auth's table that our migrations and tests touch, with its types.
create table auth.users (
	instance_id uuid,
	id uuid primary key default gen_random_uuid(),
	aud varchar(255),
	role varchar(255),
	email varchar(255),
	raw_app_meta_data jsonb,
	raw_user_meta_data jsonb,
	is_anonymous boolean not null default false,
	created_at timestamptz default now(),
	updated_at timestamptz default now(),
	deleted_at timestamptz
);

-- The bodies below are Supabase's own: the claims arrive as the transaction-local setting
-- request.jwt.claims (PostgREST ≥ 9), older PostgREST set one request.jwt.claim.* per claim.
create function auth.uid()
returns uuid
language sql
stable
as $$
	select coalesce(
		nullif(current_setting('request.jwt.claim.sub', true), ''),
		(nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
	)::uuid
$$;

create function auth.role()
returns text
language sql
stable
as $$
	select coalesce(
		nullif(current_setting('request.jwt.claim.role', true), ''),
		(nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
	)::text
$$;

create function auth.email()
returns text
language sql
stable
as $$
	select coalesce(
		nullif(current_setting('request.jwt.claim.email', true), ''),
		(nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email')
	)::text
$$;

create function auth.jwt()
returns jsonb
language sql
stable
as $$
	select coalesce(
		nullif(current_setting('request.jwt.claim', true), ''),
		nullif(current_setting('request.jwt.claims', true), '')
	)::jsonb
$$;
