import { mergeCards } from '../people';
import type {
	Connection,
	EventRecord,
	FollowUp,
	Profile,
	PromptState,
	Settings,
	StoredCard
} from '../records';
import { settingsSchema } from '../records';
import { cardIdentities, findSamePerson } from '../samePerson';
import type { OpenerEdits, PortableSettings } from './backup';

// How a backup merges into what the device holds. Nothing on the device is lost: a record is
// only replaced by a strictly newer copy (last writer wins on `updatedAt`, as sync does), a
// record the device cannot read is left alone, and a person already saved under another id
// (the duplicates rule) keeps that id. Restoring the same file twice writes nothing the second
// time, because every decision compares with what the first restore wrote.

/** What the device holds of one record, as stored (the record itself may be damaged). */
export interface Present {
	updatedAt: unknown;
}

const loose = (text: string | undefined) =>
	(text ?? '').normalize('NFKC').replace(/\s+/g, '').toLowerCase();

/**
 * The duplicates rule (`findSamePerson`) over many people at once. The rule compares one card
 * with everyone; for thousands of people in a file against thousands on the device, an index
 * first picks the few who could match (an identity in common, or a name at a company, spelled
 * loosely enough to be a superset), and the rule itself decides among them.
 */
export function samePersonFinder(
	people: Connection[]
): (card: StoredCard) => Connection | undefined {
	const index = new Map<string, number[]>();
	const add = (key: string, position: number) => {
		const list = index.get(key);
		if (list) list.push(position);
		else index.set(key, [position]);
	};
	const keysOf = (card: StoredCard) => {
		const keys = [...cardIdentities(card)].map((identity) => `id:${identity}`);
		const company = loose(card.company);
		if (company) {
			for (const name of [card.name, card.altName]) {
				if (loose(name)) keys.push(`nc:${loose(name)}|${company}`);
			}
		}
		return keys;
	};
	people.forEach((person, position) => {
		for (const key of keysOf(person.card)) add(key, position);
	});
	return (card) => {
		const positions = new Set(keysOf(card).flatMap((key) => index.get(key) ?? []));
		if (positions.size === 0) return undefined;
		const candidates = [...positions].sort((a, b) => a - b).map((position) => people[position]!);
		return findSamePerson(card, candidates);
	};
}

export interface DeviceState {
	profile: Present | null;
	events: Map<string, Present>;
	connections: Map<string, Present>;
	/** The readable, not deleted connections: who a person in the file may already be. */
	people: Connection[];
	followUps: Map<string, Present & { key: string | null }>;
}

export type Outcome = 'added' | 'updated' | 'kept';

export interface Decision<T> {
	outcome: Outcome;
	/** What to write; absent when the device keeps its own copy. */
	write?: T;
}

export const followUpKey = (followUp: Pick<FollowUp, 'connectionId' | 'kind' | 'cycle'>) =>
	`${followUp.connectionId}|${followUp.kind}|${followUp.cycle}`;

function time(value: unknown): number | null {
	if (typeof value !== 'string') return null;
	const ms = Date.parse(value);
	return Number.isNaN(ms) ? null : ms;
}

/** A copy from the file replaces the device's only when strictly newer and the device's is readable. */
function fileWins(fileUpdatedAt: string, present: Present): boolean {
	const device = time(present.updatedAt);
	const file = time(fileUpdatedAt);
	return device !== null && file !== null && file > device;
}

export interface Tally {
	added: number;
	updated: number;
	kept: number;
}

export const emptyTally = (): Tally => ({ added: 0, updated: 0, kept: 0 });

/**
 * Decides, record by record, what a restore writes. Feed it the profile, then events, then
 * connections, then follow-ups (follow-ups follow their person when that person was already
 * here under another id). It remembers its own decisions, so chunks can be written as they come.
 */
export class RestoreMerger {
	readonly tally: Record<'profile' | 'events' | 'connections' | 'followUps', Tally> = {
		profile: emptyTally(),
		events: emptyTally(),
		connections: emptyTally(),
		followUps: emptyTally()
	};
	/** File connection id → the id of the same person already on the device. */
	readonly #samePersonIds = new Map<string, string>();
	readonly #followUpKeys = new Map<string, string>();
	readonly #device: DeviceState;
	readonly #samePerson: (card: StoredCard) => Connection | undefined;

	constructor(device: DeviceState) {
		this.#device = device;
		this.#samePerson = samePersonFinder(device.people);
		for (const [id, present] of device.followUps) {
			if (present.key) this.#followUpKeys.set(present.key, id);
		}
	}

	#count<T>(tally: Tally, decision: Decision<T>): Decision<T> {
		tally[decision.outcome]++;
		return decision;
	}

	profile(profile: Profile): Decision<Profile> {
		const present = this.#device.profile;
		let decision: Decision<Profile>;
		if (!present) decision = { outcome: 'added', write: profile };
		else if (fileWins(profile.updatedAt, present))
			decision = { outcome: 'updated', write: profile };
		else decision = { outcome: 'kept' };
		if (decision.write) this.#device.profile = { updatedAt: profile.updatedAt };
		return this.#count(this.tally.profile, decision);
	}

	event(event: EventRecord): Decision<EventRecord> {
		return this.#count(this.tally.events, this.#byId(this.#device.events, event));
	}

	connection(connection: Connection): Decision<Connection> {
		const decision = this.#device.connections.has(connection.id)
			? this.#byId(this.#device.connections, connection)
			: this.#newConnection(connection);
		return this.#count(this.tally.connections, decision);
	}

	#newConnection(connection: Connection): Decision<Connection> {
		const same = this.#samePerson(connection.card);
		if (!same) {
			this.#device.connections.set(connection.id, { updatedAt: connection.updatedAt });
			return { outcome: 'added', write: connection };
		}
		this.#samePersonIds.set(connection.id, same.id);
		const present = this.#device.connections.get(same.id) ?? { updatedAt: same.updatedAt };
		if (!fileWins(connection.updatedAt, present)) return { outcome: 'kept' };
		// Newer fields from the file, and every channel either copy knows.
		const merged = { ...connection, id: same.id, card: mergeCards(same.card, connection.card) };
		this.#device.connections.set(same.id, { updatedAt: merged.updatedAt });
		return { outcome: 'updated', write: merged };
	}

	/**
	 * A follow-up of a person the device has neither in the file nor on it has nobody to follow
	 * up with: it is not restored (null), and the caller lists it as damaged.
	 */
	followUp(
		followUp: FollowUp,
		knownConnection: (id: string) => boolean
	): Decision<FollowUp> | null {
		const connectionId = this.#samePersonIds.get(followUp.connectionId) ?? followUp.connectionId;
		if (!knownConnection(connectionId) && !this.#device.connections.has(connectionId)) return null;
		const record = { ...followUp, connectionId };
		const key = followUpKey(record);
		const byKey = this.#followUpKeys.get(key);
		const present = this.#device.followUps.get(record.id);
		let decision: Decision<FollowUp>;
		if (present) {
			// The same follow-up, unless another one already holds its (person, kind, round).
			const free = byKey === undefined || byKey === record.id;
			decision =
				free && fileWins(record.updatedAt, present)
					? { outcome: 'updated', write: record }
					: { outcome: 'kept' };
		} else if (byKey !== undefined) {
			// Scheduled on both devices for the same round: one follow-up, under the device's id.
			const existing = this.#device.followUps.get(byKey);
			decision =
				existing && fileWins(record.updatedAt, existing)
					? { outcome: 'updated', write: { ...record, id: byKey } }
					: { outcome: 'kept' };
		} else {
			decision = { outcome: 'added', write: record };
		}
		if (decision.write) {
			const written = decision.write;
			if (present?.key && present.key !== key) this.#followUpKeys.delete(present.key);
			this.#device.followUps.set(written.id, { updatedAt: written.updatedAt, key });
			this.#followUpKeys.set(key, written.id);
		}
		return this.#count(this.tally.followUps, decision);
	}

	#byId<T extends { id: string; updatedAt: string }>(
		map: Map<string, Present>,
		record: T
	): Decision<T> {
		const present = map.get(record.id);
		let decision: Decision<T>;
		if (!present) decision = { outcome: 'added', write: record };
		else if (fileWins(record.updatedAt, present)) decision = { outcome: 'updated', write: record };
		else decision = { outcome: 'kept' };
		if (decision.write) map.set(record.id, { updatedAt: record.updatedAt });
		return decision;
	}
}

/**
 * The file's settings where the device still has the default (it cannot tell "never set" from
 * "set to the default", and the default is the safer one to give up); the device's own choices stay.
 */
export function mergeSettings(
	device: Settings,
	file: Partial<PortableSettings>
): Partial<PortableSettings> {
	const defaults: Partial<Record<string, unknown>> = settingsSchema.parse({});
	const current: Partial<Record<string, unknown>> = device;
	return Object.fromEntries(Object.entries(file).filter(([key]) => current[key] === defaults[key]));
}

/** Favourites are joined; prompts prepared for an event and the last "this worked" are kept. */
export function mergePromptState(device: PromptState, file: PromptState): PromptState {
	return {
		favourites: [...new Set([...device.favourites, ...file.favourites])],
		...(device.worked ? { worked: device.worked } : file.worked ? { worked: file.worked } : {}),
		prepared: { ...file.prepared, ...device.prepared }
	};
}

/** An opener the person rewrote on this device stays; languages only the file has are added. */
export function mergeOpeners(
	device: Record<string, OpenerEdits>,
	file: Record<string, OpenerEdits>
): Record<string, OpenerEdits> {
	return { ...file, ...device };
}
