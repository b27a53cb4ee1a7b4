import { normalizeCard, type Card, type Channel } from '../card';
import { phoneToE164 } from '../samePerson';
import type { PaperCardReading } from './recognised';

// The reviewed form as the card a QR scan would have given. A card has no department: it joins
// the title ("業務部 經理"), which is where people read it. Fax and address are kept as labelled
// text, apart from the phones, so nobody dials a fax and a shared office fax never makes two
// colleagues look like one person.

/** The labels the channels carry, in the person's language (the state layer translates them). */
export interface PaperCardLabels {
	mobile: string;
	office: string;
	fax: string;
	address: string;
	extension: (extension: string) => string;
}

const phoneValue = (raw: string) => phoneToE164(raw) ?? raw;

export function paperCardToCard(reading: PaperCardReading, labels: PaperCardLabels): Card {
	const value = (field: keyof PaperCardReading) => reading[field].value.trim();
	const channels: Channel[] = [];
	if (value('mobile')) {
		channels.push({ kind: 'phone', value: phoneValue(value('mobile')), label: labels.mobile });
	}
	if (value('office')) {
		const extension = value('officeExtension');
		channels.push({
			kind: 'phone',
			value: phoneValue(value('office')),
			label: extension ? `${labels.office} ${labels.extension(extension)}` : labels.office
		});
	}
	if (value('email')) channels.push({ kind: 'email', value: value('email') });
	if (value('line')) channels.push({ kind: 'line', value: value('line') });
	if (value('website')) channels.push({ kind: 'website', value: value('website') });
	if (value('fax'))
		channels.push({ kind: 'other', value: phoneValue(value('fax')), label: labels.fax });
	if (value('address'))
		channels.push({ kind: 'other', value: value('address'), label: labels.address });
	const title = [value('department'), value('title')].filter(Boolean).join(' ');
	return normalizeCard({
		name: value('name'),
		...(value('altName') ? { altName: value('altName') } : {}),
		...(title ? { title } : {}),
		...(value('company') ? { company: value('company') } : {}),
		channels
	});
}
