import * as z from 'zod/mini';
import { CARD_TEXT_MAX, CHANNELS_MAX, LABEL_MAX, normalizeChannel, type Card } from './card';
import { channelKinds } from './kinds';
import { URL_MAX } from './profileUrls';
import { isCleanText } from './text';

// The card and channel as zod schemas, for the forms and records that validate with zod. The card
// page reads links with `readCard` instead, which accepts exactly what `cardSchema` accepts.

const cleanField = (max: number) => z.string().check(z.refine((value) => isCleanText(value, max)));

// Error messages are codes (`invalid_email`, …) that the UI translates.
export const channelSchema = z
	.object({
		kind: z.enum(channelKinds),
		value: z.string().check(z.maxLength(URL_MAX)),
		label: z.optional(cleanField(LABEL_MAX))
	})
	.check(
		z.superRefine((channel, context) => {
			const normal = normalizeChannel(channel);
			if (normal === null || normal.kind !== channel.kind || normal.value !== channel.value) {
				context.addIssue({ code: 'custom', path: ['value'], message: `invalid_${channel.kind}` });
			}
		})
	);

export const cardSchema: z.ZodMiniType<Card> = z
	.object({
		name: z
			.string()
			.check(z.refine((name) => name === '' || isCleanText(name, CARD_TEXT_MAX.name))),
		altName: z.optional(cleanField(CARD_TEXT_MAX.altName)),
		title: z.optional(cleanField(CARD_TEXT_MAX.title)),
		company: z.optional(cleanField(CARD_TEXT_MAX.company)),
		channels: z.array(channelSchema).check(z.maxLength(CHANNELS_MAX))
	})
	.check(
		z.refine((card) => card.name !== '' || card.channels.length > 0, {
			path: ['name'],
			error: 'empty_card'
		})
	);
