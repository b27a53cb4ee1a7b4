-- Demo data for a local Supabase stack: `supabase db reset` runs it after the migrations.
-- Never run it against a hosted project. Sign in locally as demo@rapport.test / rapport-demo.

-- Supabase Auth scans the token columns as strings, so they must be '' rather than null, and
-- email sign-in needs the matching identity row.
insert into auth.users (
	instance_id,
	id,
	aud,
	role,
	email,
	encrypted_password,
	email_confirmed_at,
	raw_app_meta_data,
	raw_user_meta_data,
	confirmation_token,
	recovery_token,
	email_change_token_new,
	email_change,
	created_at,
	updated_at
) values (
	'00000000-0000-0000-0000-000000000000',
	'5eed0000-0000-4000-8000-000000000001',
	'authenticated',
	'authenticated',
	'demo@rapport.test',
	extensions.crypt('rapport-demo', extensions.gen_salt('bf')),
	now(),
	'{"provider": "email", "providers": ["email"]}',
	'{"display_name": "林小美"}',
	'',
	'',
	'',
	'',
	now(),
	now()
);

insert into auth.identities (
	id,
	provider_id,
	user_id,
	identity_data,
	provider,
	last_sign_in_at,
	created_at,
	updated_at
) values (
	gen_random_uuid(),
	'5eed0000-0000-4000-8000-000000000001',
	'5eed0000-0000-4000-8000-000000000001',
	'{"sub": "5eed0000-0000-4000-8000-000000000001", "email": "demo@rapport.test", "email_verified": true}',
	'email',
	now(),
	now(),
	now()
);

insert into public.profiles (owner_id, display_name, card, locale, time_zone) values (
	'5eed0000-0000-4000-8000-000000000001',
	'林小美',
	'{"name": "林小美", "title": "產品設計師", "company": "好日子設計工作室"}',
	'zh-TW',
	'Asia/Taipei'
);

insert into public.events (
	id,
	owner_id,
	name,
	topic,
	context,
	starts_at,
	ends_at,
	venue,
	time_zone
) values (
	'5eed0000-0000-4000-8000-0000000000e1',
	'5eed0000-0000-4000-8000-000000000001',
	'台北前端社群聚會 #42',
	'Svelte 5 與離線優先的 PWA',
	'meetup',
	'2026-12-05 19:00:00+08',
	'2026-12-05 21:30:00+08',
	'台北市信義區松仁路 100 號',
	'Asia/Taipei'
);
