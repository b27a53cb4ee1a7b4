import { describe, expect, it } from 'vitest';
import { aConnection, aFollowUp, anEvent, at } from '$lib/testing/factories';
import { CSV_COLUMNS, csvCell, neutraliseFormula, peopleCsv } from './csv';

/** A minimal RFC 4180 reader, to check the writer from the outside. */
function readCsv(text: string): string[][] {
	const rows: string[][] = [];
	let row: string[] = [];
	let cell = '';
	let quoted = false;
	for (let i = 0; i < text.length; i++) {
		const c = text[i];
		if (quoted && c === '"' && text[i + 1] === '"') {
			cell += '"';
			i++;
		} else if (c === '"') {
			quoted = !quoted;
		} else if (!quoted && c === ',') {
			row.push(cell);
			cell = '';
		} else if (!quoted && c === '\r' && text[i + 1] === '\n') {
			row.push(cell);
			rows.push(row);
			row = [];
			cell = '';
			i++;
		} else {
			cell += c;
		}
	}
	return rows;
}

describe('formula neutralisation', () => {
	it.each(['=HYPERLINK("http://evil")', '+886912345678', '-1+2', '@SUM(A1)', '\t=1', '\r=1'])(
		'makes %j text',
		(value) => {
			expect(neutraliseFormula(value)).toBe(`'${value}`);
		}
	);

	it.each(['陳怡君', 'a=b', '0912345678', ''])('leaves %j alone', (value) => {
		expect(neutraliseFormula(value)).toBe(value);
	});
});

describe('csvCell', () => {
	it('quotes commas, quotes and line breaks, doubling quotes', () => {
		expect(csvCell('a,b')).toBe('"a,b"');
		expect(csvCell('say "hi"')).toBe('"say ""hi"""');
		expect(csvCell('line\nbreak')).toBe('"line\nbreak"');
		expect(csvCell('=1,2')).toBe(`"'=1,2"`);
	});
});

describe('peopleCsv', () => {
	const event = anEvent({ name: '台北前端社群小聚' });
	const person = aConnection({
		eventId: event.id,
		card: {
			name: '=陳怡君',
			altName: 'Amy Chen',
			title: '工程師, 資深',
			company: '好好設計',
			channels: [
				{ kind: 'email', value: 'amy@example.com' },
				{ kind: 'email', value: 'amy@work.example' },
				{ kind: 'phone', value: '+886912345678' },
				{ kind: 'line', value: 'amychen' },
				{ kind: 'linkedin', value: 'https://www.linkedin.com/in/amy' }
			]
		},
		metAt: at('2026-11-20T17:00:00Z'),
		tags: ['設計', 'AI'],
		tier: 'regular',
		note: 'private "note"',
		lastContactedAt: at('2026-11-25T02:00:00Z')
	});
	const followUps = [
		aFollowUp({ connectionId: person.id, dueAt: at('2026-12-09T02:00:00Z') }),
		aFollowUp({
			connectionId: person.id,
			status: 'snoozed',
			dueAt: at('2026-12-01T02:00:00Z'),
			snoozedUntil: at('2026-12-05T02:00:00Z')
		}),
		aFollowUp({ connectionId: person.id, status: 'done', dueAt: at('2026-11-21T02:00:00Z') })
	];
	const input = {
		connections: [person],
		events: [event],
		followUps,
		timeZone: 'Asia/Taipei'
	};

	it('starts with a BOM, ends rows with CRLF, one row per person under the documented header', () => {
		const csv = peopleCsv({ ...input, includeNotes: false });
		expect(csv.startsWith('\uFEFFName,Second name,')).toBe(true);
		expect(csv.endsWith('\r\n')).toBe(true);
		const rows = readCsv(csv.slice(1));
		expect(rows[0]).toEqual([...CSV_COLUMNS]);
		expect(rows[1]).toEqual([
			"'=陳怡君",
			'Amy Chen',
			'工程師, 資深',
			'好好設計',
			'amy@example.com; amy@work.example',
			"'+886912345678",
			'amychen',
			'https://www.linkedin.com/in/amy',
			'台北前端社群小聚',
			'2026-11-21',
			'設計; AI',
			'regular',
			'2026-11-25',
			'2026-12-05'
		]);
		expect(csv).not.toContain('private');
	});

	it('adds the private note in its own column only when asked', () => {
		const rows = readCsv(peopleCsv({ ...input, includeNotes: true }).slice(1));
		expect(rows[0]?.at(-1)).toBe('Note');
		expect(rows[1]?.at(-1)).toBe('private "note"');
	});
});
