import type { Card } from '$lib/domain/card/card';
import { decodeCardFragment } from '$lib/domain/card/payload';
import type { KeptAndSendingBack } from './keepConnection';
import type { StorageFailure } from '$lib/domain/storage';

// The card page (`/c`) is what a guest without the app opens from a QR, on a phone, often on bad
// Wi-Fi. Its first load carries only what that visitor came for: reading the card and saving it
// as a contact. Keeping the card in the app, sending one back and showing a QR load when asked.

/** The card in a `/c` link's fragment; never throws. */
export function readCardLink(hash: string) {
	return decodeCardFragment(hash);
}

/** "Save to contacts": a vCard 3.0 file the phone's contacts app opens. */
export async function downloadVCard(card: Card): Promise<void> {
	const [{ toVCard }, { downloadFile, fileNameFor }] = await Promise.all([
		import('$lib/domain/card/vcard'),
		import('./files')
	]);
	const blob = new Blob([toVCard(card)], { type: 'text/vcard;charset=utf-8' });
	downloadFile(blob, fileNameFor(card.name, 'vcf', 'contact'));
}

export type KeepOutcome =
	{ ok: true; result: KeptAndSendingBack } | { ok: false; failure: StorageFailure };

/**
 * "Keep in Rapport": a connection from the card page, linked to the current event, and my card
 * sent back when their link carried an exchange token.
 */
export async function keepFromCardPage(
	card: Card,
	exchangeToken: string | null
): Promise<KeepOutcome> {
	const [{ keepAndSendBack }, { StorageUnavailableError }] = await Promise.all([
		import('./keepConnection'),
		import('$lib/data/db')
	]);
	try {
		return {
			ok: true,
			result: await keepAndSendBack({ card, source: 'card_page' }, exchangeToken)
		};
	} catch (error) {
		return {
			ok: false,
			failure: error instanceof StorageUnavailableError ? error.reason : 'unknown'
		};
	}
}
