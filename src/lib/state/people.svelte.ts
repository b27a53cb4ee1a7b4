import { connectionRepository } from '$lib/data/connections';
import { eventRepository } from '$lib/data/events';
import type { ChannelKind } from '$lib/domain/card';
import type { Connection } from '$lib/domain/records';
import { app } from './app.svelte';
import {
	checkChannels,
	nowIso,
	parseTags,
	peopleRows,
	searchPeople,
	toDrafts,
	type ChannelDraft,
	type ChannelProblem,
	type PersonRow
} from './peopleSearch';

export * from './peopleSearch';

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
}

export type SaveStatus = 'saved' | 'invalid' | 'failed' | null;

/** One person's page: what is being typed lives here, so a refused save loses nothing. */
export class PersonEditor {
	connection = $state<Connection | null>(null);
	eventName = $state<string | undefined>(undefined);
	loaded = $state(false);
	note = $state('');
	tags = $state('');
	channels = $state<ChannelDraft[]>([]);
	problems = $state<(ChannelProblem | null)[]>([]);
	status = $state<SaveStatus>(null);
	saving = $state(false);

	async load(id: string): Promise<void> {
		try {
			const db = await app.database();
			const connection = await connectionRepository(db).get(id);
			if (connection) {
				this.eventName = connection.eventId
					? (await eventRepository(db).names()).get(connection.eventId)
					: undefined;
				this.#fill(connection);
			}
		} catch {
			this.connection = null;
		}
		this.loaded = true;
	}

	#fill(connection: Connection): void {
		this.connection = connection;
		this.note = connection.note ?? '';
		this.tags = connection.tags.join(', ');
		this.channels = toDrafts(connection.card.channels);
		this.problems = [];
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
		if (!check.ok) {
			this.problems = check.problems;
			this.status = 'invalid';
			return this.status;
		}
		this.problems = [];
		this.saving = true;
		try {
			const db = await app.database();
			const saved = await connectionRepository(db).save({
				...connection,
				note: this.note.trim() || undefined,
				tags: parseTags(this.tags),
				card: { ...connection.card, channels: check.channels },
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

	/** Soft delete: the record stays (with `deletedAt`) so sync can tell other devices. */
	async remove(at = nowIso()): Promise<boolean> {
		const connection = this.connection;
		if (!connection) return false;
		try {
			const db = await app.database();
			const removed = await connectionRepository(db).softDelete(connection.id, at);
			await app.refresh();
			return removed;
		} catch {
			this.status = 'failed';
			return false;
		}
	}
}
