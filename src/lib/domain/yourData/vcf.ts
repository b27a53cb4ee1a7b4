import { toVCardWithNote } from '../card/vcard';
import type { Connection } from '../records';

/**
 * Everyone as one .vcf: one vCard 3.0 per person, back to back, as the phone contacts apps and
 * Google Contacts import them. The private note is written only when the person asked for it.
 */
export function peopleVcf(connections: Connection[], includeNotes: boolean): string {
	return connections.map((connection) => personVcf(connection, includeNotes)).join('');
}

export function personVcf(connection: Connection, includeNote: boolean): string {
	return toVCardWithNote(connection.card, includeNote ? connection.note : undefined);
}
