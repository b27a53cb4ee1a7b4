// Throwaway PostgreSQL 15 clusters for the database tests: real Postgres with pg_cron preloaded,
// in a temp folder, on a free port, removed again by stop(). See DESIGN.md, "Testing Supabase
// without Docker".
import { spawnSync } from 'node:child_process';
import {
	appendFileSync,
	chownSync,
	existsSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	rmSync
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PG_BIN = '/usr/lib/postgresql/15/bin';
const PG_SHARE = '/usr/share/postgresql/15';

// PostgreSQL refuses to run as root; as any other user the cluster simply belongs to that user.
const isRoot = process.getuid?.() === 0;

// Every cluster not yet stopped, from its first file on: whatever ends the process, even a signal
// while a cluster is still starting, removes them on the way out.
/** @type {Set<() => void>} */
const unstopped = new Set();
process.on('exit', () => {
	for (const stop of unstopped) stop();
});

/**
 * @typedef {object} Cluster
 * @property {number} port
 * @property {string} host the Unix socket directory
 * @property {string} connectionString TCP URL for the `postgres` superuser and database
 * @property {() => void} stop idempotent and synchronous, so it also works in an 'exit' handler
 */

/**
 * @param {string[]} packages
 * @param {string} what
 */
function missing(packages, what) {
	return new Error(`${what} not found. Install it with: apt-get install -y ${packages.join(' ')}`);
}

/**
 * Runs a PostgreSQL server tool as the postgres user (when we are root) and returns its result.
 * @param {string} tool
 * @param {string[]} args
 */
function runAsPostgres(tool, args) {
	const command = join(PG_BIN, tool);
	return isRoot
		? spawnSync('runuser', ['-u', 'postgres', '--', command, ...args], { encoding: 'utf8' })
		: spawnSync(command, args, { encoding: 'utf8' });
}

/**
 * @param {string} tool
 * @param {string[]} args
 */
function mustRunAsPostgres(tool, args) {
	const result = runAsPostgres(tool, args);
	if (result.error) throw result.error;
	if (result.status !== 0) {
		throw new Error(
			`${tool} ${args.join(' ')} exited with ${result.status}\n${result.stdout}${result.stderr}`
		);
	}
}

/** @param {'-u' | '-g'} flag */
function postgresId(flag) {
	const result = spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
	if (result.status !== 0) throw missing(['postgresql-15'], 'The postgres system user');
	return Number(result.stdout.trim());
}

/** @returns {Promise<number>} */
function freePort() {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			server.close(() => resolve(port));
		});
	});
}

/** @returns {Promise<Cluster>} */
export async function startCluster() {
	if (!existsSync(join(PG_BIN, 'initdb'))) {
		throw missing(['postgresql-15'], `PostgreSQL 15 (${PG_BIN}/initdb)`);
	}
	if (!existsSync(join(PG_SHARE, 'extension', 'pg_cron.control'))) {
		throw missing(['postgresql-15-cron'], 'pg_cron for PostgreSQL 15');
	}

	const dir = mkdtempSync(join(tmpdir(), 'rapport-pg-'));
	const data = join(dir, 'data');
	const log = join(dir, 'log');
	let stopped = false;
	const stop = () => {
		if (stopped) return;
		stopped = true;
		unstopped.delete(stop);
		// Also after a start that failed half-way: a server may be running without having answered.
		if (existsSync(join(data, 'postmaster.pid'))) {
			// Immediate mode: the data is thrown away, so a clean shutdown checkpoint is wasted time.
			runAsPostgres('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
		}
		rmSync(dir, { recursive: true, force: true });
	};
	unstopped.add(stop);

	try {
		if (isRoot) chownSync(dir, postgresId('-u'), postgresId('-g'));
		mustRunAsPostgres('initdb', [
			'-A',
			'trust',
			'-U',
			'postgres',
			'-D',
			data,
			'--no-sync',
			'--no-instructions',
			'-E',
			'UTF8',
			'--locale=C.UTF-8'
		]);
		const port = await freePort();
		appendFileSync(
			join(data, 'postgresql.conf'),
			[
				'',
				`port = ${port}`,
				"listen_addresses = '127.0.0.1'",
				`unix_socket_directories = '${dir}'`,
				"shared_preload_libraries = 'pg_cron'",
				// pg_cron can only be created in this database.
				"cron.database_name = 'postgres'",
				// The tests run each job by hand. Left alone, pg_cron would also run them on their
				// schedule (on the hour, every 15 minutes), in the middle of whichever test is running
				// then. The jobs stay registered and active, as the schema defines them; their runs
				// fail to connect.
				"cron.host = '/nonexistent'",
				// Supabase projects run in UTC; initdb would otherwise copy this machine's zone.
				"timezone = 'UTC'",
				// Durability is pointless for a cluster that lives for one test run.
				'fsync = off',
				'synchronous_commit = off',
				'full_page_writes = off',
				''
			].join('\n')
		);
		try {
			mustRunAsPostgres('pg_ctl', ['-w', '-D', data, '-l', log, 'start']);
		} catch (error) {
			const tail = existsSync(log) ? readFileSync(log, 'utf8').slice(-2000) : '';
			throw new Error(`${/** @type {Error} */ (error).message}\nServer log:\n${tail}`, {
				cause: error
			});
		}
		return {
			port,
			host: dir,
			connectionString: `postgresql://postgres@127.0.0.1:${port}/postgres`,
			stop
		};
	} catch (error) {
		stop();
		throw error;
	}
}

/**
 * Runs psql against the cluster, streaming its output; throws if it fails.
 * @param {string} connectionString
 * @param {string[]} args
 */
export function psql(connectionString, args) {
	const result = spawnSync(
		join(PG_BIN, 'psql'),
		['--no-psqlrc', '--quiet', '-v', 'ON_ERROR_STOP=1', '-d', connectionString, ...args],
		{ stdio: 'inherit' }
	);
	if (result.error) throw result.error;
	if (result.status !== 0) throw new Error(`psql ${args.join(' ')} exited with ${result.status}`);
}

/**
 * Applies one SQL file, stopping at its first error.
 * @param {string} connectionString
 * @param {string} file
 */
export function applySql(connectionString, file) {
	psql(connectionString, ['--single-transaction', '-f', file]);
}

/**
 * What a Supabase project looks like after `supabase db push`: the test-only bootstrap that
 * stands in for the platform, then every migration in file-name order.
 * @param {string} connectionString
 * @param {(file: string) => void} [onFile] told each file before it is applied
 */
export function applySupabaseSchema(connectionString, onFile = () => {}) {
	const supportDir = dirname(fileURLToPath(import.meta.url));
	const migrationsDir = join(supportDir, '..', '..', 'supabase', 'migrations');
	const files = [
		join(supportDir, 'supabase-bootstrap.sql'),
		...readdirSync(migrationsDir)
			.filter((name) => name.endsWith('.sql'))
			.sort()
			.map((name) => join(migrationsDir, name))
	];
	for (const file of files) {
		onFile(file);
		applySql(connectionString, file);
	}
}
