import type { Connection } from '$lib/domain/records';
import { personVcf } from '$lib/domain/yourData/vcf';
import { fileNameFor, shareOrDownload } from './files';
import type { SaveToContactsOutcome } from '$lib/domain/yourData/outcomes';

/**
 * "Save to contacts" on a person's page: their vCard 3.0, through the share sheet where the
 * browser shares files (a phone then offers Contacts), else as a download the phone opens.
 */
export async function savePersonToContacts(
	connection: Connection,
	includeNote: boolean
): Promise<SaveToContactsOutcome> {
	const fileName = fileNameFor(connection.card.name, 'vcf', 'contact');
	try {
		const file = new File([personVcf(connection, includeNote)], fileName, {
			type: 'text/vcard;charset=utf-8'
		});
		return { ok: true, outcome: await shareOrDownload(file), fileName };
	} catch {
		return { ok: false };
	}
}
