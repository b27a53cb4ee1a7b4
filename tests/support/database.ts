import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';

/**
 * A client on the throwaway cluster that `npm run test:db` starts and migrates, connected before
 * the file's tests and closed after them.
 */
export function useTestDatabase(): pg.Client {
	const connectionString = process.env.RAPPORT_TEST_DATABASE_URL;
	const client = new pg.Client({ connectionString });
	beforeAll(async () => {
		if (!connectionString) {
			throw new Error(
				'RAPPORT_TEST_DATABASE_URL is not set: run these tests with `npm run test:db`, which starts a database.'
			);
		}
		await client.connect();
	});
	afterAll(async () => {
		await client.end();
	});
	return client;
}
