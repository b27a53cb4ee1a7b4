import { connectionRepository } from '$lib/data/connections';
import { paperCardPhotoRepository } from '$lib/data/paperCardPhotos';
import { eventRepository } from '$lib/data/events';
import { applyQueueChange, followUpRepository } from '$lib/data/followUps';
import { onStored } from '$lib/data/notices';
import { CARD_TEXT_MAX, type ChannelKind } from '$lib/domain/card';
import { mergePeople, personName, restamp, type MergeChange } from '$lib/domain/people';
import { isSamePerson } from '$lib/domain/samePerson';
import type { Connection } from '$lib/domain/records';
import { app } from './app.svelte';
import { reloadOnStored } from './reloadOnStored';
import { peopleRows, searchPeople, type PersonRow } from '$lib/domain/peopleList';
import {
	checkChannels,
	nowIso,
	parseTags,
	toDrafts,
	type ChannelDraft,
	type ChannelProblem
} from '$lib/domain/personEdit';

// The People list and one person's page. Not imported by the shell: it pulls in the card codec.

/** The People list: everyone met, newest first, filtered as the search box is typed in. */
export class PeopleList {
	rows = $state<PersonRow[]>([]);
	loaded = $state(false);
	/** Stored people whose records failed validation: hidden, kept on disk, and reported. */
	unreadable = $state(0);
	query = $state('');
	visible = $derived(searchPeople(this.rows, this.query));

	async load(): Promise<void> {
		try {
			const db = await app.database();
			const [connections, eventNames] = await Promise.all([
				connectionRepository(db).list(),
				eventRepository(db).names()
			]);
			this.rows = peopleRows(connections.items, eventNames);
			this.unreadable = connections.unreadable;
		} catch {
			// Storage is unavailable: the layout already says why, and the empty state stays.
		}
		this.loaded = true;
	}

	/**
	 * Keeps the list on what is stored while it is open: people and events that sync brings in,
	 * or that a restore or another screen writes. Returns how to stop.
	 */
	follow(): () => void {
		return reloadOnStored(['connections', 'events'], ['device', 'sync'], () => this.load());
	}
}

export type SaveStatus = 'saved' | 'invalid' | 'failed' | null;

/** Someone who could be folded into the person on screen; likely duplicates come first. */
export interface MergeCandidate {
	id: string;
	name: string;
	likely: boolean;
}

/** A merge that can still be taken back: what it replaced, and who was folded in. */
export interface DoneMerge {
	before: MergeChange;
	otherName: string;
}

/** The editor's fields as a stored person fills them. */
function formOf(connection: Connection) {
	return {
		name: connection.card.name,
		altName: connection.card.altName ?? '',
		title: connection.card.title ?? '',
		company: connection.card.company ?? '',
		talkPhrase: connection.talkPhrase ?? '',
		note: connection.note ?? '',
		tags: connection.tags.join(', '),
		channels: toDrafts(connection.card.channels)
	};
}

const formFields = [
	'name',
	'altName',
	'title',
	'company',
	'talkPhrase',
	'note',
	'tags',
	'channels'
] as const;

/** One person's page: what is being typed lives here, so a refused save loses nothing. */
export class PersonEditor {
	connection = $state<Connection | null>(null);
	eventName = $state<string | undefined>(undefined);
	loaded = $state(false);
	name = $state('');
	altName = $state('');
	title = $state('');
	company = $state('');
	nameMissing = $state(false);
	note = $state('');
	talkPhrase = $state('');
	tags = $state('');
	channels = $state<ChannelDraft[]>([]);
	problems = $state<(ChannelProblem | null)[]>([]);
	status = $state<SaveStatus>(null);
	saving = $state(false);
	reachedOut = $state<'done' | 'failed' | null>(null);
	mergeCandidates = $state<MergeCandidate[]>([]);
	/** Undoable until the person leaves this screen, which drops this editor. */
	merged = $state<DoneMerge | null>(null);
	mergeStatus = $state<'merged' | 'undone' | 'failed' | null>(null);

	async load(id: string): Promise<void> {
		try {
			const db = await app.database();
			const connection = await connectionRepository(db).get(id);
			if (connection) {
				this.eventName = connection.eventId
					? (await eventRepository(db).names()).get(connection.eventId)
					: undefined;
				this.#fill(connection);
				await this.#loadCandidates();
			}
		} catch {
			this.connection = null;
		}
		this.loaded = true;
	}

	async #loadCandidates(): Promise<void> {
		const me = this.connection;
		if (!me) return;
		const db = await app.database();
		const others = (await connectionRepository(db).list()).items.filter(({ id }) => id !== me.id);
		this.mergeCandidates = others
			.map((other) => ({
				id: other.id,
				name: personName(other.card),
				likely: isSamePerson(me.card, other.card)
			}))
			.sort((a, b) => Number(b.likely) - Number(a.likely) || a.name.localeCompare(b.name));
	}

	#fill(connection: Connection): void {
		this.connection = connection;
		Object.assign(this, formOf(connection));
		this.nameMissing = false;
		this.problems = [];
	}

	/**
	 * Keeps the open page on the stored person when something else writes them ("Put mine back",
	 * or another device's edit that sync brings in): the new values show at once, and a field
	 * being typed in keeps what was typed. Returns how to stop.
	 */
	follow(): () => void {
		return onStored((written) => {
			const shown = this.connection;
			if (!shown || this.saving) return;
			if (written.some(({ store, recordId }) => store === 'connections' && recordId === shown.id)) {
				void this.#refill(shown);
			}
		});
	}

	async #refill(shown: Connection): Promise<void> {
		let stored: Connection | null;
		try {
			stored = await connectionRepository(await app.database()).get(shown.id);
		} catch {
			return;
		}
		if (!stored || this.connection !== shown) return;
		const before = formOf(shown);
		const after = formOf(stored);
		this.connection = stored;
		for (const field of formFields) {
			if (field === 'channels') {
				if (JSON.stringify(this.channels) === JSON.stringify(before.channels)) {
					this.channels = after.channels;
				}
			} else if (this[field] === before[field]) {
				this[field] = after[field];
			}
		}
	}

	addChannel(kind: ChannelKind = 'phone'): void {
		this.channels.push({ kind, value: '', label: '' });
	}

	removeChannel(index: number): void {
		this.channels.splice(index, 1);
		this.problems.splice(index, 1);
	}

	async save(at = nowIso()): Promise<SaveStatus> {
		const connection = this.connection;
		if (!connection) return null;
		const check = checkChannels(this.channels);
		const name = this.name.trim().slice(0, CARD_TEXT_MAX.name);
		this.nameMissing = name === '';
		this.problems = check.ok ? [] : check.problems;
		if (!check.ok || this.nameMissing) {
			this.status = 'invalid';
			return this.status;
		}
		const optional = (field: 'altName' | 'title' | 'company', value: string) => {
			const text = value.trim().slice(0, CARD_TEXT_MAX[field]);
			return text ? { [field]: text } : {};
		};
		this.saving = true;
		try {
			const db = await app.database();
			const saved = await connectionRepository(db).save({
				...connection,
				note: this.note.trim() || undefined,
				talkPhrase: this.talkPhrase.trim() || undefined,
				tags: parseTags(this.tags),
				card: {
					name,
					...optional('altName', this.altName),
					...optional('title', this.title),
					...optional('company', this.company),
					channels: check.channels
				},
				updatedAt: at
			});
			this.#fill(saved);
			this.status = 'saved';
		} catch {
			this.status = 'failed';
		}
		this.saving = false;
		return this.status;
	}

	/** "I reached out": counts as contact today, as a done follow-up does. */
	async markReachedOut(at = nowIso()): Promise<void> {
		const connection = this.connection;
		if (!connection) return;
		try {
			const db = await app.database();
			const saved = await connectionRepository(db).save({
				...connection,
				lastContactedAt: at,
				updatedAt: at
			});
			this.connection = saved;
			this.reachedOut = 'done';
		} catch {
			this.reachedOut = 'failed';
		}
	}

	/**
	 * Folds `otherId` into the person on screen in one transaction: the other becomes a tombstone
	 * (so sync carries it) and their follow-ups move over, one per kind and cycle.
	 */
	async merge(otherId: string, at = nowIso()): Promise<void> {
		const keep = this.connection;
		if (!keep) return;
		try {
			const db = await app.database();
			const other = await connectionRepository(db).get(otherId);
			if (!other) throw new Error('gone');
			const followUps = followUpRepository(db);
			const [keepFollowUps, otherFollowUps] = await Promise.all([
				followUps.listForConnection(keep.id),
				followUps.listForConnection(other.id)
			]);
			const plan = mergePeople(keep, other, keepFollowUps, otherFollowUps, at);
			await applyQueueChange(db, plan.after);
			this.merged = { before: plan.before, otherName: personName(other.card) };
			this.#fill(plan.after.connections[0] ?? keep);
			this.mergeStatus = 'merged';
			await this.#loadCandidates();
		} catch {
			this.mergeStatus = 'failed';
		}
	}

	/** Puts back both people and their follow-ups exactly as they were, as a newer change. */
	async undoMerge(at = nowIso()): Promise<void> {
		const merged = this.merged;
		if (!merged) return;
		try {
			const db = await app.database();
			const restored = restamp(merged.before, at);
			await applyQueueChange(db, restored);
			const mine = restored.connections.find(({ id }) => id === this.connection?.id);
			if (mine) this.#fill(mine);
			this.merged = null;
			this.mergeStatus = 'undone';
			await this.#loadCandidates();
		} catch {
			this.mergeStatus = 'failed';
		}
	}

	/** Soft delete: the record stays (with `deletedAt`) so sync can tell other devices. */
	async remove(at = nowIso()): Promise<boolean> {
		const connection = this.connection;
		if (!connection) return false;
		try {
			const db = await app.database();
			const removed = await connectionRepository(db).softDelete(connection.id, at);
			// The photo of their paper card was only ever on this device: it goes with them.
			if (removed) await paperCardPhotoRepository(db).delete(connection.id);
			return removed;
		} catch {
			this.status = 'failed';
			return false;
		}
	}
}
