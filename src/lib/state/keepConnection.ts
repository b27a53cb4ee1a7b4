import { connectionRepository } from '$lib/data/connections';
import { eventRepository } from '$lib/data/events';
import { isEventOver } from '$lib/domain/eventPhase';
import { promptStateRepository } from '$lib/data/promptState';
import { settingsRepository } from '$lib/data/settings';
import { followUpDueAt } from '$lib/domain/followup';
import { isSamePerson, mergeCards } from '$lib/domain/people';
import type { Connection, StoredCard } from '$lib/domain/records';
import { app } from './app.svelte';

// Not imported by the shell: it pulls in the follow-up rule, which the first load can do without.

export interface KeepInput {
	card: StoredCard;
	source: Connection['source'];
	note?: string;
	tags?: string[];
	/** The "this one worked" prompt the person kept as the note, cleared once it is used. */
	promptText?: string;
	now?: Date;
}

export interface KeepResult {
	connection: Connection;
	/** Seen again at the same event: the first connection was updated, nothing new scheduled. */
	updated: boolean;
	/** The saved time zone was not usable; the follow-up was scheduled in the device's zone. */
	usedDeviceTimeZone: boolean;
}

const deviceTimeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

/**
 * Saves someone just met: linked to the current event, and with a `post_event` follow-up from
 * the person's settings. Meeting the same person again at the same event updates that
 * connection instead of creating a second one.
 */
export async function keepConnection(input: KeepInput): Promise<KeepResult> {
	const db = await app.database();
	const now = input.now ?? new Date();
	const at = now.toISOString();
	const settings = await settingsRepository(db).get();
	const chosen = settings.currentEventId
		? await eventRepository(db).get(settings.currentEventId)
		: null;
	const event = chosen && !isEventOver(chosen, now) ? chosen : null;
	const connections = connectionRepository(db);

	const previous = event
		? (await connections.listForEvent(event.id)).find((connection) =>
				isSamePerson(connection.card, input.card)
			)
		: undefined;

	let result: KeepResult;
	if (previous) {
		const connection = await connections.save({
			...previous,
			card: mergeCards(previous.card, input.card),
			note: input.note?.trim() || previous.note,
			promptText: input.promptText ?? previous.promptText,
			tags: [...new Set([...previous.tags, ...(input.tags ?? [])])],
			updatedAt: at
		});
		result = { connection, updated: true, usedDeviceTimeZone: false };
	} else {
		const connection: Connection = {
			id: crypto.randomUUID(),
			card: input.card,
			...(event ? { eventId: event.id } : {}),
			metAt: at,
			...(input.note?.trim() ? { note: input.note.trim() } : {}),
			...(input.promptText ? { promptText: input.promptText } : {}),
			tags: input.tags ?? [],
			tier: 'none',
			source: input.source,
			updatedAt: at
		};
		const rule = {
			metAt: at,
			eventEndsAt: event?.endsAt ?? null,
			delayDays: settings.followUpDelayDays,
			hour: settings.followUpHour,
			skipWeekends: settings.followUpSkipWeekends
		};
		let usedDeviceTimeZone = false;
		let dueAt: string;
		try {
			dueAt = followUpDueAt({ ...rule, timeZone: settings.timeZone ?? deviceTimeZone() });
		} catch {
			usedDeviceTimeZone = true;
			dueAt = followUpDueAt({ ...rule, timeZone: deviceTimeZone() });
		}
		await connections.saveWithFollowUp(connection, {
			id: crypto.randomUUID(),
			connectionId: connection.id,
			kind: 'post_event',
			cycle: 0,
			dueAt,
			status: 'pending',
			updatedAt: at
		});
		result = { connection, updated: false, usedDeviceTimeZone };
	}

	if (input.promptText) {
		const prompts = promptStateRepository(db);
		await prompts.save({ ...(await prompts.get()), worked: undefined });
	}
	await app.afterSave(db);
	await app.refresh(now);
	return result;
}
