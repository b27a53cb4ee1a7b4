import { deckContentSchema, type DeckContent } from './schema';

export * from './deck';
export * from './schema';

export type DeckLocale = 'zh-TW' | 'en';
export type Deck = DeckContent;

// Each language's content is its own lazily loaded chunk: a literal dynamic import per file, so the
// bundler splits it out of the first-load JS and only the language in use is ever fetched.
const loaders: Record<DeckLocale, () => Promise<{ default: unknown }>> = {
	'zh-TW': () => import('./content/zh-TW.json'),
	en: () => import('./content/en.json')
};

const cache = new Map<DeckLocale, Promise<Deck>>();

/** The prompt deck for a language, validated against the schema; loaded once per language. */
export function loadDeck(locale: DeckLocale): Promise<Deck> {
	let deck = cache.get(locale);
	if (!deck) {
		deck = loaders[locale]().then((module) => deckContentSchema.parse(module.default));
		// A failed load (offline before the chunk was cached, say) may be retried later.
		deck.catch(() => cache.delete(locale));
		cache.set(locale, deck);
	}
	return deck;
}
