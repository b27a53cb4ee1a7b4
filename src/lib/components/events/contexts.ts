import type { EventContext } from '$lib/domain/eventForm';
import { m } from '$lib/paraglide/messages';

export const contextLabel: Record<EventContext, () => string> = {
	any: m.events_context_any,
	talk: m.events_context_talk,
	meetup: m.events_context_meetup,
	workshop: m.events_context_workshop,
	career: m.events_context_career,
	conference: m.events_context_conference
};
