import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

type MessageFile = Record<string, unknown>;

// The base file and one folder per feature, as listed in project.inlang/settings.json.
const folders = [
	'messages',
	...readdirSync('messages', { withFileTypes: true })
		.filter((entry) => entry.isDirectory())
		.map((entry) => `messages/${entry.name}`)
];

function load(locale: string): MessageFile {
	const merged: MessageFile = {};
	for (const folder of folders) {
		const file = JSON.parse(readFileSync(`${folder}/${locale}.json`, 'utf8')) as MessageFile;
		delete file.$schema;
		const clashes = Object.keys(file).filter((key) => key in merged);
		if (clashes.length) throw new Error(`${folder}: ${clashes.join(', ')} defined twice`);
		Object.assign(merged, file);
	}
	return merged;
}

/** The inputs a message needs: `{name}` placeholders, or `input name` in a variant message. */
function inputsOf(message: unknown): string[] {
	const names = new Set<string>();
	const visit = (value: unknown) => {
		if (typeof value === 'string') {
			for (const match of value.matchAll(/(?<!\\)\{(?!#|\/)(\w+)\}/g)) names.add(match[1]!);
			for (const match of value.matchAll(/^input (\w+)$/g)) names.add(match[1]!);
		} else if (Array.isArray(value)) value.forEach(visit);
		else if (value && typeof value === 'object') Object.values(value).forEach(visit);
	};
	visit(message);
	return [...names].sort();
}

function texts(message: unknown): string[] {
	if (typeof message === 'string') return [message];
	if (Array.isArray(message)) {
		return message.flatMap((variant: { match?: Record<string, string> }) =>
			Object.values(variant.match ?? {})
		);
	}
	return [];
}

const zh = load('zh-TW');
const en = load('en');

describe('messages', () => {
	it('come from every message folder the project compiles', () => {
		const settings = JSON.parse(readFileSync('project.inlang/settings.json', 'utf8')) as {
			'plugin.inlang.messageFormat': { pathPattern: string[] };
		};
		const compiled = settings['plugin.inlang.messageFormat'].pathPattern.map((pattern) =>
			pattern.replace(/^\.\//, '').replace('/{locale}.json', '')
		);
		expect(compiled.sort()).toEqual([...folders].sort());
	});

	it('exist in both languages, key for key', () => {
		expect(Object.keys(zh).filter((key) => !(key in en))).toEqual([]);
		expect(Object.keys(en).filter((key) => !(key in zh))).toEqual([]);
	});

	it('take the same inputs in both languages', () => {
		const mismatched = Object.keys(zh).filter(
			(key) => inputsOf(zh[key]).join() !== inputsOf(en[key]).join()
		);
		expect(mismatched).toEqual([]);
	});

	it('are never empty', () => {
		const empty = [...Object.entries(zh), ...Object.entries(en)]
			.filter(([, message]) => texts(message).some((text) => text.trim() === ''))
			.map(([key]) => key);
		expect(empty).toEqual([]);
	});

	// Readers in Taiwan notice simplified characters and half-width punctuation at once.
	it('write zh-TW in Traditional characters', () => {
		const simplified = /[们这个会时说对设资联络认识请让为还没过实际发现后里]/u;
		const offending = Object.entries(zh)
			.filter(([, message]) => texts(message).some((text) => simplified.test(text)))
			.map(([key]) => key);
		expect(offending).toEqual([]);
	});

	it('punctuate zh-TW with full-width marks', () => {
		const cjk = '[\\u3000-\\u303f\\u4e00-\\u9fff\\uff00-\\uffef]';
		const halfWidth = new RegExp(`${cjk}[,:;?!()]|[,:;?!()]${cjk}`, 'u');
		const offending = Object.entries(zh)
			.filter(([, message]) => texts(message).some((text) => halfWidth.test(text)))
			.map(([key]) => key);
		expect(offending).toEqual([]);
	});
});
