import { describe, expect, it } from 'vitest';
import { extractPaperCard, isEmptyReading } from './extract';
import { linesFromWords } from './layout';
import { aRecognisedCard, aVerticalName } from './testCards';

const values = (reading: ReturnType<typeof extractPaperCard>) =>
	Object.fromEntries(
		Object.entries(reading)
			.filter(([, field]) => field.value !== '')
			.map(([name, field]) => [name, field.value])
	);

describe('extractPaperCard', () => {
	it('reads a Taiwanese card in Chinese, with spaced-out characters and full-width labels', () => {
		const reading = extractPaperCard(
			aRecognisedCard([
				{ text: '宏 達 數 位 科 技 股 份 有 限 公 司', size: 22 },
				{ text: '王 大 明', size: 48 },
				{ text: '業 務 部 經 理', size: 22 },
				'電話：(02) 2345-6789 分機 123',
				'手機：0912-345-678',
				'傳真：02-2345-6790',
				'E-mail：daming.wang@hongda.com.tw',
				'台北市信義區信義路五段7號12樓'
			])
		);
		expect(values(reading)).toEqual({
			name: '王大明',
			company: '宏達數位科技股份有限公司',
			department: '業務部',
			title: '經理',
			office: '+886223456789',
			officeExtension: '123',
			mobile: '+886912345678',
			fax: '+886223456790',
			email: 'daming.wang@hongda.com.tw',
			address: '台北市信義區信義路五段7號12樓'
		});
	});

	it('reads an English card with letter labels and a wrapped address', () => {
		const reading = extractPaperCard(
			aRecognisedCard([
				{ text: 'Amy Chen', size: 40 },
				'Senior Product Manager',
				{ text: 'Bluefin Labs Inc.', size: 28 },
				'M +886 912 345 678',
				'T +886 (0)2 2711 0000 ext. 88',
				'F +886 2 2711 0001',
				'amy@bluefin.io  www.bluefin.io',
				'LINE ID: amy.chen',
				'No. 100, Sec. 3, Minsheng E. Rd.,',
				'Songshan Dist., Taipei City 105'
			])
		);
		expect(values(reading)).toEqual({
			name: 'Amy Chen',
			title: 'Senior Product Manager',
			company: 'Bluefin Labs Inc.',
			mobile: '+886912345678',
			office: '+886227110000',
			officeExtension: '88',
			fax: '+886227110001',
			email: 'amy@bluefin.io',
			website: 'https://www.bluefin.io',
			line: 'amy.chen',
			address: 'No. 100, Sec. 3, Minsheng E. Rd., Songshan Dist., Taipei City 105'
		});
	});

	it('keeps the Chinese of a bilingual card and the English name as the second name', () => {
		const reading = extractPaperCard(
			aRecognisedCard([
				{ text: '林 怡 君', size: 44 },
				{ text: 'Yi-Chun Lin', size: 26 },
				'資深設計師 | Senior Designer',
				'好日子設計有限公司',
				'Good Days Design Co., Ltd.',
				'Tel 04-2345-6789',
				'yichun@gooddays.com.tw'
			])
		);
		expect(values(reading)).toMatchObject({
			name: '林怡君',
			altName: 'Yi-Chun Lin',
			title: '資深設計師',
			company: '好日子設計有限公司',
			office: '+886423456789',
			email: 'yichun@gooddays.com.tw'
		});
	});

	it('joins a name set vertically, one character per recognised line', () => {
		const reading = extractPaperCard([
			...aVerticalName('張簡美玲'),
			...aRecognisedCard(['木子工作室', '負責人', '0933 222 111'])
		]);
		expect(values(reading)).toMatchObject({
			name: '張簡美玲',
			company: '木子工作室',
			title: '負責人',
			mobile: '+886933222111'
		});
	});

	it('finds a vertical name that the recogniser glued to the ends of other lines', () => {
		const word = (text: string, x0: number, y0: number, size: number) => ({
			text,
			confidence: 90,
			box: { x0, y0, x1: x0 + size * text.length, y1: y0 + size }
		});
		const lines = [
			[word('宏達科技股份有限公司', 60, 60, 30), word('謝', 900, 50, 80)],
			[word('執行長', 60, 140, 30), word('明', 900, 140, 80)],
			[word('電話', 60, 230, 26), word('04-2735-3889', 120, 230, 26), word('哲', 900, 230, 80)]
		].flatMap(linesFromWords);
		expect(values(extractPaperCard(lines))).toMatchObject({
			name: '謝明哲',
			company: '宏達科技股份有限公司',
			title: '執行長',
			office: '+886427353889'
		});
	});

	it('picks the biggest short line as the name when several could be', () => {
		const reading = extractPaperCard(
			aRecognisedCard([
				{ text: '創新', size: 20 },
				{ text: '陳志豪', size: 50 },
				'技術長',
				'zhihao@example.com'
			])
		);
		expect(reading.name).toEqual({ value: '陳志豪', unsure: false });
	});

	it('reads a name, a department and a title set on one line', () => {
		const reading = extractPaperCard(
			aRecognisedCard([{ text: '許 文 彥 業 務 部 經 理', size: 60 }])
		);
		expect(values(reading)).toMatchObject({ name: '許文彥', department: '業務部', title: '經理' });
	});

	it('writes an address without the spaces put around its numbers', () => {
		const reading = extractPaperCard(
			aRecognisedCard(['地 址 : 台 北 市 信 義 區 信 義 路 五 段 7 號 12 樓'])
		);
		expect(reading.address.value).toBe('台北市信義區信義路五段7號12樓');
	});

	it('drops stray capitals read before an English name, and rules read as characters', () => {
		const reading = extractPaperCard(
			aRecognisedCard([
				{ text: '一 一', size: 70 },
				{ text: 'BF Ching Ouyang', size: 30 },
				'0912-345-678'
			])
		);
		expect(reading.name.value).toBe('Ching Ouyang');
	});

	it('takes a name and a title on one line apart', () => {
		const reading = extractPaperCard(aRecognisedCard(['黃 建 國 總 經 理', '0911-111-222']));
		expect(values(reading)).toMatchObject({ name: '黃建國', title: '總經理' });
	});

	it('marks fields read with little confidence, and names without a known surname', () => {
		const reading = extractPaperCard(
			aRecognisedCard([
				{ text: '乙丙丁', size: 40 },
				{ text: 'T 02-2222-3333', confidence: 50 },
				{ text: 'someone@example.com', confidence: 95 }
			])
		);
		expect(reading.name).toEqual({ value: '乙丙丁', unsure: true });
		expect(reading.office.unsure).toBe(true);
		expect(reading.email.unsure).toBe(false);
	});

	it('tells a card with nothing usable on it', () => {
		expect(isEmptyReading(extractPaperCard(aRecognisedCard(['~~ ..', '歡迎光臨'])))).toBe(true);
		expect(isEmptyReading(extractPaperCard(aRecognisedCard(['0912-345-678'])))).toBe(false);
		expect(isEmptyReading(extractPaperCard(aRecognisedCard(['陳志豪'])))).toBe(false);
	});

	it('ignores noise the recogniser was hardly sure of', () => {
		const reading = extractPaperCard(aRecognisedCard([{ text: '王大明', confidence: 10 }]));
		expect(reading.name.value).toBe('');
	});
});
