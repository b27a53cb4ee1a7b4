// `npm run test:e2e [-- --build] [vitest args…]`: the browser tests run against the static
// build, so build first when there is none (or when asked), then hand over to vitest.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { e2eSupabaseEnv } from './supabase-keys.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const forceBuild = args.includes('--build');
const vitestArgs = args.filter((arg) => arg !== '--build');

/** @type {import('node:child_process').ChildProcess | undefined} */
let child;

/**
 * @param {string[]} commandArgs
 * @param {NodeJS.ProcessEnv} [env]
 * @returns {Promise<number>}
 */
function npx(commandArgs, env = process.env) {
	return new Promise((resolve, reject) => {
		child = spawn('npx', commandArgs, { cwd: root, env, stdio: 'inherit' });
		child.on('error', reject);
		child.on('exit', (code, signal) => {
			child = undefined;
			resolve(code ?? (signal ? 1 : 0));
		});
	});
}

// Stop the child we started, not just ourselves, so no Chromium or server is left behind.
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
	process.on(signal, () => {
		child?.kill(signal);
		process.exit(signal === 'SIGINT' ? 130 : 143);
	});
}

if (forceBuild || !existsSync(join(root, 'build', 'index.html'))) {
	console.log('Building the app (npx vite build)…');
	// Sync is configured in this build, pointed at the gateway the sync tests start.
	const built = await npx(['vite', 'build'], { ...process.env, ...e2eSupabaseEnv });
	if (built !== 0) process.exit(built);
}

process.exit(await npx(['vitest', 'run', '--project', 'e2e', ...vitestArgs]));
