import { channelKinds, normalizeCard, readCard, type Card, type Channel } from './card';
import { checkDigits, classAt, CLASSES, PREFIXES, radixOf, toDigits, VERSION } from './payload';

// Writing the card link (the format is described in payload.ts, which reads it). Kept apart from
// reading: a guest's card page only ever reads a link, so it does not load the encoder.

class SymbolWriter {
	private readonly symbols: [value: number, radix: number][] = [];

	write(value: number, radix: number): void {
		this.symbols.push([value, radix]);
	}

	toBigInt(): bigint {
		let number = 0n;
		for (let i = this.symbols.length - 1; i >= 0; i--) {
			const [value, radix] = this.symbols[i]!;
			number = number * BigInt(radix) + BigInt(value);
		}
		return number;
	}
}

function writeLength(writer: SymbolWriter, length: number): void {
	if (length < 31) {
		writer.write(length, 32);
	} else {
		writer.write(31, 32);
		writer.write(length - 31, 1024);
	}
}

/** The class of every character on the cheapest path, by dynamic programming over classes. */
function cheapestClasses(codePoints: readonly number[]): number[] {
	const bits = CLASSES.map((_, state) => Math.log2(radixOf(state)));
	let costs = CLASSES.map((charClass, state) =>
		charClass.indexOf(codePoints[0] ?? 0) < 0 ? Infinity : (bits[state] ?? 0)
	);
	const back: number[][] = [];
	for (const codePoint of codePoints.slice(1)) {
		const from: number[] = [];
		costs = CLASSES.map((charClass, state) => {
			from[state] = state;
			if (charClass.indexOf(codePoint) < 0) return Infinity;
			let best = (costs[state] ?? Infinity) + (bits[state] ?? 0);
			costs.forEach((previous, previousState) => {
				const viaSwitch = previous + (bits[previousState] ?? 0) + Math.log2(charClass.size);
				if (previousState !== state && viaSwitch < best) {
					best = viaSwitch;
					from[state] = previousState;
				}
			});
			return best;
		});
		back.push(from);
	}
	let state = costs.indexOf(Math.min(...costs));
	const path = [state];
	for (let i = back.length - 1; i >= 0; i--) {
		state = back[i]?.[state] ?? state;
		path.unshift(state);
	}
	return path;
}

function writeText(writer: SymbolWriter, text: string): void {
	const codePoints = Array.from(text, (character) => character.codePointAt(0) ?? 0);
	writeLength(writer, codePoints.length);
	if (codePoints.length === 0) return;
	const path = cheapestClasses(codePoints);
	let state = path[0] ?? 0;
	writer.write(state, CLASSES.length);
	codePoints.forEach((codePoint, i) => {
		const next = path[i] ?? state;
		if (next !== state) {
			const switchIndex = next < state ? next : next - 1;
			writer.write(classAt(state).size + switchIndex, radixOf(state));
			writer.write(classAt(next).indexOf(codePoint), classAt(next).size);
			state = next;
		} else {
			writer.write(classAt(state).indexOf(codePoint), radixOf(state));
		}
	});
}

function writeChannel(writer: SymbolWriter, channel: Channel): void {
	writer.write(channelKinds.indexOf(channel.kind) + 1, channelKinds.length + 1);
	writer.write(channel.label === undefined ? 0 : 1, 2);
	if (channel.kind === 'phone') {
		const digits = channel.value.replace(/^\+/, '');
		writer.write(channel.value.startsWith('+') ? 1 : 0, 2);
		writer.write(digits.length, 21);
		for (const digit of digits) writer.write(Number(digit), 10);
	} else {
		const prefixes = PREFIXES[channel.kind];
		const form = prefixes.findIndex((prefix) => channel.value.startsWith(prefix));
		const chosen = form < 0 ? prefixes.length : form;
		writer.write(chosen, prefixes.length + 1);
		writeText(writer, channel.value.slice(prefixes[chosen]?.length ?? 0));
	}
	if (channel.label !== undefined) writeText(writer, channel.label);
}

/** The fragment for a card that is already valid (see `encodeCardUrl`). */
function encodePayload(card: Card): string {
	const writer = new SymbolWriter();
	const optional = [card.altName, card.title, card.company];
	for (const field of optional) writer.write(field === undefined ? 0 : 1, 2);
	writeText(writer, card.name);
	for (const field of optional) if (field !== undefined) writeText(writer, field);
	for (const channel of card.channels) writeChannel(writer, channel);
	writer.write(0, channelKinds.length + 1);
	const versioned = VERSION + toDigits(writer.toBigInt());
	return versioned + checkDigits(versioned);
}

/**
 * The link a QR shows: `<origin>/c#<payload>`. The card is normalised first; it throws when the
 * card is still not valid (no name and no channel, a phone with letters, …), because such a link
 * would only open as broken on the other phone.
 */
export function encodeCardUrl(card: Card, origin: string): string {
	const valid = readCard(normalizeCard(card));
	if (valid === null) throw new Error('Not a valid card: it needs a name or a usable channel');
	return `${origin.replace(/\/+$/, '')}/c#${encodePayload(valid)}`;
}
