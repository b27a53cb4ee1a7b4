import { describe, expect, it } from 'vitest';
import { nextSendReturn, type SendReturn, type SendReturnSignal } from './sendReturn';

const run = (signals: SendReturnSignal[], from: SendReturn = 'idle') =>
	signals.reduce(nextSendReturn, from);

describe('the question after a send link', () => {
	it('is asked when the page comes back after a send link took it away', () => {
		expect(run(['opened', 'hidden', 'visible'])).toBe('asking');
	});

	it('is not asked when the page never went away, or went away without a send link', () => {
		expect(run(['opened'])).toBe('opened');
		expect(run(['hidden', 'visible'])).toBe('idle');
		expect(run(['visible', 'hidden', 'visible'])).toBe('idle');
	});

	it('is asked once: answered, it stays quiet on the next return', () => {
		expect(run(['opened', 'hidden', 'visible', 'answered', 'hidden', 'visible'])).toBe('idle');
		expect(run(['opened', 'hidden', 'visible', 'hidden', 'visible'])).toBe('asking');
	});

	it('keeps the question on screen when another link is used before answering', () => {
		expect(run(['opened'], 'asking')).toBe('asking');
	});

	it('asks again after another send link', () => {
		expect(run(['opened', 'hidden', 'visible', 'answered', 'opened', 'hidden', 'visible'])).toBe(
			'asking'
		);
	});
});
