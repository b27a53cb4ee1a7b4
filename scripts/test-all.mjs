// `npm run test:all`: every check and every suite, the same on a laptop and in CI.
// Installs what the suites need from Debian when it can (root + apt-get), else names it.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { e2eSupabaseEnv } from '../tests/support/supabase-keys.mjs';

const prerequisites = [
	{ what: 'Chromium', present: () => existsSync('/usr/bin/chromium'), pkg: 'chromium' },
	{
		what: 'PostgreSQL 15',
		present: () => existsSync('/usr/lib/postgresql/15/bin/initdb'),
		pkg: 'postgresql-15'
	},
	{
		what: 'pg_cron',
		present: () => existsSync('/usr/share/postgresql/15/extension/pg_cron.control'),
		pkg: 'postgresql-15-cron'
	},
	{
		what: 'pgTAP',
		present: () => existsSync('/usr/share/postgresql/15/extension/pgtap.control'),
		pkg: 'postgresql-15-pgtap'
	},
	{
		what: 'pg_prove',
		present: () => spawnSync('sh', ['-c', 'command -v pg_prove']).status === 0,
		pkg: 'libtap-parser-sourcehandler-pgtap-perl'
	}
];

function ensurePrerequisites() {
	const missing = prerequisites.filter((prerequisite) => !prerequisite.present());
	if (missing.length === 0) return;
	const packages = missing.map((prerequisite) => prerequisite.pkg);
	const canInstall =
		process.getuid?.() === 0 && spawnSync('sh', ['-c', 'command -v apt-get']).status === 0;
	if (!canInstall) {
		console.error(
			`Missing: ${missing.map((p) => p.what).join(', ')}.\n` +
				`Install them with: sudo apt-get install -y ${packages.join(' ')}`
		);
		process.exit(1);
	}
	console.log(`Installing ${packages.join(' ')} with apt-get…`);
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	for (const args of [
		['update', '-qq'],
		['install', '-y', '-qq', ...packages]
	]) {
		if (spawnSync('apt-get', args, { stdio: 'inherit', env }).status !== 0) {
			console.error(`apt-get ${args[0]} failed`);
			process.exit(1);
		}
	}
}

const reports = mkdtempSync(join(tmpdir(), 'rapport-test-all-'));

/** Runs one step, echoing its output and picking up pg_prove's totals on the way. */
function run(name, command, args, { vitestReport = false, extraEnv = {} } = {}) {
	console.log(`\n━━ ${name} ━━`);
	const report = join(reports, `${name}.json`);
	const env = {
		...process.env,
		...extraEnv,
		...(vitestReport ? { RAPPORT_TEST_REPORT: report } : {})
	};
	return new Promise((resolve) => {
		const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
		let output = '';
		child.stdout.on('data', (chunk) => {
			process.stdout.write(chunk);
			output += chunk;
		});
		child.stderr.on('data', (chunk) => process.stderr.write(chunk));
		child.on('close', (code) => {
			const counts = { passed: 0, failed: 0 };
			if (vitestReport && existsSync(report)) {
				const json = JSON.parse(readFileSync(report, 'utf8'));
				counts.passed += json.numPassedTests;
				counts.failed += json.numFailedTests;
			}
			const proved = /Files=\d+, Tests=(\d+)/.exec(output);
			if (proved) {
				const failed = [...output.matchAll(/Failed (\d+)\/\d+ subtests/g)].reduce(
					(sum, match) => sum + Number(match[1]),
					0
				);
				counts.passed += Number(proved[1]) - failed;
				counts.failed += failed;
			}
			resolve({ name, ok: code === 0, ...counts });
		});
	});
}

ensurePrerequisites();

const results = [];
try {
	results.push(await run('check', 'npm', ['run', '--silent', 'check']));
	results.push(
		await run('unit', 'npx', ['vitest', 'run', '--project', 'unit'], { vitestReport: true })
	);
	// The browser tests' build: sync is configured, pointed at the test gateway.
	results.push(await run('build', 'npx', ['vite', 'build'], { extraEnv: e2eSupabaseEnv }));
	results.push(await run('db', 'npm', ['run', '--silent', 'test:db'], { vitestReport: true }));
	const built = results.at(-2)?.ok;
	if (built) {
		results.push(await run('e2e', 'npm', ['run', '--silent', 'test:e2e'], { vitestReport: true }));
	} else {
		results.push({ name: 'e2e', ok: false, passed: 0, failed: 0 });
	}
} finally {
	rmSync(reports, { recursive: true, force: true });
}

console.log('\n━━ summary ━━');
for (const result of results) {
	const counted =
		result.passed + result.failed > 0 ? ` (${result.passed} passed, ${result.failed} failed)` : '';
	console.log(`${result.ok ? 'ok  ' : 'FAIL'} ${result.name}${counted}`);
}
const passed = results.reduce((sum, result) => sum + result.passed, 0);
const failed = results.reduce((sum, result) => sum + result.failed, 0);
const stepsFailed = results.filter((result) => !result.ok).length;
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(stepsFailed > 0 || failed > 0 || passed === 0 ? 1 : 0);
