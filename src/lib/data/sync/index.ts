import { supabaseConfig } from './config';
import type { SyncTransport } from './transport';

/**
 * The transport to this build's Supabase project, or null when the build has none. supabase-js
 * comes with it, in a chunk of its own.
 */
export async function loadSyncTransport(): Promise<SyncTransport | null> {
	if (!supabaseConfig) return null;
	const { createSupabaseTransport } = await import('./supabaseTransport');
	return createSupabaseTransport(supabaseConfig);
}
