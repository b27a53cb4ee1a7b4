// TEST-ONLY. Runs the send-reminders Edge Function (supabase/functions/send-reminders) under the
// real Deno runtime, which the `deno` npm package ships, as `supabase functions serve` would:
// its environment holds the project URL and service key (here the test gateway's), the VAPID
// keys and the cron secret. Deno fetches the function's `npm:` imports from the registry into
// DENO_DIR, a fresh temp folder by default (a clean machine); RAPPORT_DENO_DIR keeps a cache.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SEND_REMINDERS_ENTRY = join(
	root,
	'supabase',
	'functions',
	'send-reminders',
	'index.ts'
);

let denoPath: string | undefined;

/**
 * The Deno executable itself. The npm package's `bin` is a Node script that runs it as a child,
 * so a signal to the script would leave Deno running: ask Deno where it is, once.
 */
function deno(): string {
	denoPath ??= execFileSync(
		join(root, 'node_modules', '.bin', 'deno'),
		['eval', 'console.log(Deno.execPath())'],
		{ encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } }
	).trim();
	return denoPath;
}

export interface VapidKeys {
	publicKey: string;
	privateKey: string;
	subject: string;
}

/** A fresh VAPID key pair, in the format `npx web-push generate-vapid-keys` prints. */
export function makeVapidKeys(subject = 'mailto:reminders@rapport.test'): VapidKeys {
	const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
	const jwk = privateKey.export({ format: 'jwk' });
	const point = Buffer.concat([
		Buffer.from([4]),
		Buffer.from(jwk.x as string, 'base64url'),
		Buffer.from(jwk.y as string, 'base64url')
	]);
	return { publicKey: point.toString('base64url'), privateKey: jwk.d as string, subject };
}

/** Where Deno keeps what it downloads, and how to remove it again. */
export function denoCache(): { dir: string; remove(): void } {
	const kept = process.env.RAPPORT_DENO_DIR;
	if (kept) return { dir: kept, remove: () => {} };
	const dir = mkdtempSync(join(tmpdir(), 'rapport-deno-'));
	return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** `deno check` of the function, with its npm types: the output, or '' when it passes. */
export function denoCheck(denoDir: string): string {
	const result = spawnSync(
		deno(),
		['check', '--node-modules-dir=none', '--no-lock', SEND_REMINDERS_ENTRY],
		{
			cwd: root,
			env: { ...process.env, DENO_DIR: denoDir, NO_COLOR: '1' },
			encoding: 'utf8'
		}
	);
	return result.status === 0 ? '' : `${result.stdout}${result.stderr}`;
}

export interface SendRemindersOptions {
	supabaseUrl: string;
	serviceKey: string;
	vapid: VapidKeys;
	cronSecret: string;
	/** A CA the function's fetch must trust (the push stand-in's). */
	caFile: string;
	denoDir: string;
	/** Extra settings, e.g. REMINDERS_PUSH_TIMEOUT_MS. */
	env?: Record<string, string>;
}

export interface SendRemindersFunction {
	url: string;
	/** Everything the function printed, for a failing test to show. */
	readonly output: string;
	stop(): Promise<void>;
}

export async function startSendReminders(
	options: SendRemindersOptions
): Promise<SendRemindersFunction> {
	// First with this machine's own trust store (a registry behind a proxy may need it): DENO_CERT
	// below replaces it, which the stand-in's CA needs but the registry would not survive.
	const cached = spawnSync(
		deno(),
		['cache', '--node-modules-dir=none', '--no-lock', SEND_REMINDERS_ENTRY],
		{
			cwd: root,
			env: { ...process.env, DENO_DIR: options.denoDir, NO_COLOR: '1' },
			encoding: 'utf8'
		}
	);
	if (cached.status !== 0) {
		throw new Error(`deno cache failed:\n${cached.stdout}${cached.stderr}`);
	}
	const child: ChildProcess = spawn(
		deno(),
		[
			'run',
			'--node-modules-dir=none',
			'--no-lock',
			'--allow-net',
			'--allow-env',
			SEND_REMINDERS_ENTRY
		],
		{
			cwd: root,
			env: {
				...process.env,
				NO_COLOR: '1',
				DENO_DIR: options.denoDir,
				DENO_CERT: options.caFile,
				// Deno.serve listens here instead of its default port 8000.
				DENO_SERVE_ADDRESS: 'tcp:127.0.0.1:0',
				SUPABASE_URL: options.supabaseUrl,
				SUPABASE_SERVICE_ROLE_KEY: options.serviceKey,
				VAPID_PUBLIC_KEY: options.vapid.publicKey,
				VAPID_PRIVATE_KEY: options.vapid.privateKey,
				VAPID_SUBJECT: options.vapid.subject,
				REMINDERS_CRON_SECRET: options.cronSecret,
				...options.env
			},
			stdio: ['ignore', 'pipe', 'pipe']
		}
	);
	let output = '';
	const url = await new Promise<string>((resolve, reject) => {
		const timer = setTimeout(
			() => reject(new Error(`send-reminders did not start within 120 s:\n${output}`)),
			120_000
		);
		const listen = (chunk: Buffer) => {
			output += chunk.toString();
			const match = /Listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
			if (match) {
				clearTimeout(timer);
				resolve(match[1] as string);
			}
		};
		child.stdout?.on('data', listen);
		child.stderr?.on('data', listen);
		child.on('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`send-reminders exited with ${code}:\n${output}`));
		});
	});
	return {
		url,
		get output() {
			return output;
		},
		async stop() {
			if (child.exitCode !== null) return;
			const exited = new Promise((resolve) => child.once('exit', resolve));
			child.kill('SIGTERM');
			await exited;
		}
	};
}
