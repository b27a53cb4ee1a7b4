// vCard (RFC 6350 §3.2) and iCalendar (RFC 5545 §3.1) fold their content lines by the same rule,
// so both writers share this one.

const LINE_OCTETS = 75;

// As TextEncoder would encode the code point; a lone surrogate becomes U+FFFD, 3 bytes.
function utf8Octets(character: string): number {
	const code = character.codePointAt(0) ?? 0;
	return code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
}

/**
 * Folds a content line at 75 octets with CRLF and a space. Breaks fall between code points, so
 * no multi-byte character is ever split; the space that opens a continuation line counts toward
 * its 75.
 */
export function foldContentLine(line: string): string {
	let out = '';
	let octets = 0;
	for (const character of line) {
		const size = utf8Octets(character);
		if (octets + size > LINE_OCTETS) {
			out += '\r\n ';
			octets = 1;
		}
		out += character;
		octets += size;
	}
	return out;
}
