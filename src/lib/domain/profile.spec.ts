import { describe, expect, it } from 'vitest';
import { isValidProfile, normaliseProfileInput, profileErrors } from './profile';

describe('profile input', () => {
	it('asks for a name', () => {
		expect(profileErrors({ name: '  ', title: '工程師' })).toEqual({ name: { code: 'required' } });
		expect(isValidProfile({ name: '' })).toBe(false);
	});

	it('caps each field', () => {
		expect(profileErrors({ name: '陳'.repeat(101) })).toEqual({
			name: { code: 'too_long', max: 100 }
		});
		expect(profileErrors({ name: '陳怡君', company: 'x'.repeat(121) })).toEqual({
			company: { code: 'too_long', max: 120 }
		});
	});

	it('trims and drops blank optional fields', () => {
		expect(normaliseProfileInput({ name: ' 陳怡君 ', title: ' ', company: ' 台積電 ' })).toEqual({
			name: '陳怡君',
			company: '台積電'
		});
		expect(isValidProfile({ name: '陳怡君', title: '  ' })).toBe(true);
	});
});
