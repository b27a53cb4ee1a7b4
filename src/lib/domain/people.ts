import type { StoredCard } from './records';

const normalise = (text: string | undefined) => (text ?? '').normalize('NFKC').trim().toLowerCase();

/**
 * Whether two cards are the same person, so a second scan at the same event updates the first
 * connection. A shared contact channel decides it; without one, the same name at the same
 * company does (a bare profile link has no name and relies on its channel).
 */
export function isSamePerson(a: StoredCard, b: StoredCard): boolean {
	const channelsOfA = new Set(
		a.channels.map((channel) => `${channel.kind}:${normalise(channel.value)}`)
	);
	if (
		b.channels.some((channel) => channelsOfA.has(`${channel.kind}:${normalise(channel.value)}`))
	) {
		return true;
	}
	const name = normalise(a.name);
	return name !== '' && name === normalise(b.name) && normalise(a.company) === normalise(b.company);
}

/** Fields from a fresh scan win; channels are merged so nothing known is lost. */
export function mergeCards(previous: StoredCard, next: StoredCard): StoredCard {
	const seen = new Set(
		next.channels.map((channel) => `${channel.kind}:${normalise(channel.value)}`)
	);
	return {
		...previous,
		...Object.fromEntries(
			Object.entries(next).filter(([, value]) => value !== undefined && value !== '')
		),
		channels: [
			...next.channels,
			...previous.channels.filter(
				(channel) => !seen.has(`${channel.kind}:${normalise(channel.value)}`)
			)
		]
	};
}
