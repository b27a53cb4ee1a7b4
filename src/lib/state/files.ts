import type { HandOverOutcome } from '$lib/domain/yourData/outcomes';

// Handing a file to the person: the share sheet where the browser can share files, else a
// download. Shared by My card, the person page and Settings → Your data.

/** A file name from a person's name: no path or reserved characters, never empty. */
export function fileNameFor(name: string, extension: string, fallback = 'card'): string {
	const safe = name
		// eslint-disable-next-line no-control-regex -- control characters are not allowed in names
		.replace(/[\u0000-\u001f\u007f/\\:*?"<>|]+/g, ' ')
		.trim()
		.slice(0, 80);
	return `${safe || fallback}.${extension}`;
}

export function downloadFile(blob: Blob, fileName: string): void {
	const href = URL.createObjectURL(blob);
	const link = document.createElement('a');
	link.href = href;
	link.download = fileName;
	document.body.append(link);
	link.click();
	link.remove();
	// The click starts the download synchronously; the URL can go once it has been read.
	setTimeout(() => URL.revokeObjectURL(href), 10_000);
}

/**
 * The share sheet with the file attached (a phone offers Contacts, LINE, mail…) where the browser
 * can share files; a download everywhere else, and when sharing fails for any reason but "no".
 */
export async function shareOrDownload(file: File): Promise<HandOverOutcome> {
	if (typeof navigator.canShare === 'function' && navigator.canShare({ files: [file] })) {
		try {
			await navigator.share({ files: [file], title: file.name });
			return 'shared';
		} catch (error) {
			if (error instanceof DOMException && error.name === 'AbortError') return 'cancelled';
		}
	}
	downloadFile(file, file.name);
	return 'downloaded';
}
