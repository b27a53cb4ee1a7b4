import * as z from 'zod/mini';
import { eventContexts } from '../records';

// The shape of one language's deck (content/<locale>.json). The content files are data written by
// people, so everything the app relies on is checked here: ids, slots in the templates, and that no
// text carries stray whitespace. Counts and wording rules live in content.spec.ts.

export const depths = ['warm-up', 'connect', 'reflect'] as const;
export const promptContexts = eventContexts;

const id = z.string().check(z.regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'ids are lowercase-kebab-case'));
/** Non-empty text with no stray whitespace, plus any rule a particular field adds. */
const textWith = (...rules: z.core.$ZodCheck<string>[]) =>
	z.string().check(
		z.minLength(1),
		z.refine((value) => value === value.trim() && !/\s{2}/.test(value), 'no stray whitespace'),
		...rules
	);
const text = textWith();

const contexts = z.array(z.enum(promptContexts)).check(
	z.minLength(1),
	z.refine((list) => new Set(list).size === list.length, 'contexts are listed once'),
	// `any` already matches every context, so it is never combined with specific ones.
	z.refine((list) => !list.includes('any') || list.length === 1, '`any` stands alone')
);

export const promptSchema = z.strictObject({
	id,
	text,
	depth: z.enum(depths),
	contexts
});

export const topicTemplateSchema = z.extend(promptSchema, {
	text: textWith(z.refine((value) => value.includes('{topic}'), 'a template has a {topic} slot'))
});

export const lineSchema = z.strictObject({ id, text });

/**
 * A follow-up question: asked after an answer, it builds on what was just said. Listed per depth,
 * so a light answer gets a light follow-up and a reflective one a reflective one.
 */
export const followUpMoveSchema = z.extend(lineSchema, { depth: z.enum(depths) });

/** An exit or an offer: a line to say, written for the settings it makes sense in. */
export const settingLineSchema = z.extend(lineSchema, { contexts });

const slots = ['name', 'company', 'title'] as const;
type Slot = (typeof slots)[number];

/** A template that uses exactly the given slots (so no variant asks for a field it cannot have). */
const template = (...required: Slot[]) =>
	textWith(
		z.refine(
			(value) => slots.every((slot) => value.includes(`{${slot}}`) === required.includes(slot)),
			`uses exactly the slots ${required.map((slot) => `{${slot}}`).join(', ')}`
		)
	);

export const openerSchema = z.strictObject({
	full: template('name', 'company', 'title'),
	companyOnly: template('name', 'company'),
	titleOnly: template('name', 'title'),
	nameOnly: template('name'),
	short: template('name'),
	shortWithCompany: template('name', 'company')
});

const uniqueIds = <T extends { id: string }>(list: T[]) =>
	new Set(list.map((item) => item.id)).size === list.length;

const list = <T extends z.ZodMiniType<{ id: string }>>(item: T) =>
	z.array(item).check(z.minLength(1), z.refine(uniqueIds, 'ids are unique within a list'));

export const deckContentSchema = z.strictObject({
	prompts: list(promptSchema),
	topicTemplates: list(topicTemplateSchema),
	listening: list(lineSchema),
	exits: list(settingLineSchema),
	offers: list(settingLineSchema),
	opener: openerSchema,
	followUpMoves: list(followUpMoveSchema)
});

export type Depth = (typeof depths)[number];
export type PromptContext = (typeof promptContexts)[number];
export type Prompt = z.infer<typeof promptSchema>;
export type TopicTemplate = z.infer<typeof topicTemplateSchema>;
export type Line = z.infer<typeof lineSchema>;
export type SettingLine = z.infer<typeof settingLineSchema>;
export type FollowUpMove = z.infer<typeof followUpMoveSchema>;
export type Opener = z.infer<typeof openerSchema>;
export type DeckContent = z.infer<typeof deckContentSchema>;
