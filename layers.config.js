// The house rule on layers, for ESLint: data flows down routes → components → state → data →
// domain, and an import may only point down. Type-only imports count too: a type a component
// needs belongs in domain, where every layer may see it.

/** An import of one of `$lib`'s layers, by alias or by a relative path out of the importer's. */
/** @param {...string} names */
const layer = (...names) => `^(\\$lib/|(\\.\\./)+)(${names.join('|')})(/|$)`;

const messages = {
	regex: layer('paraglide', 'i18n'),
	message: 'Only state, components and routes speak to the reader: pass words in, or return a code.'
};
const outOfBrowser = {
	regex: '^(\\$app/|svelte($|/)|idb$|@supabase/|html5-qrcode$|zxing-wasm|tesseract\\.js)',
	message:
		'Domain code is plain TypeScript: no browser, Svelte, IndexedDB, Supabase or scanner library.'
};

/** Each layer's folder, and what it must not import. */
const rules = [
	{
		folder: 'src/lib/domain',
		forbidden: [
			{
				regex: layer('data', 'state', 'components'),
				message: 'Domain code is the bottom layer: it imports only domain code.'
			},
			messages,
			outOfBrowser
		]
	},
	{
		folder: 'src/lib/data',
		forbidden: [
			{
				regex: layer('state', 'components'),
				message: 'Data must not reach up: announce a write (outbox notices) and let state listen.'
			},
			messages
		]
	},
	{
		folder: 'src/lib/state',
		forbidden: [
			{
				regex: layer('components'),
				message: 'State must not import components: a route puts the two together.'
			}
		]
	},
	{
		folder: 'src/lib/components',
		forbidden: [
			{
				regex: layer('state', 'data'),
				message:
					'Components present: props in, events out. Move the type or helper to domain, or let the route pass it in.'
			},
			{ regex: '^(idb$|@supabase/)', message: 'Components never touch storage or the server.' }
		]
	},
	{
		folder: 'src/routes',
		forbidden: [
			{ regex: layer('data'), message: 'Routes go through state, never to data directly.' }
		]
	}
];

/**
 * The ESLint config objects that enforce the layers; specs and test helpers may reach anywhere.
 * @returns {import('eslint').Linter.Config[]}
 */
export function layerRules() {
	return rules.map(({ folder, forbidden }) => ({
		files: [`${folder}/**/*.ts`, `${folder}/**/*.svelte`, `${folder}/**/*.js`],
		ignores: ['**/*.spec.ts'],
		rules: {
			'no-restricted-imports': [
				'error',
				{ patterns: forbidden.map(({ regex, message }) => ({ regex, message })) }
			]
		}
	}));
}
