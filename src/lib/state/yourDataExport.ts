import { readBackupContent } from '$lib/data/yourData';
import { buildBackup, peopleCsv, peopleVcf, serializeBackup } from '$lib/domain/yourData';
import { app } from './app.svelte';
import { downloadFile } from './files';
import { deviceTimeZone } from '$lib/domain/timeZone';
import type { ExportKind } from '$lib/domain/yourData/outcomes';
import type { ExportOutcome } from '$lib/domain/yourData/outcomes';

// Settings → Your data, taking it out: everyone as a .vcf or a CSV, and the full backup. Works
// offline and without an account: nothing here touches the network.

const FILES: Record<ExportKind, { name: string; type: string }> = {
	contacts: { name: 'rapport-people', type: 'text/vcard;charset=utf-8' },
	csv: { name: 'rapport-people', type: 'text/csv;charset=utf-8' },
	backup: { name: 'rapport-backup', type: 'application/json' }
};
const EXTENSIONS: Record<ExportKind, string> = { contacts: 'vcf', csv: 'csv', backup: 'json' };

/** `rapport-backup-2026-12-01.json`: sorts by date, says what it is. */
export function exportFileName(kind: ExportKind, now: Date, timeZone: string): string {
	const day = new Intl.DateTimeFormat('en-CA', { timeZone }).format(now);
	return `${FILES[kind].name}-${day}.${EXTENSIONS[kind]}`;
}

/** The private notes go into the .vcf and the CSV only when `includeNotes`; a backup keeps all. */
export async function exportYourData(
	kind: ExportKind,
	includeNotes: boolean,
	now = new Date()
): Promise<ExportOutcome> {
	try {
		const content = await readBackupContent(await app.database());
		const timeZone = content.settings.timeZone ?? deviceTimeZone();
		const text =
			kind === 'backup'
				? serializeBackup(buildBackup(content, now))
				: kind === 'contacts'
					? peopleVcf(content.connections, includeNotes)
					: peopleCsv({ ...content, timeZone, includeNotes });
		downloadFile(new Blob([text], { type: FILES[kind].type }), exportFileName(kind, now, timeZone));
		return { ok: true, people: content.connections.length };
	} catch {
		return { ok: false };
	}
}
