// `npm run test:db`: a throwaway PostgreSQL 15 cluster, the Supabase bootstrap, every migration,
// the pgTAP files' shared helpers (schema `tests`, never deployed), then the pgTAP files (pg_prove)
// and the vitest `db` project against it. The cluster is removed
// however the run ends.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { applySql, applySupabaseSchema, psql, startCluster } from './pg-cluster.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const tests = join(root, 'supabase', 'tests');
const testHelpers = join(tests, 'support', 'helpers.sql');
const PG_PROVE = '/usr/bin/pg_prove';

// `npm run test:db -- [file.sql …] [vitest filters …]` runs a part of the suite while working on
// it: `.sql` names choose the pgTAP files, anything else goes to vitest; `--no-vitest` and
// `--no-pgtap` skip a half. With no arguments, everything runs.
const cliArgs = process.argv.slice(2);
const chosenSql = cliArgs.filter((arg) => arg.endsWith('.sql'));
const vitestFilters = cliArgs.filter((arg) => !arg.endsWith('.sql') && !arg.startsWith('--no-'));
const runPgTap = !cliArgs.includes('--no-pgtap');
const runVitest = !cliArgs.includes('--no-vitest');

/** @type {import('./pg-cluster.mjs').Cluster | undefined} */
let cluster;
/** @type {import('node:child_process').ChildProcess | undefined} */
let child;

/** @param {string} title */
function step(title) {
	console.log(`\n=== ${title} ===\n`);
}

/** @param {string} dir */
function sqlFiles(dir) {
	return readdirSync(dir)
		.filter((name) => name.endsWith('.sql'))
		.sort()
		.map((name) => join(dir, name));
}

/**
 * Runs a command with inherited stdio; resolves to whether it succeeded.
 * @param {string} command
 * @param {string[]} args
 * @param {NodeJS.ProcessEnv} [env]
 * @returns {Promise<boolean>}
 */
function runStep(command, args, env = process.env) {
	return new Promise((resolve, reject) => {
		child = spawn(command, args, { cwd: root, env, stdio: 'inherit' });
		child.on('error', reject);
		child.on('exit', (code) => {
			child = undefined;
			resolve(code === 0);
		});
	});
}

// pg-cluster.mjs removes the cluster when the process exits.
/** @param {number} code */
function bail(code) {
	child?.kill('SIGTERM');
	process.exit(code);
}

process.on('SIGINT', () => bail(130));
process.on('SIGTERM', () => bail(143));
process.on('uncaughtException', (error) => {
	console.error(error);
	bail(1);
});
process.on('unhandledRejection', (error) => {
	console.error(error);
	bail(1);
});

async function main() {
	const missing = [
		{ file: PG_PROVE, pkg: 'libtap-parser-sourcehandler-pgtap-perl' },
		{ file: '/usr/share/postgresql/15/extension/pgtap.control', pkg: 'postgresql-15-pgtap' }
	].filter(({ file }) => !existsSync(file));
	if (missing.length > 0) {
		const files = missing.map(({ file }) => file).join(' and ');
		const pkgs = missing.map(({ pkg }) => pkg).join(' ');
		throw new Error(`${files} not found. Install with: apt-get install -y ${pkgs}`);
	}

	step('Starting a throwaway PostgreSQL 15 cluster');
	cluster = await startCluster();
	const { connectionString, host, port } = cluster;
	console.log(`Listening on 127.0.0.1:${port}, socket and data in ${host}`);

	step('Applying the Supabase bootstrap (test-only), the migrations, pgTAP and its helpers');
	applySupabaseSchema(connectionString, (file) => console.log(relative(root, file)));
	psql(connectionString, ['-c', 'create extension pgtap with schema extensions']);
	console.log(relative(root, testHelpers));
	applySql(connectionString, testHelpers);

	const pgTapFiles = sqlFiles(tests).filter(
		(file) => chosenSql.length === 0 || chosenSql.some((chosen) => file.endsWith(chosen))
	);
	step('pgTAP (pg_prove)');
	const pgTapPassed =
		!runPgTap ||
		(await runStep(PG_PROVE, [
			'--failures',
			'--comments',
			'--ext',
			'.sql',
			'--psql-bin',
			'/usr/lib/postgresql/15/bin/psql',
			'-h',
			host,
			'-p',
			String(port),
			'-U',
			'postgres',
			'-d',
			'postgres',
			...pgTapFiles.map((file) => relative(root, file))
		]));

	step('vitest --project db');
	const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
	const vitestPassed =
		!runVitest ||
		(await runStep(process.execPath, [vitest, 'run', '--project', 'db', ...vitestFilters], {
			...process.env,
			RAPPORT_TEST_DATABASE_URL: connectionString
		}));

	step('Summary');
	console.log(`pgTAP:  ${pgTapPassed ? 'passed' : 'FAILED'}`);
	console.log(`vitest: ${vitestPassed ? 'passed' : 'FAILED'}`);
	return pgTapPassed && vitestPassed;
}

let passed = false;
try {
	passed = await main();
} catch (error) {
	console.error(error instanceof Error ? error.message : error);
} finally {
	if (cluster) {
		cluster.stop();
		console.log('\nCluster stopped and removed.');
	}
}
process.exit(passed ? 0 : 1);
