// Sync exists in a build only when it was given a Supabase project: PUBLIC_SUPABASE_URL and
// PUBLIC_SUPABASE_ANON_KEY at build time (vite.config.ts exposes the PUBLIC_ prefix). The anon key
// is public by design; what it may do is decided by the database's grants and RLS.

export interface SupabaseConfig {
	url: string;
	anonKey: string;
}

/** Null unless both are set and the URL is an http(s) address. */
export function readSupabaseConfig(env: Record<string, unknown>): SupabaseConfig | null {
	const url = env.PUBLIC_SUPABASE_URL;
	const anonKey = env.PUBLIC_SUPABASE_ANON_KEY;
	if (typeof url !== 'string' || typeof anonKey !== 'string' || anonKey.trim() === '') return null;
	try {
		const { protocol } = new URL(url.trim());
		if (protocol !== 'https:' && protocol !== 'http:') return null;
	} catch {
		return null;
	}
	return { url: url.trim(), anonKey: anonKey.trim() };
}

export const supabaseConfig: SupabaseConfig | null = readSupabaseConfig(import.meta.env);
