import { describe, expect, it } from 'vitest';
import { buildDraft, draftLinks, type DraftTemplates } from './drafts';

const templates: DraftTemplates = {
	greeting: ({ name }) => `${name}你好，`,
	metAtEvent: ({ event }) => `很高興在「${event}」認識你！`,
	met: () => '很高興認識你！',
	note: ({ note }) => `我們聊到的「${note}」，讓我印象很深。`,
	body: { thanks: () => '謝謝你。', value: () => '分享給你：', meet: () => '喝杯咖啡？' },
	subject: { thanks: () => '謝謝你', value: () => '分享給你', meet: () => '找時間喝杯咖啡？' },
	subjectWithEvent: ({ subject, event }) => `${subject}（${event}）`,
	signoff: ({ me }) => me
};

const input = {
	name: '林志明',
	eventName: '台北前端小聚',
	note: '設計系統怎麼導入',
	myName: '陳怡君'
};

describe('buildDraft', () => {
	it('cites the event and the note, and signs with my name', () => {
		expect(buildDraft('thanks', input, templates)).toEqual({
			subject: '謝謝你（台北前端小聚）',
			text:
				'林志明你好，\n很高興在「台北前端小聚」認識你！\n我們聊到的「設計系統怎麼導入」，讓我印象很深。' +
				'\n\n謝謝你。\n\n陳怡君'
		});
	});

	it('offers three different kinds of message', () => {
		const texts = (['thanks', 'value', 'meet'] as const).map(
			(kind) => buildDraft(kind, input, templates).text
		);
		expect(new Set(texts).size).toBe(3);
		expect(texts[2]).toContain('喝杯咖啡？');
	});

	it('leaves out what it does not know instead of leaving blanks', () => {
		const draft = buildDraft('meet', { name: ' Amy ', note: '  ' }, templates);
		expect(draft).toEqual({
			subject: '找時間喝杯咖啡？',
			text: 'Amy你好，\n很高興認識你！\n\n喝杯咖啡？'
		});
	});

	it('quotes only the start of a long note, on one line', () => {
		const note = `${'很長的筆記'.repeat(30)}\n第二行`;
		const { text } = buildDraft('thanks', { ...input, note }, templates);
		const quoted = /「(.*)」/.exec(text.split('\n')[2] ?? '')?.[1] ?? '';
		expect([...quoted]).toHaveLength(80);
		expect(quoted.endsWith('…')).toBe(true);
	});
});

describe('draftLinks', () => {
	const draft = { subject: 'Thanks & hi', text: '你好 Amy,\n下週見？ 100% +1' };

	it('opens LINE with the text, email with subject and body, SMS, phone and LinkedIn', () => {
		const links = draftLinks(
			[
				{ kind: 'linkedin', value: 'https://www.linkedin.com/in/amy-chen' },
				{ kind: 'phone', value: '+886 912-345-678' },
				{ kind: 'email', value: 'amy@example.com' },
				{ kind: 'line', value: 'amychen' }
			],
			draft
		);
		const body = encodeURIComponent(draft.text);
		expect(links).toEqual([
			{ channel: 'line', href: `https://line.me/R/msg/text/?${body}` },
			{
				channel: 'email',
				href: `mailto:amy@example.com?subject=Thanks%20%26%20hi&body=${body}`
			},
			{ channel: 'sms', href: `sms:+886912345678?body=${body}` },
			{ channel: 'phone', href: 'tel:+886912345678' },
			{ channel: 'linkedin', href: 'https://www.linkedin.com/in/amy-chen' }
		]);
		expect(decodeURIComponent(links[0]?.href.split('?')[1] ?? '')).toBe(draft.text);
	});

	it('offers only what the person shared, once per channel', () => {
		const links = draftLinks(
			[
				{ kind: 'email', value: 'a@example.com' },
				{ kind: 'email', value: 'b@example.com' },
				{ kind: 'instagram', value: 'https://www.instagram.com/amy' }
			],
			draft
		);
		expect(links.map((link) => link.href.split('?')[0])).toEqual(['mailto:a@example.com']);
		expect(draftLinks([], draft)).toEqual([]);
	});

	it('never links scanned values that are not what they claim to be', () => {
		const links = draftLinks(
			[
				{ kind: 'email', value: 'javascript:alert(1)//@x.com' },
				{ kind: 'phone', value: 'javascript:alert(1)' },
				{ kind: 'linkedin', value: 'javascript:alert(1)' },
				{ kind: 'line', value: '<script>' },
				{ kind: 'email', value: 'a@b.com?bcc=everyone@example.com' }
			],
			draft
		);
		expect(links).toEqual([]);
	});
});
