import { describe, expect, it } from 'vitest';
import { buildDraft, draftLinks, greetingName, nameFor, type DraftTemplates } from './drafts';

const templates: DraftTemplates = {
	greeting: ({ name }) => `${name}，你好！`,
	greetingNoName: () => '你好！',
	metAtEvent: ({ event }) => `很高興在「${event}」認識你！`,
	met: () => '很高興認識你！',
	talk: ({ phrase }) => `那天聊到${phrase}，很有收穫。`,
	body: { thanks: () => '謝謝你。', value: () => '分享給你：', meet: () => '喝杯咖啡？' },
	subject: { thanks: () => '謝謝你', value: () => '分享給你', meet: () => '找時間喝杯咖啡？' },
	subjectWithEvent: ({ subject, event }) => `${subject}（${event}）`,
	signoff: ({ me }) => me
};

const input = {
	recipient: { name: '林志明', altName: 'Jimmy Lin' },
	language: 'zh-TW' as const,
	eventName: '台北前端小聚',
	talkPhrase: '你在做的長照 App',
	me: { name: '陳怡君', altName: 'Amy Chen' }
};

describe('nameFor', () => {
	it('greets an English reader by the Latin-script name and a Chinese reader by the Chinese one', () => {
		const amy = { name: '陳怡君', altName: 'Amy Chen' };
		expect(nameFor(amy, 'en')).toBe('Amy Chen');
		expect(nameFor(amy, 'zh-TW')).toBe('陳怡君');
		expect(nameFor({ name: 'Amy Chen', altName: '陳怡君' }, 'zh-TW')).toBe('陳怡君');
		expect(nameFor({ name: 'Amy Chen', altName: '陳怡君' }, 'en')).toBe('Amy Chen');
	});

	it('falls back to whatever name there is, and to none', () => {
		expect(nameFor({ name: '陳怡君' }, 'en')).toBe('陳怡君');
		expect(nameFor({ name: 'Amy' }, 'zh-TW')).toBe('Amy');
		expect(nameFor({ name: ' ', altName: 'Amy' }, 'zh-TW')).toBe('Amy');
		expect(nameFor({ name: '' }, 'en')).toBe('');
	});
});

describe('greetingName', () => {
	it('greets in English by the given name, in Chinese by the whole name', () => {
		const amy = { name: '陳怡君', altName: 'Amy Chen' };
		expect(greetingName(amy, 'en')).toBe('Amy');
		expect(greetingName(amy, 'zh-TW')).toBe('陳怡君');
		expect(greetingName({ name: '陳怡君' }, 'en')).toBe('陳怡君');
		expect(greetingName({ name: 'Amy' }, 'en')).toBe('Amy');
	});
});

describe('buildDraft', () => {
	it('cites the event and the talk phrase, and signs with my name', () => {
		expect(buildDraft('thanks', input, templates)).toEqual({
			subject: '謝謝你（台北前端小聚）',
			text:
				'林志明，你好！\n很高興在「台北前端小聚」認識你！\n那天聊到你在做的長照 App，很有收穫。' +
				'\n\n謝謝你。\n\n陳怡君'
		});
	});

	it('writes an English draft to the English name, signed with mine', () => {
		const { text } = buildDraft('thanks', { ...input, language: 'en' }, templates);
		expect(text.startsWith('Jimmy，')).toBe(true);
		expect(text.endsWith('Amy Chen')).toBe(true);
	});

	it('offers three different kinds of message', () => {
		const texts = (['thanks', 'value', 'meet'] as const).map(
			(kind) => buildDraft(kind, input, templates).text
		);
		expect(new Set(texts).size).toBe(3);
		expect(texts[2]).toContain('喝杯咖啡？');
	});

	it('reads naturally without a phrase, an event or a name', () => {
		const draft = buildDraft(
			'meet',
			{ recipient: { name: ' Amy ' }, language: 'zh-TW', talkPhrase: '  ' },
			templates
		);
		expect(draft).toEqual({
			subject: '找時間喝杯咖啡？',
			text: 'Amy，你好！\n很高興認識你！\n\n喝杯咖啡？'
		});
		expect(buildDraft('meet', { recipient: { name: '' }, language: 'zh-TW' }, templates).text).toBe(
			'你好！\n很高興認識你！\n\n喝杯咖啡？'
		);
	});

	it('cites a phrase on one line without a doubled full stop', () => {
		const { text } = buildDraft(
			'thanks',
			{ ...input, talkPhrase: '你在做的\n長照 App。' },
			templates
		);
		expect(text).toContain('那天聊到你在做的 長照 App，很有收穫。');
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
