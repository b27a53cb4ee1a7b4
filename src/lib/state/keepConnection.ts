import { connectionRepository } from '$lib/data/connections';
import { eventRepository } from '$lib/data/events';
import { isEventOver } from '$lib/domain/eventPhase';
import { promptStateRepository } from '$lib/data/promptState';
import { settingsRepository } from '$lib/data/settings';
import { followUpDueAt } from '$lib/domain/followUps';
import { joinNotes, mergeCards } from '$lib/domain/people';
import { findSamePerson } from '$lib/domain/samePerson';
import type { Connection, StoredCard } from '$lib/domain/records';
import type { ExchangeOutcome } from '$lib/domain/sync/status';
import { app } from './app.svelte';
import { syncSwitch } from './syncSwitch.svelte';
import { deviceTimeZone } from '$lib/domain/timeZone';

// Not imported by the shell: it pulls in the follow-up rule, which the first load can do without.

export interface KeepInput {
	card: StoredCard;
	source: Connection['source'];
	note?: string;
	/** The words a follow-up draft may cite; never the note. */
	talkPhrase?: string;
	tags?: string[];
	/** The "this one worked" prompt the talk phrase started from, cleared once it is used. */
	promptText?: string;
	/**
	 * Who this card is: the id of someone already kept to update, `null` to keep them as someone
	 * new even if they look alike, or absent to let the same-person rule decide.
	 */
	sameAs?: string | null;
	now?: Date;
}

/** Someone already kept whom a card belongs to, with where they were first met. */
export interface KeptMatch {
	connection: Connection;
	eventName?: string;
}

export interface KeepResult {
	connection: Connection;
	/** Someone already kept: their connection was updated, nothing new scheduled. */
	updated: boolean;
	/** The saved time zone was not usable; the follow-up was scheduled in the device's zone. */
	usedDeviceTimeZone: boolean;
}

/** The person already kept whom `card` belongs to (see domain/samePerson), if any. */
export async function findKept(card: StoredCard): Promise<KeptMatch | null> {
	const db = await app.database();
	const connection = findSamePerson(card, (await connectionRepository(db).list()).items);
	if (!connection) return null;
	const event = connection.eventId ? await eventRepository(db).get(connection.eventId) : null;
	return event ? { connection, eventName: event.name } : { connection };
}

/**
 * Saves someone just met: linked to the current event, and with a `post_event` follow-up from
 * the person's settings. Someone already kept (at this event or another) is updated instead:
 * one person, one follow-up, however often they are scanned.
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

	const everyone = (await connections.list()).items;
	const previous =
		input.sameAs === null
			? undefined
			: input.sameAs === undefined
				? findSamePerson(input.card, everyone)
				: everyone.find((connection) => connection.id === input.sameAs);
	const talkPhrase = input.talkPhrase?.trim();

	let result: KeepResult;
	if (previous) {
		const connection = await connections.save({
			...previous,
			card: mergeCards(previous.card, input.card),
			note: joinNotes(previous.note, input.note),
			talkPhrase: talkPhrase || previous.talkPhrase,
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
			...(talkPhrase ? { talkPhrase } : {}),
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
	return result;
}

export interface KeptAndSendingBack extends KeepResult {
	/**
	 * My card on its way back to them (null at the end when sync could not start); null when their
	 * QR or link carried no exchange token or sync is off.
	 */
	sendingBack: Promise<ExchangeOutcome | null> | null;
}

/**
 * "Keep, then send my card back": the one keep the scanner and the card page share. When their
 * QR or link carried an exchange token and sync is on, my card goes back to them once they are
 * kept; the keep is done (and shown) before the answer comes.
 */
export async function keepAndSendBack(
	input: KeepInput,
	exchangeToken: string | null
): Promise<KeptAndSendingBack> {
	const result = await keepConnection(input);
	const sendingBack =
		exchangeToken && syncSwitch.on
			? // Sync's code loads only when there is a card to send back.
				import('./exchangeToken.svelte').then(({ exchangeToken: keeper }) =>
					keeper.acceptScannedExchange(exchangeToken)
				)
			: null;
	return { ...result, sendingBack };
}
