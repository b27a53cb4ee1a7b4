import * as z from 'zod/mini';
import { PROFILE_FIELD_MAX, profileSchema, type Profile } from './records';

export type ProfileInput = Pick<Profile, 'name' | 'title' | 'company'>;
export type ProfileFieldError = { code: 'required' } | { code: 'too_long'; max: number };
export type ProfileErrors = Partial<Record<keyof ProfileInput, ProfileFieldError>>;

/** Trims what was typed and drops empty optional fields, so "  " never becomes a title. */
export function normaliseProfileInput(input: ProfileInput): ProfileInput {
	const title = input.title?.trim();
	const company = input.company?.trim();
	return {
		name: input.name.trim(),
		...(title ? { title } : {}),
		...(company ? { company } : {})
	};
}

/** Field-by-field problems, as codes the UI turns into sentences in the reader's language. */
export function profileErrors(input: ProfileInput): ProfileErrors {
	const errors: ProfileErrors = {};
	const normalised = normaliseProfileInput(input);
	if (!normalised.name) errors.name = { code: 'required' };
	for (const field of ['name', 'title', 'company'] as const) {
		const value = normalised[field];
		if (value && value.length > PROFILE_FIELD_MAX[field]) {
			errors[field] = { code: 'too_long', max: PROFILE_FIELD_MAX[field] };
		}
	}
	return errors;
}

export function isValidProfile(input: ProfileInput): boolean {
	return z
		.pick(profileSchema, { name: true, title: true, company: true })
		.safeParse(normaliseProfileInput(input)).success;
}
