// Kept free of zod so the first-load records can name the kinds without pulling in the codec.
export const channelKinds = [
	'line',
	'phone',
	'email',
	'linkedin',
	'instagram',
	'facebook',
	'x',
	'website',
	'other'
] as const;
export type ChannelKind = (typeof channelKinds)[number];

/** "Other" needs a label as well, so a form that keeps to one box per channel offers the rest. */
export const oneBoxKinds: readonly ChannelKind[] = channelKinds.filter((kind) => kind !== 'other');
