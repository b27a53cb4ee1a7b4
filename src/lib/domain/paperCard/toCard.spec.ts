import { describe, expect, it } from 'vitest';
import { emptyReading, type PaperCardField, type PaperCardReading } from './recognised';
import { paperCardToCard } from './toCard';

const labels = {
	mobile: '手機',
	office: '公司',
	fax: '傳真',
	address: '地址',
	extension: (extension: string) => `分機 ${extension}`
};

function aReading(values: Partial<Record<PaperCardField, string>>): PaperCardReading {
	const reading = emptyReading();
	for (const [field, value] of Object.entries(values)) {
		reading[field as PaperCardField] = { value, unsure: false };
	}
	return reading;
}

describe('paperCardToCard', () => {
	it('makes the card a scan would have given, fax and address apart from the phones', () => {
		expect(
			paperCardToCard(
				aReading({
					name: '王大明',
					altName: 'David Wang',
					title: '經理',
					department: '業務部',
					company: '宏達股份有限公司',
					mobile: '0912-345-678',
					office: '+886223456789',
					officeExtension: '123',
					fax: '02-2345-6790',
					email: 'daming@hongda.com.tw',
					website: 'https://hongda.com.tw',
					line: 'daming',
					address: '台北市信義區信義路五段7號'
				}),
				labels
			)
		).toEqual({
			name: '王大明',
			altName: 'David Wang',
			title: '業務部 經理',
			company: '宏達股份有限公司',
			channels: [
				{ kind: 'phone', value: '+886912345678', label: '手機' },
				{ kind: 'phone', value: '+886223456789', label: '公司 分機 123' },
				{ kind: 'email', value: 'daming@hongda.com.tw' },
				{ kind: 'line', value: 'daming' },
				{ kind: 'website', value: 'https://hongda.com.tw' },
				{ kind: 'other', value: '+886223456790', label: '傳真' },
				{ kind: 'other', value: '台北市信義區信義路五段7號', label: '地址' }
			]
		});
	});

	it('drops what the person left unusable, as a scanned card would', () => {
		expect(
			paperCardToCard(aReading({ name: ' 林怡君 ', email: 'not an address' }), labels)
		).toEqual({
			name: '林怡君',
			channels: []
		});
	});
});
