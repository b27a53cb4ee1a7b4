import { describe, expect, it } from 'vitest';
import { checkChannels, parseTags } from './personEdit';

describe('parseTags', () => {
	it('splits on commas of either width and 、, trims and drops repeats and blanks', () => {
		expect(parseTags(' 設計，徵才、design, 設計 ,, ')).toEqual(['設計', '徵才', 'design']);
	});
});

describe('checkChannels', () => {
	it('returns the channels in canonical form and drops rows left empty', () => {
		expect(
			checkChannels([
				{ kind: 'phone', value: '0912-345-678', label: '' },
				{ kind: 'email', value: '', label: '' },
				{ kind: 'website', value: 'https://www.linkedin.com/in/amy-chen', label: '' }
			])
		).toEqual({
			ok: true,
			channels: [
				{ kind: 'phone', value: '0912345678' },
				{ kind: 'linkedin', value: 'https://www.linkedin.com/in/amy-chen' }
			]
		});
	});

	it('points at each row that is wrong and why', () => {
		expect(
			checkChannels([
				{ kind: 'email', value: 'amy.example.com', label: '' },
				{ kind: 'line', value: 'amy', label: 'x'.repeat(41) },
				{ kind: 'line', value: 'has space', label: '' },
				{ kind: 'phone', value: '+886912345678', label: '' }
			])
		).toEqual({ ok: false, problems: ['value', 'label', 'value', null] });
	});
});
