import { describe, expect, it } from 'vitest';
import { readSupabaseConfig } from './config';

describe('the Supabase project of a build', () => {
	it('is read from the two public variables', () => {
		expect(
			readSupabaseConfig({
				PUBLIC_SUPABASE_URL: ' https://abcd.supabase.co ',
				PUBLIC_SUPABASE_ANON_KEY: 'eyJhbGciOi'
			})
		).toEqual({ url: 'https://abcd.supabase.co', anonKey: 'eyJhbGciOi' });
	});

	it('is absent unless both are set to something usable', () => {
		const url = 'http://127.0.0.1:54321';
		expect(readSupabaseConfig({})).toBeNull();
		expect(readSupabaseConfig({ PUBLIC_SUPABASE_URL: url })).toBeNull();
		expect(
			readSupabaseConfig({ PUBLIC_SUPABASE_URL: url, PUBLIC_SUPABASE_ANON_KEY: ' ' })
		).toBeNull();
		expect(
			readSupabaseConfig({ PUBLIC_SUPABASE_URL: 'abcd', PUBLIC_SUPABASE_ANON_KEY: 'k' })
		).toBeNull();
		expect(
			readSupabaseConfig({ PUBLIC_SUPABASE_URL: 'ftp://abcd', PUBLIC_SUPABASE_ANON_KEY: 'k' })
		).toBeNull();
		expect(readSupabaseConfig({ PUBLIC_SUPABASE_URL: url, PUBLIC_SUPABASE_ANON_KEY: 'k' })).toEqual(
			{
				url,
				anonKey: 'k'
			}
		);
	});
});
