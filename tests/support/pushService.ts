// TEST-ONLY. A stand-in for the push services (FCM, Mozilla autopush, Apple) that the
// send-reminders Edge Function talks to: HTTPS on 127.0.0.1 with a throwaway CA, one endpoint per
// test subscription. It checks every request as a push service would and more: the VAPID JWT
// (ES256 signature by the expected key, audience, expiry at most 24 h away, subject), the TTL and
// encoding headers, and it decrypts the body (RFC 8291 aes128gcm) with the subscription's own
// private key, so a test sees exactly what the device would show. Faults per endpoint: 404, 410,
// 500, or no answer at all.
import { execFileSync } from 'node:child_process';
import {
	createDecipheriv,
	createECDH,
	createPublicKey,
	hkdfSync,
	randomBytes,
	verify,
	type ECDH
} from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type PushFault = 'not_found' | 'gone' | 'server_error' | 'hang';

export interface TestSubscription {
	/** The stand-in's name for it. */
	id: string;
	endpoint: string;
	/** The device's public key and auth secret, base64url, as PushSubscription.toJSON() gives them. */
	p256dh: string;
	auth: string;
}

export interface ReceivedPush {
	subscriptionId: string;
	/** The decrypted body, parsed (null if not checked: see `checkEvery`). */
	payload: unknown;
	ttl: number;
	topic: string | null;
	urgency: string | null;
	claims: { aud: string; exp: number; sub: string };
	receivedAt: number;
}

export interface PushService {
	origin: string;
	/** PEM of the CA that signed the stand-in's certificate (give it to Deno as DENO_CERT). */
	caFile: string;
	subscribe(id: string): TestSubscription;
	setFault(id: string, fault: PushFault | null): void;
	/** Pushes the stand-in accepted (201), oldest first. */
	readonly received: ReceivedPush[];
	/** Requests it refused because something in them was wrong, with why. */
	readonly problems: string[];
	close(): Promise<void>;
}

export interface PushServiceOptions {
	/** The VAPID public key (base64url, uncompressed point) every JWT must be signed with. */
	vapidPublicKey: string;
	/** The subject every JWT must carry. */
	vapidSubject: string;
	/** Decrypt and check one request in this many (1, the default, checks all). */
	checkEvery?: number;
}

const b64url = (bytes: Buffer) => bytes.toString('base64url');

/** A CA and a certificate for 127.0.0.1 and localhost signed by it, in a temp folder. */
function makeCertificates(dir: string) {
	const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
	const path = (name: string) => join(dir, name);
	openssl(
		'req',
		'-x509',
		'-newkey',
		'ec',
		'-pkeyopt',
		'ec_paramgen_curve:prime256v1',
		'-nodes',
		'-keyout',
		path('ca.key'),
		'-out',
		path('ca.pem'),
		'-days',
		'2',
		'-subj',
		'/CN=Rapport test push CA'
	);
	openssl(
		'req',
		'-newkey',
		'ec',
		'-pkeyopt',
		'ec_paramgen_curve:prime256v1',
		'-nodes',
		'-keyout',
		path('server.key'),
		'-out',
		path('server.csr'),
		'-subj',
		'/CN=127.0.0.1'
	);
	writeFileSync(path('ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
	openssl(
		'x509',
		'-req',
		'-in',
		path('server.csr'),
		'-CA',
		path('ca.pem'),
		'-CAkey',
		path('ca.key'),
		'-CAcreateserial',
		'-out',
		path('server.pem'),
		'-days',
		'2',
		'-extfile',
		path('ext.cnf')
	);
	return {
		caFile: path('ca.pem'),
		key: readFileSync(path('server.key')),
		cert: readFileSync(path('server.pem'))
	};
}

/** RFC 8291: the plaintext of an aes128gcm body, for the device holding `ecdh` and `authSecret`. */
function decrypt(body: Buffer, ecdh: ECDH, authSecret: Buffer): Buffer {
	const salt = body.subarray(0, 16);
	const recordSize = body.readUInt32BE(16);
	const idLength = body[20] as number;
	const senderKey = body.subarray(21, 21 + idLength);
	const record = body.subarray(21 + idLength);
	if (idLength !== 65) throw new Error(`keyid is ${idLength} bytes, not a P-256 point`);
	if (record.length > recordSize) throw new Error('more than one record');

	const shared = ecdh.computeSecret(senderKey);
	const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), ecdh.getPublicKey(), senderKey]);
	const ikm = Buffer.from(hkdfSync('sha256', shared, authSecret, keyInfo, 32));
	const cek = Buffer.from(
		hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16)
	);
	const nonce = Buffer.from(
		hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12)
	);
	const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
	decipher.setAuthTag(record.subarray(record.length - 16));
	const padded = Buffer.concat([
		decipher.update(record.subarray(0, record.length - 16)),
		decipher.final()
	]);
	// The last record ends with the delimiter 0x02, then zero padding.
	let end = padded.length - 1;
	while (end >= 0 && padded[end] === 0) end--;
	if (padded[end] !== 2) throw new Error('no last-record delimiter');
	return padded.subarray(0, end);
}

/** The claims of a VAPID JWT after checking its ES256 signature with `publicKey`. */
function verifiedClaims(jwt: string, publicKey: string) {
	const [header, payload, signature] = jwt.split('.');
	if (!header || !payload || !signature) throw new Error('malformed JWT');
	const head = JSON.parse(Buffer.from(header, 'base64url').toString());
	if (head.alg !== 'ES256') throw new Error(`JWT alg ${head.alg}`);
	const point = Buffer.from(publicKey, 'base64url');
	const key = createPublicKey({
		key: {
			kty: 'EC',
			crv: 'P-256',
			x: b64url(point.subarray(1, 33)),
			y: b64url(point.subarray(33, 65))
		},
		format: 'jwk'
	});
	const signed = verify(
		'sha256',
		Buffer.from(`${header}.${payload}`),
		{ key, dsaEncoding: 'ieee-p1363' },
		Buffer.from(signature, 'base64url')
	);
	if (!signed) throw new Error('JWT signature does not verify');
	return JSON.parse(Buffer.from(payload, 'base64url').toString()) as ReceivedPush['claims'];
}

export async function startPushService(options: PushServiceOptions): Promise<PushService> {
	const dir = mkdtempSync(join(tmpdir(), 'rapport-push-'));
	const { caFile, key, cert } = makeCertificates(dir);
	const devices = new Map<string, { ecdh: ECDH; auth: Buffer }>();
	const faults = new Map<string, PushFault>();
	const received: ReceivedPush[] = [];
	const problems: string[] = [];
	const hanging = new Set<ServerResponse>();
	// A sender may reuse its JWT until it expires, as push services allow: checked once each.
	const verified = new Map<string, ReceivedPush['claims']>();
	const checkEvery = options.checkEvery ?? 1;
	let requests = 0;
	let origin = '';

	function check(id: string, req: IncomingMessage, body: Buffer): ReceivedPush {
		const device = devices.get(id);
		if (!device) throw new Error(`unknown subscription ${id}`);
		const match = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(req.headers.authorization ?? '');
		if (!match) throw new Error(`Authorization is not VAPID: ${req.headers.authorization}`);
		if (match[2] !== options.vapidPublicKey) throw new Error('k is not the VAPID public key');
		const jwt = match[1] as string;
		const claims = verified.get(jwt) ?? verifiedClaims(jwt, options.vapidPublicKey);
		verified.set(jwt, claims);
		const now = Math.floor(Date.now() / 1000);
		if (claims.aud !== origin) throw new Error(`aud ${claims.aud}, not ${origin}`);
		if (!(claims.exp > now && claims.exp <= now + 24 * 60 * 60)) {
			throw new Error(`exp ${claims.exp} is not within 24 h of ${now}`);
		}
		if (claims.sub !== options.vapidSubject) throw new Error(`sub ${claims.sub}`);
		const ttl = Number(req.headers.ttl);
		if (!Number.isInteger(ttl) || ttl < 0) throw new Error(`TTL header ${req.headers.ttl}`);
		if (req.headers['content-encoding'] !== 'aes128gcm') {
			throw new Error(`Content-Encoding ${req.headers['content-encoding']}`);
		}
		const payload =
			requests % checkEvery === 0
				? JSON.parse(decrypt(body, device.ecdh, device.auth).toString('utf8'))
				: null;
		return {
			subscriptionId: id,
			payload,
			ttl,
			topic: (req.headers.topic as string | undefined) ?? null,
			urgency: (req.headers.urgency as string | undefined) ?? null,
			claims,
			receivedAt: Date.now()
		};
	}

	const server = createServer({ key, cert }, (req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			requests += 1;
			const id = decodeURIComponent(/^\/push\/([^/]+)$/.exec(req.url ?? '')?.[1] ?? '');
			const fault = faults.get(id);
			if (fault === 'hang') {
				hanging.add(res);
				res.on('close', () => hanging.delete(res));
				return;
			}
			if (fault === 'not_found' || !devices.has(id)) return void res.writeHead(404).end();
			if (fault === 'gone') return void res.writeHead(410).end();
			if (fault === 'server_error') return void res.writeHead(500).end();
			if (req.method !== 'POST') return void res.writeHead(405).end();
			try {
				received.push(check(id, req, Buffer.concat(chunks)));
				res.writeHead(201).end();
			} catch (error) {
				problems.push(`${id}: ${error instanceof Error ? error.message : String(error)}`);
				res.writeHead(400).end();
			}
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

	return {
		origin,
		caFile,
		subscribe(id) {
			const ecdh = createECDH('prime256v1');
			ecdh.generateKeys();
			const auth = randomBytes(16);
			devices.set(id, { ecdh, auth });
			return {
				id,
				endpoint: `${origin}/push/${encodeURIComponent(id)}`,
				p256dh: b64url(ecdh.getPublicKey()),
				auth: b64url(auth)
			};
		},
		setFault(id, fault) {
			if (fault) faults.set(id, fault);
			else faults.delete(id);
		},
		received,
		problems,
		async close() {
			for (const res of hanging) res.destroy();
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
			rmSync(dir, { recursive: true, force: true });
		}
	};
}
