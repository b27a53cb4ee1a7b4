import type { Channel } from './card';
import { LINE_TOKEN, parseWebUrl } from './profileUrls';

// Apart from the profile links: only scanning reads these, and the card page a guest opens loads
// the profile links to check each channel, not this.

/**
 * A WhatsApp or WeChat contact link (the QR those apps show for "add me"). The card has no field
 * of its own for them, so the link is kept as an "other" channel named after the app: shown as
 * a link the person may tap, never opened by itself.
 */
export function messengerFromUrl(raw: string): Channel | null {
	const url = parseWebUrl(raw);
	if (url === null) return null;
	const host = url.hostname;
	const segments = url.pathname.split('/').filter(Boolean);
	const [first = '', second = ''] = segments;
	if (host === 'wa.me') {
		if (segments.length === 1 && /^[0-9]{6,15}$/.test(first)) {
			return { kind: 'other', value: `https://wa.me/${first}`, label: 'WhatsApp' };
		}
		return segments.length === 2 && first === 'message' && LINE_TOKEN.test(second)
			? { kind: 'other', value: `https://wa.me/message/${second}`, label: 'WhatsApp' }
			: null;
	}
	if (host === 'api.whatsapp.com' && first === 'send') {
		// A '+' in a query string reads back as a space.
		const phone = (url.searchParams.get('phone') ?? '').trim().replace(/^\+/, '');
		return /^[0-9]{6,15}$/.test(phone)
			? { kind: 'other', value: `https://wa.me/${phone}`, label: 'WhatsApp' }
			: null;
	}
	if (host === 'u.wechat.com' && segments.length === 1 && LINE_TOKEN.test(first)) {
		return { kind: 'other', value: `https://u.wechat.com/${first}`, label: 'WeChat' };
	}
	if (
		host === 'weixin.qq.com' &&
		first === 'r' &&
		segments.length === 2 &&
		LINE_TOKEN.test(second)
	) {
		return { kind: 'other', value: `https://weixin.qq.com/r/${second}`, label: 'WeChat' };
	}
	return null;
}
