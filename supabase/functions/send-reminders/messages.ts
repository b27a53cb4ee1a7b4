// Every word a reminder says, in both languages the app speaks. The app's own messages live in
// messages/ (paraglide); these are composed on the server, where the app's bundle is not.

export type Locale = 'zh-TW' | 'en';

/** The names listed before the rest are only counted. */
export const NAMES_SHOWN = 3;

interface ReminderText {
	title: string;
	due(count: number): string;
	list(names: string[], unnamed: number): string;
	testTitle: string;
	testBody: string;
}

const TEXT: Record<Locale, ReminderText> = {
	en: {
		title: 'Follow-ups for today',
		due: (count) =>
			count === 1 ? '1 person to follow up today' : `${count} people to follow up today`,
		list: (names, unnamed) => `: ${names.join(', ')}${unnamed > 0 ? ` and ${unnamed} more` : ''}`,
		testTitle: 'Test reminder',
		testBody: 'Reminders are on for this device. Your follow-ups will arrive here in the morning.'
	},
	'zh-TW': {
		title: '今天的聯絡提醒',
		due: (count) => `今天有 ${count} 位可以聯絡`,
		list: (names, unnamed) => `：${names.join('、')}${unnamed > 0 ? ' 等人' : ''}`,
		testTitle: '測試提醒',
		testBody: '這台裝置已開啟提醒，之後的聯絡提醒會在早上送到這裡。'
	}
};

/**
 * Declarative Web Push (RFC 8030 magic number), which the service worker also reads. A type, not
 * an interface, so it counts as JSON for the push library.
 */
export type PushPayload = {
	web_push: 8030;
	notification: {
		title: string;
		body: string;
		navigate: string;
		app_badge?: string;
		lang: Locale;
		tag: 'rapport-reminder' | 'rapport-test';
	};
};

function textFor(locale: string): [Locale, ReminderText] {
	return locale === 'en' ? ['en', TEXT.en] : ['zh-TW', TEXT['zh-TW']];
}

/** The morning digest: how many people are due and the first few names. */
export function reminderPayload(locale: string, count: number, names: string[]): PushPayload {
	const [lang, text] = textFor(locale);
	const shown = names.slice(0, NAMES_SHOWN);
	const body = text.due(count) + (shown.length > 0 ? text.list(shown, count - shown.length) : '');
	return {
		web_push: 8030,
		notification: {
			title: text.title,
			body,
			navigate: '/follow-ups',
			app_badge: String(count),
			lang,
			tag: 'rapport-reminder'
		}
	};
}

/** What "Send me a test reminder" sends. */
export function testPayload(locale: string): PushPayload {
	const [lang, text] = textFor(locale);
	return {
		web_push: 8030,
		notification: {
			title: text.testTitle,
			body: text.testBody,
			navigate: '/follow-ups',
			lang,
			tag: 'rapport-test'
		}
	};
}
