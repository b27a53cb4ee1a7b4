// TEST-ONLY. A pretend Supabase project for the sync tests: a throwaway PostgreSQL cluster with the
// bootstrap and every migration, behind the test gateway (gateway.ts).
import pg from 'pg';
import { startGateway, type Gateway, type GatewayOptions } from './gateway';
import { applySupabaseSchema, startCluster } from './pg-cluster.mjs';
import { E2E_JWT_SECRET, E2E_SUPABASE_PORT } from './supabase-keys.mjs';

export interface SupabaseStack {
	gateway: Gateway;
	/** A superuser client, to look at the server's rows as they are. */
	admin: pg.Client;
	stop(): Promise<void>;
}

/**
 * Starts the stack. With `forTheBuild`, the gateway listens where the browser tests' build
 * expects it (supabase-keys.mjs) and signs with the matching secret.
 */
export async function startSupabaseStack(
	options: { forTheBuild?: boolean } & Pick<GatewayOptions, 'faults' | 'accessTokenTtlSeconds'> = {}
): Promise<SupabaseStack> {
	const cluster = await startCluster();
	try {
		applySupabaseSchema(cluster.connectionString);
		const gateway = await startGateway({
			databaseUrl: cluster.connectionString,
			...(options.forTheBuild ? { port: E2E_SUPABASE_PORT, jwtSecret: E2E_JWT_SECRET } : {}),
			...(options.faults ? { faults: options.faults } : {}),
			...(options.accessTokenTtlSeconds
				? { accessTokenTtlSeconds: options.accessTokenTtlSeconds }
				: {})
		});
		const admin = new pg.Client({ connectionString: cluster.connectionString });
		await admin.connect();
		return {
			gateway,
			admin,
			async stop() {
				await admin.end();
				await gateway.close();
				cluster.stop();
			}
		};
	} catch (error) {
		cluster.stop();
		throw error;
	}
}
