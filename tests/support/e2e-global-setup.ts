// Runs once before the e2e files: fails fast, with a sentence that says what to do, when the
// build or the browser is missing, instead of letting every test time out on its own.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { E2E_SUPABASE_URL } from './supabase-keys.mjs';

declare module 'vitest' {
	interface ProvidedContext {
		/** Absolute path of the static build (`vite build` output) the tests serve. */
		buildDir: string;
		/** The Chromium binary every test launches. */
		chromiumPath: string;
	}
}

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export default function setup(project: TestProject): void {
	// Overridable so a candidate build (say, one with a hand-patched index.html) can be checked
	// without replacing the shared build/ folder.
	const buildDir = resolve(process.env.E2E_BUILD_DIR ?? join(root, 'build'));
	if (!existsSync(join(buildDir, 'index.html')) || !existsSync(join(buildDir, 'sw.js'))) {
		throw new Error(
			`No complete build in ${buildDir} (index.html and sw.js expected). ` +
				'Run `npx vite build` first, or `npm run test:e2e -- --build`.'
		);
	}

	// The sync tests need the app to call the test gateway, which only a build made with
	// e2eSupabaseEnv does; a plain `vite build` (or `npm run bench`) leaves sync unconfigured.
	const scripts = join(buildDir, '_app', 'immutable');
	const callsGateway = readdirSync(scripts, { recursive: true, encoding: 'utf8' }).some(
		(file) =>
			file.endsWith('.js') && readFileSync(join(scripts, file), 'utf8').includes(E2E_SUPABASE_URL)
	);
	if (!callsGateway) {
		throw new Error(
			`The build in ${buildDir} was made without the test Supabase settings. ` +
				'Run `npm run test:e2e -- --build`, which builds with them.'
		);
	}

	const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
	if (!existsSync(chromiumPath)) {
		throw new Error(
			`Chromium not found at ${chromiumPath}. Install it (apt-get install -y chromium) ` +
				'or point CHROMIUM_PATH at a Chromium binary.'
		);
	}

	project.provide('buildDir', buildDir);
	project.provide('chromiumPath', chromiumPath);
}
