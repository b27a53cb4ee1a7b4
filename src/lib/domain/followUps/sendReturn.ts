/*
 * A send link (LINE, mail, SMS…) hands the draft to another app, and Rapport cannot see whether
 * the message went out. When the person comes back to the page after such a link took them away,
 * it asks once: "sent? mark as done". Nothing is asked when the page never went away, and once the
 * question is answered (either way) it stays quiet until another send link is used.
 */

export type SendReturn =
	/** Nothing to ask. */
	| 'idle'
	/** A send link was used; the page has not gone away yet. */
	| 'opened'
	/** The page went away after a send link. */
	| 'away'
	/** Back after a send link: the question is on screen. */
	| 'asking';

export type SendReturnSignal = 'opened' | 'hidden' | 'visible' | 'answered';

export function nextSendReturn(state: SendReturn, signal: SendReturnSignal): SendReturn {
	switch (signal) {
		case 'opened':
			return state === 'asking' ? 'asking' : 'opened';
		case 'hidden':
			return state === 'opened' ? 'away' : state;
		case 'visible':
			return state === 'away' ? 'asking' : state;
		case 'answered':
			return 'idle';
	}
}
