// The card codec: the QR link, vCard and MECARD, profile links, and what is safe to show of
// anything scanned. Pure TypeScript; the payload format is described in payload.ts.
export {
	CARD_TEXT_MAX,
	CHANNELS_MAX,
	channelKinds,
	LABEL_MAX,
	normalizeCard,
	normalizeChannel,
	readCard,
	OTHER_VALUE_MAX,
	SCAN_TEXT_MAX,
	type Card,
	type Channel,
	type ChannelKind,
	type ScanFailure,
	type ScanFormat,
	type ScanResult
} from './card';
export { cardSchema, channelSchema } from './schema';
export { decodeCardFragment } from './payload';
export { encodeCardUrl } from './payloadEncode';
export { otherCodeKind, type OtherCode } from './otherCodes';
export { qrVersionFor } from './qr';
export { referenceCard, referenceOrigin } from './reference';
export { isSafeUrl, safeHref } from './safety';
export { parseScan } from './scan';
export { toVCard } from './vcard';
