import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validCardArbitrary } from './arbitraries';
import {
	channelKinds,
	CHANNELS_MAX,
	normalizeCard,
	normalizeChannel,
	readCard,
	type Channel
} from './card';
import { cardSchema } from './schema';
import { referenceCard } from './reference';

const issueCodes = (channel: Channel) => {
	const result = cardSchema.safeParse({ name: 'Amy', channels: [channel] });
	return result.success ? [] : result.error.issues.map((issue) => issue.message);
};

describe('cardSchema', () => {
	it('accepts the reference card', () => {
		expect(cardSchema.safeParse(referenceCard).success).toBe(true);
	});

	it('names what is wrong with a channel as a code the UI translates', () => {
		expect(issueCodes({ kind: 'email', value: 'amy.example.com' })).toEqual(['invalid_email']);
		expect(issueCodes({ kind: 'phone', value: '0912-ABC' })).toEqual(['invalid_phone']);
		expect(issueCodes({ kind: 'line', value: 'yijun chen' })).toEqual(['invalid_line']);
		expect(issueCodes({ kind: 'linkedin', value: 'https://www.linkedin.com/company/x' })).toEqual([
			'invalid_linkedin'
		]);
		expect(issueCodes({ kind: 'website', value: 'https://x.com/amy' })).toEqual([
			'invalid_website'
		]);
	});

	it('wants canonical values, clean text and a name or a channel', () => {
		const invalid = [
			{ name: 'Amy', channels: [{ kind: 'phone', value: '0912 345 678' }] },
			{ name: ' Amy', channels: [] },
			{ name: 'Amy\u202e', channels: [] },
			{ name: 'Amy', title: '', channels: [] },
			{ name: 'a'.repeat(101), channels: [] },
			{ name: '', channels: [] },
			{ name: 'Amy', channels: [{ kind: 'email', value: 'a@b.co', label: '' }] },
			{ name: 'Amy', channels: [{ kind: 'sms', value: '123' }] },
			{ name: 'Amy', channels: Array(CHANNELS_MAX + 1).fill({ kind: 'phone', value: '123' }) }
		];
		for (const card of invalid) expect(cardSchema.safeParse(card).success).toBe(false);
		expect(
			cardSchema.safeParse({ name: '', channels: [{ kind: 'x', value: 'https://x.com/a' }] })
				.success
		).toBe(true);
	});
});

describe('normalizeChannel', () => {
	it.each<[Channel, Channel | null]>([
		[
			{ kind: 'phone', value: '0912-345-678' },
			{ kind: 'phone', value: '0912345678' }
		],
		[
			{ kind: 'phone', value: '+886 (2) 2345-6789 分機 12' },
			{ kind: 'phone', value: '+886223456789' }
		],
		[
			{ kind: 'phone', value: 'tel:+1-555-0100;ext=9' },
			{ kind: 'phone', value: '+15550100' }
		],
		[
			{ kind: 'phone', value: '０９１２３４５６７８' },
			{ kind: 'phone', value: '0912345678' }
		],
		[
			{ kind: 'phone', value: '+1 555 0100 x12' },
			{ kind: 'phone', value: '+15550100' }
		],
		[
			{ kind: 'phone', value: '+886 (0)2 2345 6789' },
			{ kind: 'phone', value: '+886223456789' }
		],
		[{ kind: 'phone', value: '1-800-FLOWERS' }, null],
		[{ kind: 'phone', value: '12' }, null],
		[
			{ kind: 'email', value: ' mailto:Amy@Example.com ' },
			{ kind: 'email', value: 'Amy@Example.com' }
		],
		[{ kind: 'email', value: 'amy chen@example.com' }, null],
		[
			{ kind: 'line', value: ' Yijun_Chen ' },
			{ kind: 'line', value: 'yijun_chen' }
		],
		[
			{ kind: 'line', value: 'https://line.me/ti/p/~yijun_chen' },
			{ kind: 'line', value: 'yijun_chen' }
		],
		[{ kind: 'line', value: 'yijun chen' }, null],
		[
			{ kind: 'linkedin', value: 'linkedin.com/in/amy/', label: ' 工作 ' },
			{ kind: 'linkedin', value: 'https://www.linkedin.com/in/amy', label: '工作' }
		],
		[{ kind: 'instagram', value: 'https://x.com/amy' }, null],
		[
			{ kind: 'instagram', value: '@amy.chen' },
			{ kind: 'instagram', value: 'https://www.instagram.com/amy.chen' }
		],
		[
			{ kind: 'instagram', value: ' amy_designs ' },
			{ kind: 'instagram', value: 'https://www.instagram.com/amy_designs' }
		],
		[{ kind: 'instagram', value: '@explore' }, null],
		[{ kind: 'instagram', value: 'amy chen' }, null],
		[
			{ kind: 'x', value: '@amychen' },
			{ kind: 'x', value: 'https://x.com/amychen' }
		],
		[{ kind: 'x', value: '@amy.chen' }, null],
		[
			{ kind: 'website', value: 'https://www.instagram.com/amy/' },
			{ kind: 'instagram', value: 'https://www.instagram.com/amy' }
		],
		[
			{ kind: 'website', value: 'example.com' },
			{ kind: 'website', value: 'https://example.com' }
		],
		[{ kind: 'website', value: 'javascript:alert(1)' }, null],
		[
			{ kind: 'other', value: ' WeChat\n amy ', label: '' },
			{ kind: 'other', value: 'WeChat amy' }
		],
		[{ kind: 'other', value: '\u0000' }, null]
	])('%j → %j', (channel, expected) => {
		expect(normalizeChannel(channel)).toStrictEqual(expected);
	});
});

describe('normalizeCard', () => {
	it('cleans fields, drops empty ones, unusable and repeated channels, and caps the list', () => {
		expect(
			normalizeCard({
				name: ' 陳怡君\u0000 ',
				altName: ' ',
				title: 'x'.repeat(130),
				channels: [
					{ kind: 'email', value: 'nope' },
					{ kind: 'phone', value: '0912-345-678' },
					{ kind: 'phone', value: '0912 345 678' },
					...Array.from({ length: 25 }, (_, i): Channel => ({ kind: 'phone', value: `${100 + i}` }))
				]
			})
		).toStrictEqual({
			name: '陳怡君',
			title: 'x'.repeat(100),
			channels: [
				{ kind: 'phone', value: '0912345678' },
				...Array.from({ length: CHANNELS_MAX - 1 }, (_, i) => ({
					kind: 'phone',
					value: `${100 + i}`
				}))
			]
		});
	});
});

describe('readCard', () => {
	// What a link could carry instead of a valid card: any field swapped for anything, text that
	// is not clean, a kind or a value changed, a channel repeated, too many channels.
	const oddValue = fc.oneof(
		fc.anything(),
		fc.constantFrom('', ' padded ', 'a\u0000b', 'x'.repeat(130), 'line', 'not a url'),
		fc.constantFrom(...channelKinds)
	);
	const tampered = fc
		.tuple(validCardArbitrary, fc.nat(), oddValue, fc.nat(40))
		.map(([card, pick, odd, copies]) => {
			const raw = structuredClone(card) as Record<string, unknown> & { channels: unknown[] };
			const channel = raw.channels[pick % Math.max(raw.channels.length, 1)] as
				Record<string, unknown> | undefined;
			switch (pick % 7) {
				case 0:
					raw[['name', 'altName', 'title', 'company', 'channels'][pick % 5]!] = odd;
					break;
				case 1:
					if (channel) channel[['kind', 'value', 'label'][pick % 3]!] = odd;
					break;
				case 2:
					if (channel) raw.channels.push(...Array.from({ length: copies }, () => channel));
					break;
				case 3:
					raw.channels = [];
					raw.name = '';
					break;
				case 4:
					raw.altName = '';
					break;
				case 5:
					raw.extra = odd;
					break;
				default:
					return odd;
			}
			return raw;
		});

	it('takes every valid card as the schema does', () => {
		fc.assert(
			fc.property(validCardArbitrary, (card) => {
				expect(readCard(card)).toEqual(cardSchema.parse(card));
			}),
			{ numRuns: 500, seed: 20_261_202 }
		);
	});

	it('refuses exactly what the schema refuses', () => {
		fc.assert(
			fc.property(tampered, (raw) => {
				const parsed = cardSchema.safeParse(raw);
				expect(readCard(raw)).toEqual(parsed.success ? parsed.data : null);
			}),
			{ numRuns: 3000, seed: 20_261_202 }
		);
	});
});
