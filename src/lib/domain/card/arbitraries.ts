// Test support: fast-check generators of valid cards, shared by the property and fuzz tests.
import fc from 'fast-check';
import { cardSchema } from './schema';
import {
	CARD_TEXT_MAX,
	LABEL_MAX,
	normalizeCard,
	OTHER_VALUE_MAX,
	type Card,
	type Channel,
	type ChannelKind
} from './card';
import { cleanText } from './text';

const cjk = fc.constantFrom(
	...'陳怡君林志明資深工程師台灣半導體股份有限公司（股）、。：張簡歐陽ヤマダㄅㄆ'
);
const unit = fc.oneof(
	{ arbitrary: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789.-_@ '), weight: 4 },
	{ arbitrary: cjk, weight: 4 },
	{ arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }), weight: 2 },
	{ arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }), weight: 1 },
	{ arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), weight: 1 }
);

/** Any text as a person might type or paste it, cleaned the way a card field is. */
export const cleanTextArbitrary = (max: number, maxLength = 30) =>
	fc.string({ unit, maxLength }).map((text) => cleanText(text, max));

const rawValues: Record<ChannelKind, fc.Arbitrary<string>> = {
	phone: fc
		.tuple(fc.boolean(), fc.stringMatching(/^[0-9]{3,20}$/))
		.map(([plus, digits]) => (plus ? '+' : '') + digits),
	email: fc.oneof(
		fc.emailAddress(),
		fc.stringMatching(/^[a-z0-9._-]{1,20}@[a-z0-9-]{1,10}\.com\.tw$/)
	),
	line: fc.oneof(
		fc.stringMatching(/^@?[a-z0-9._-]{1,20}$/),
		fc.stringMatching(/^[A-Za-z0-9_-]{4,20}$/).map((token) => `https://line.me/ti/p/${token}`),
		fc.stringMatching(/^[A-Za-z0-9_-]{4,10}$/).map((code) => `https://lin.ee/${code}`)
	),
	linkedin: fc
		.stringMatching(/^[A-Za-z0-9-]{3,30}$/)
		.map((handle) => `https://www.linkedin.com/in/${handle}`),
	instagram: fc
		.stringMatching(/^[A-Za-z0-9._]{1,30}$/)
		.map((user) => `https://www.instagram.com/${user}`),
	facebook: fc.oneof(
		fc.stringMatching(/^[A-Za-z0-9.]{5,30}$/).map((user) => `https://www.facebook.com/${user}`),
		fc.stringMatching(/^[0-9]{5,16}$/).map((id) => `https://www.facebook.com/profile.php?id=${id}`)
	),
	x: fc.oneof(
		fc.stringMatching(/^[A-Za-z0-9_]{1,15}$/).map((handle) => `https://x.com/${handle}`),
		fc.stringMatching(/^[a-z0-9._]{1,30}$/).map((handle) => `https://www.threads.com/@${handle}`)
	),
	website: fc.webUrl({ withQueryParameters: true, withFragments: true }),
	other: cleanTextArbitrary(OTHER_VALUE_MAX)
};

const channelArbitrary: fc.Arbitrary<Channel> = fc
	.constantFrom(...(Object.keys(rawValues) as ChannelKind[]))
	.chain((kind) =>
		fc.record(
			{ kind: fc.constant(kind), value: rawValues[kind], label: cleanTextArbitrary(LABEL_MAX, 12) },
			{ requiredKeys: ['kind', 'value'] }
		)
	);

/** Valid cards (they pass `cardSchema`), with Chinese, Latin and arbitrary Unicode text. */
export const validCardArbitrary: fc.Arbitrary<Card> = fc
	.record(
		{
			name: cleanTextArbitrary(CARD_TEXT_MAX.name),
			altName: cleanTextArbitrary(CARD_TEXT_MAX.altName),
			title: cleanTextArbitrary(CARD_TEXT_MAX.title),
			company: cleanTextArbitrary(CARD_TEXT_MAX.company),
			channels: fc.array(channelArbitrary, { maxLength: 8 })
		},
		{ requiredKeys: ['name', 'channels'] }
	)
	.map(normalizeCard)
	.filter((card) => cardSchema.safeParse(card).success);
