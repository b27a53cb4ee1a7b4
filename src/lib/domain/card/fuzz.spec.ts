import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validCardArbitrary } from './arbitraries';
import type { Card } from './card';
import { cardSchema } from './schema';
import { checkDigits } from './payload';
import { encodeCardUrl } from './payloadEncode';
import { referenceCard, referenceOrigin } from './reference';
import { isSafeUrl, safeHref } from './safety';
import { parseScan } from './scan';
import { escapeText, toVCard } from './vcard';

// At least 100,000 inputs in all: mutations of valid links, vCards and MECARDs (byte-wise on
// their UTF-8, so characters break too) and random strings with control characters, bidi
// overrides and lone surrogates. Seeded, so a failure is reproducible.

const SEED = 20_261_103;
// http stays http (DESIGN: a link keeps its scheme); the allow-list is what keeps it safe.
const CLICKABLE = /^(?:https?:|tel:|mailto:)/;

/**
 * Everything the UI relies on: no throw, no bug report, valid cards, only safe links. Null for
 * a refusal, 'ok' for a good card, anything else is a problem.
 */
function problemWith(text: string): string | null {
	let result;
	try {
		result = parseScan(text);
	} catch (error) {
		return `threw ${String(error)}`;
	}
	if (!result.ok) return result.reason === 'unreadable' ? 'unreadable' : null;
	if (!cardSchema.safeParse(result.card).success) return 'invalid card';
	for (const channel of result.card.channels) {
		const href = safeHref(channel);
		if (href !== null && !(CLICKABLE.test(href) && isSafeUrl(href))) return `unsafe ${href}`;
	}
	return 'ok';
}

function random(seed: number): () => number {
	let state = seed;
	return () => {
		state = (state + 0x6d2b79f5) | 0;
		let t = Math.imul(state ^ (state >>> 15), 1 | state);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const TOKENS = [
	';',
	':',
	',',
	'\\',
	'=',
	'"',
	'#',
	'\r\n',
	'\n ',
	'=\r\n',
	'\u0000',
	'\u202e',
	'\ud800',
	'\udc00',
	'javascript:',
	'JaVa\tScRiPt:',
	'data:text/html,',
	'item1.',
	'X-ABLabel:',
	';ENCODING=QUOTED-PRINTABLE',
	';CHARSET=BIG5',
	'URL:',
	'TEL:',
	'https://www.linkedin.com/in/',
	'https://line.me/ti/p/~',
	'%00',
	'=E9=99',
	'END:VCARD',
	'BEGIN:VCARD\r\n',
	'MECARD:'
].map((token) => Array.from(new TextEncoder().encode(token)));

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function mutate(text: string, next: () => number): string {
	const pick = (n: number) => Math.floor(next() * n);
	let bytes = Array.from(encoder.encode(text));
	const steps = 1 + pick(4);
	for (let step = 0; step < steps; step++) {
		const at = pick(bytes.length + 1);
		switch (pick(8)) {
			case 0:
				bytes[at] = (bytes[at] ?? 0) ^ (1 << pick(8));
				break;
			case 1:
				bytes[at] = pick(256);
				break;
			case 2:
				bytes.splice(at, 0, pick(256));
				break;
			case 3:
				bytes.splice(at, 1 + pick(16));
				break;
			case 4:
				bytes.splice(at, 0, ...bytes.slice(pick(bytes.length), pick(bytes.length)));
				break;
			case 5:
				bytes = bytes.slice(0, at);
				break;
			default:
				bytes.splice(at, 0, ...(TOKENS[pick(TOKENS.length)] ?? []));
		}
	}
	// Lone surrogates cannot come out of UTF-8, so some are put in as UTF-16 afterwards.
	const mutated = decoder.decode(new Uint8Array(bytes));
	if (pick(10) > 0) return mutated;
	const at = pick(mutated.length + 1);
	return mutated.slice(0, at) + (pick(2) ? '\ud83d' : '\ude00') + mutated.slice(at);
}

function toMecard(card: Card): string {
	const escape = (value: string) => value.replace(/[\\;:,]/g, (character) => `\\${character}`);
	const fields = [`N:${escape(card.name)}`];
	if (card.company) fields.push(`ORG:${escape(card.company)}`);
	for (const channel of card.channels) {
		const key = { phone: 'TEL', email: 'EMAIL' }[channel.kind as string] ?? 'URL';
		fields.push(`${key}:${escape(channel.value)}`);
	}
	return `MECARD:${fields.join(';')};;`;
}

function forge(link: string): string {
	const hash = link.indexOf('#');
	if (hash < 0 || link.length - hash < 5) return link;
	const signed = link.slice(hash + 1, -3);
	return `${link.slice(0, hash + 1)}${signed}${checkDigits(signed)}`;
}

const cards = [referenceCard, ...fc.sample(validCardArbitrary, { numRuns: 150, seed: SEED })];

const corpora: Record<string, string[]> = {
	links: cards.map((card) => encodeCardUrl(card, referenceOrigin)),
	vcards: [
		...cards.map(toVCard),
		'BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=E9=99=B3;=E6=80=A1=E5=90=9B;;;\r\n' +
			'ORG;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=E5=8F=B0=E7=81=A3=\r\n=E5=8D=8A\r\nTEL;CELL:0912-345-678\r\nEND:VCARD',
		`BEGIN:VCARD\nversion:4.0\nfn:${escapeText('Amy, Chen')}\nTEL;VALUE=uri;TYPE="cell,voice":tel:+886-912\n` +
			'item1.X-SOCIALPROFILE;type=linkedin;x-user=amy:x-apple:amy\nitem1.X-ABLabel:_$!<Other>!$_\n' +
			'IMPP;X-SERVICE-TYPE=Line:x-apple:amy_l\nEND:VCARD'
	],
	mecards: [
		...cards.map(toMecard),
		'MECARD:N:陳,怡君;SOUND:Chen,Yijun;TEL:+886912345678;URL:https\\://line.me/R/ti/p/~yijun;;',
		'WIFI:T:WPA;S:Rapport;P:p\\;ss;;'
	]
};

describe('parseScan under fuzzing', () => {
	it.each([
		['links', 40_000, 0.01],
		['vcards', 30_000, 0.5],
		['mecards', 15_000, 0.5]
	])(
		'survives %s mutated %i times',
		(corpus, runs, minimumRead) => {
			const seeds = corpora[corpus] ?? [];
			const next = random(SEED + runs);
			const problems: [string, string][] = [];
			let cardsRead = 0;
			for (let i = 0; i < runs; i++) {
				let input = mutate(seeds[i % seeds.length] ?? '', next);
				// Half the links get a valid check, as a forger would give them, to reach the decoder.
				if (corpus === 'links' && i % 2 === 0) input = forge(input);
				const problem = problemWith(input);
				if (problem === 'ok') cardsRead++;
				else if (problem !== null) problems.push([problem, input]);
			}
			expect(problems.slice(0, 5)).toEqual([]);
			// The mutations must still reach the parsers, not only bounce off as refusals.
			expect(cardsRead / runs).toBeGreaterThan(minimumRead);
		},
		60_000
	);

	it('survives 15,000 random strings with control characters, bidi and lone surrogates', () => {
		const nasty = fc.constantFrom(
			'\u0000',
			'\u0007',
			'\u001b',
			'\u0085',
			'\u202e',
			'\u2066',
			'\ufeff'
		);
		const surrogate = fc
			.integer({ min: 0xd800, max: 0xdfff })
			.map((unit) => String.fromCharCode(unit));
		const unit = fc.oneof(
			fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
			fc.constantFrom(...':;,\\=#/.@~%\r\n\t '),
			nasty,
			surrogate
		);
		const prefix = fc.constantFrom(
			'',
			'BEGIN:VCARD\n',
			'MECARD:',
			'https://',
			`${referenceOrigin}/c#1`
		);
		fc.assert(
			fc.property(prefix, fc.string({ unit, maxLength: 200 }), (start, rest) => {
				expect([null, 'ok']).toContain(problemWith(start + rest));
			}),
			{ numRuns: 15_000, seed: SEED }
		);
	}, 60_000);
});
