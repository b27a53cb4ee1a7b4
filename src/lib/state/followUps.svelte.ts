/* eslint-disable svelte/prefer-svelte-reactivity --
 * The queue holds snapshots in $state.raw and replaces them whole on every change: one signal per
 * collection instead of one per entry, which keeps 5,000 follow-ups cheap. The Maps, Sets and Dates
 * here are never mutated once published, so their reactive twins would only add cost. */
import { connectionRepository } from '$lib/data/connections';
import { eventRepository } from '$lib/data/events';
import { followUpRepository } from '$lib/data/followUps';
import { settingsRepository } from '$lib/data/settings';
import {
	groupQueue,
	pickWeeklyReconnects,
	reconnectEvents,
	snoozeUntil,
	toIcs,
	weekProgress,
	type GroupedQueue,
	type IcsEntry,
	type QueueSectionKey,
	type SnoozeOption
} from '$lib/domain/followUps';
import { buildDraft, type Draft, type DraftKind } from '$lib/domain/followUps/drafts';
import { personName } from '$lib/domain/people';
import type { Connection, FollowUp, KeepInTouchTier, Settings } from '$lib/domain/records';
import { getLocale } from '$lib/i18n/locale';
import { m } from '$lib/paraglide/messages';
import { app } from './app.svelte';
import * as actions from './followUpsActions';
import { reloadOnStored } from './reloadOnStored';
import { deviceTimeZone, isTimeZone } from '$lib/domain/timeZone';

/** A long queue shows a page of each section at a time, so 5,000 follow-ups open as fast as 5. */
export const PAGE_SIZE = 20;
/** Open when the page opens; the others render nothing until someone opens them. */
export const OPEN_AT_FIRST: readonly QueueSectionKey[] = ['overdue', 'today', 'thisWeek'];

/** How long the Undo button stays after an action: long enough to notice, short enough to pass. */
export const UNDO_MS = 8000;

export interface QueueToast {
	message: string;
	undo: actions.Undo | null;
	tone: 'info' | 'danger';
}

export interface Reconnect {
	connection: Connection;
	lastContactedAt: string;
}

/** Never blank, even for someone saved before every person had to have a name. */
const nameOf = (connection: Connection) => personName(connection.card) || m.people_unnamed();

const empty: GroupedQueue<FollowUp> = groupQueue([], new Date(0), 'UTC');

const draftTemplates = {
	greeting: m.followUps_draft_greeting,
	greetingNoName: m.followUps_draft_greeting_no_name,
	metAtEvent: m.followUps_draft_met_event,
	met: m.followUps_draft_met,
	talk: m.followUps_draft_talk,
	body: {
		thanks: m.followUps_draft_body_thanks,
		value: m.followUps_draft_body_value,
		meet: m.followUps_draft_body_meet
	},
	subject: {
		thanks: m.followUps_draft_subject_thanks,
		value: m.followUps_draft_subject_value,
		meet: m.followUps_draft_subject_meet
	},
	subjectWithEvent: m.followUps_draft_subject_event,
	signoff: m.followUps_draft_signoff
};

/** The follow-up queue: what is due, the weekly goal, and the actions with their undo. */
export class FollowUpsState {
	status = $state<'idle' | 'loading' | 'ready' | 'failed'>('idle');
	items = $state.raw<FollowUp[]>([]);
	connections = $state.raw<Map<string, Connection>>(new Map());
	eventNames = $state.raw<Map<string, string>>(new Map());
	settings = $state.raw<Settings | null>(null);
	timeZone = $state('UTC');
	/** The saved zone could not be used, so the device's is. */
	zoneFallback = $state(false);
	/**
	 * Whether every connection has been read. The first screen needs only the people it shows,
	 * so those are read first and the rest (for the weekly goal) right after.
	 */
	complete = $state(false);
	now = $state(new Date());
	toast = $state<QueueToast | null>(null);
	/** Follow-ups with an action in flight, so a double tap does not write twice. */
	busy = $state.raw<ReadonlySet<string>>(new Set());

	/** Follow-ups of people still in the list; one whose connection was deleted is not shown. */
	grouped = $derived.by(() =>
		this.status === 'ready'
			? groupQueue(
					this.complete
						? this.items.filter((followUp) => this.connections.has(followUp.connectionId))
						: this.items,
					this.now,
					this.timeZone
				)
			: empty
	);

	goal = $derived(this.settings?.weeklyGoal ?? 3);

	reconnects = $derived.by((): Reconnect[] => {
		if (!this.complete || this.goal === 0) return [];
		const candidates = [...this.connections.values()].map((connection) => ({
			...connection,
			name: nameOf(connection)
		}));
		return pickWeeklyReconnects(candidates, this.items, this.now, this.goal).flatMap(({ id }) => {
			const connection = this.connections.get(id);
			return connection
				? [{ connection, lastContactedAt: connection.lastContactedAt ?? connection.metAt }]
				: [];
		});
	});

	/** Different people contacted this week (the person's time zone): see `reconnectEvents`. */
	progress = $derived.by(() =>
		this.complete
			? weekProgress(
					reconnectEvents(this.items, [...this.connections.values()]),
					this.now,
					this.timeZone
				)
			: 0
	);

	#dateTime = $derived(
		new Intl.DateTimeFormat(getLocale(), {
			dateStyle: 'medium',
			timeStyle: 'short',
			timeZone: this.timeZone
		})
	);
	#date = $derived(
		new Intl.DateTimeFormat(getLocale(), { dateStyle: 'medium', timeZone: this.timeZone })
	);
	#toastTimer: ReturnType<typeof setTimeout> | undefined;
	#toastId = 0;

	/**
	 * Reads the queue again when sync brings follow-ups, people or events in (or erases them).
	 * This screen's own actions change what is shown as they go, so they need no reload.
	 * Returns how to stop.
	 */
	follow(): () => void {
		return reloadOnStored(['followUps', 'connections', 'events'], ['sync'], () => this.load());
	}

	/** Reads the queue: the first screen as soon as it can be drawn, then everyone else. */
	async load(now = new Date()): Promise<void> {
		if (this.status === 'idle') this.status = 'loading';
		try {
			const db = await app.database();
			const connections = connectionRepository(db);
			const [followUps, eventNames, settings] = await Promise.all([
				followUpRepository(db).list(),
				eventRepository(db).names(),
				settingsRepository(db).get()
			]);
			this.zoneFallback = settings.timeZone !== undefined && !isTimeZone(settings.timeZone);
			this.timeZone = isTimeZone(settings.timeZone)
				? (settings.timeZone as string)
				: deviceTimeZone();
			this.settings = settings;
			this.eventNames = eventNames;
			this.now = now;

			const first = groupQueue(followUps.items, now, this.timeZone)
				.sections.filter((section) => OPEN_AT_FIRST.includes(section.key))
				.flatMap((section) => section.items.slice(0, PAGE_SIZE).map((f) => f.connectionId));
			const shown = await Promise.all([...new Set(first)].map((id) => connections.get(id)));
			this.connections = new Map(
				shown.filter((c): c is Connection => c !== null).map((c) => [c.id, c])
			);
			this.items = followUps.items;
			this.complete = false;
			this.status = 'ready';

			const everyone = await connections.list();
			this.connections = new Map(everyone.items.map((c) => [c.id, c]));
			this.complete = true;
		} catch {
			this.status = 'failed';
		}
	}

	formatDateTime(iso: string): string {
		return this.#dateTime.format(new Date(iso));
	}

	formatDate(iso: string): string {
		return this.#date.format(new Date(iso));
	}

	eventNameOf(connection: Connection): string | undefined {
		return connection.eventId ? this.eventNames.get(connection.eventId) : undefined;
	}

	draft(kind: DraftKind, connection: Connection): Draft {
		return buildDraft(
			kind,
			{
				recipient: connection.card,
				language: getLocale() === 'en' ? 'en' : 'zh-TW',
				eventName: this.eventNameOf(connection),
				talkPhrase: connection.talkPhrase,
				...(app.profile ? { me: app.profile } : {})
			},
			draftTemplates
		);
	}

	async done(followUp: FollowUp): Promise<void> {
		const connection = this.connections.get(followUp.connectionId);
		if (!connection) return;
		await this.#act(followUp.id, async (db, now) => {
			const result = await actions.markDone(db, followUp, connection, now, {
				timeZone: this.timeZone,
				hour: this.settings?.followUpHour,
				skipWeekends: this.settings?.followUpSkipWeekends
			});
			const name = nameOf(connection);
			return {
				result,
				message: result.next
					? m.followUps_toast_done_next({ name, date: this.formatDate(result.next.dueAt) })
					: m.followUps_toast_done({ name })
			};
		});
	}

	/** Throws when a picked date is not after now, so the form can say so; nothing is written. */
	snoozeTime(option: SnoozeOption): string {
		return snoozeUntil(option, new Date(), this.timeZone, this.settings?.followUpHour ?? 10);
	}

	async snooze(followUp: FollowUp, until: string): Promise<void> {
		await this.#act(followUp.id, async (db, now) => ({
			result: await actions.snooze(db, followUp, until, now),
			message: m.followUps_toast_snoozed({
				name: this.#nameOf(followUp),
				date: this.formatDateTime(until)
			})
		}));
	}

	async skip(followUp: FollowUp): Promise<void> {
		await this.#act(followUp.id, async (db, now) => ({
			result: await actions.skip(db, followUp, now),
			message: m.followUps_toast_skipped({ name: this.#nameOf(followUp) })
		}));
	}

	async setTier(connection: Connection, tier: KeepInTouchTier): Promise<void> {
		if (connection.tier === tier) return;
		await this.#act(connection.id, async (db, now) => ({
			result: await actions.setTier(db, connection, tier, now),
			message: m.followUps_toast_tier({ name: nameOf(connection) })
		}));
	}

	async planReconnect(connection: Connection): Promise<void> {
		await this.#act(connection.id, async (db, now) => ({
			result: await actions.planReconnect(db, connection, now),
			message: m.followUps_toast_planned({ name: nameOf(connection) })
		}));
	}

	async undo(): Promise<void> {
		const change = this.toast?.undo;
		if (!change) return;
		try {
			const db = await app.database();
			await actions.undo(db, change);
			this.#apply(change.followUps, change.connections, change.remove);
			this.#show({ message: m.followUps_undone(), undo: null, tone: 'info' });
		} catch {
			this.#show({ message: m.followUps_action_failed(), undo: null, tone: 'danger' });
		}
	}

	dismissToast(): void {
		clearTimeout(this.#toastTimer);
		this.toast = null;
	}

	/** Follow-ups still open (pending or snoozed) among those given, or all of them. */
	openFollowUps(ids?: readonly string[]): FollowUp[] {
		const wanted = ids && new Set(ids);
		return this.items.filter(
			(followUp) =>
				(followUp.status === 'pending' || followUp.status === 'snoozed') &&
				this.connections.has(followUp.connectionId) &&
				(!wanted || wanted.has(followUp.id))
		);
	}

	/** An .ics calendar for the given follow-ups, or null when there is nothing to put in it. */
	calendar(followUps: readonly FollowUp[], origin: string): string | null {
		const entries = followUps.flatMap((followUp): IcsEntry[] => {
			const connection = this.connections.get(followUp.connectionId);
			if (!connection) return [];
			const event = this.eventNameOf(connection);
			return [
				{
					uid: `${followUp.id}@rapport`,
					summary: m.followUps_calendar_summary({ name: nameOf(connection) }),
					...(event ? { description: m.followUps_calendar_description({ event }) } : {}),
					url: `${origin}/follow-ups`,
					start:
						followUp.status === 'snoozed' && followUp.snoozedUntil
							? followUp.snoozedUntil
							: followUp.dueAt
				}
			];
		});
		return entries.length ? toIcs(entries, new Date().toISOString()) : null;
	}

	#nameOf(followUp: FollowUp): string {
		const connection = this.connections.get(followUp.connectionId);
		return connection ? nameOf(connection) : m.people_unnamed();
	}

	async #act(
		key: string,
		run: (
			db: Awaited<ReturnType<typeof app.database>>,
			now: Date
		) => Promise<{ result: actions.ActionResult; message: string }>
	): Promise<void> {
		if (this.busy.has(key)) return;
		this.busy = new Set([...this.busy, key]);
		try {
			const db = await app.database();
			const now = new Date();
			const { result, message } = await run(db, now);
			this.now = now;
			this.#apply(
				[result.followUp, result.next].filter((f): f is FollowUp => f !== undefined),
				result.connection ? [result.connection] : [],
				[]
			);
			this.#show({ message, undo: result.undo, tone: 'info' });
		} catch {
			this.#show({ message: m.followUps_action_failed(), undo: null, tone: 'danger' });
		} finally {
			const rest = new Set(this.busy);
			rest.delete(key);
			this.busy = rest;
		}
	}

	/** Mirrors a committed write in memory, so 5,000 follow-ups are not read again for one change. */
	#apply(followUps: FollowUp[], connections: Connection[], remove: string[]): void {
		if (followUps.length || remove.length) {
			const changed = new Map(followUps.map((followUp) => [followUp.id, followUp]));
			const gone = new Set(remove);
			const kept = this.items
				.filter((followUp) => !gone.has(followUp.id))
				.map((followUp) => {
					const next = changed.get(followUp.id);
					changed.delete(followUp.id);
					return next ?? followUp;
				});
			this.items = [...kept, ...changed.values()];
		}
		if (connections.length) {
			const next = new Map(this.connections);
			for (const connection of connections) next.set(connection.id, connection);
			this.connections = next;
		}
	}

	#show(toast: QueueToast): void {
		clearTimeout(this.#toastTimer);
		const id = ++this.#toastId;
		this.toast = toast;
		// A failure stays until dismissed: it is the one message that must not be missed.
		if (toast.tone === 'info') {
			this.#toastTimer = setTimeout(() => {
				if (this.#toastId === id) this.toast = null;
			}, UNDO_MS);
		}
	}
}

export const followUps = new FollowUpsState();
