import type { ChannelKind } from '$lib/domain/card/kinds';
import { m } from '$lib/paraglide/messages';

// The one table of channel-kind labels in the reader's language, for my card, the cards I keep and
// the people I edit. How a channel is typed, and what is wrong with it, is in channelForm.ts:
// the card page a guest opens shows labels and needs none of that.

export const kindLabel: Record<ChannelKind, () => string> = {
	line: m.card_kind_line,
	phone: m.card_kind_phone,
	email: m.card_kind_email,
	linkedin: m.card_kind_linkedin,
	instagram: m.card_kind_instagram,
	facebook: m.card_kind_facebook,
	x: m.card_kind_x,
	website: m.card_kind_website,
	other: m.card_kind_other
};
