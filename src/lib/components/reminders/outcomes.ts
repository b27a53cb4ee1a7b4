import { m } from '$lib/paraglide/messages';
import type { RemindersOutcome } from '$lib/domain/reminders/outcomes';

// What each reminders action came to, as the sentence the person reads.

const sentences: Record<RemindersOutcome, () => string> = {
	turned_on: m.reminders_turned_on,
	turned_off: m.reminders_turned_off,
	test_sent: m.reminders_test_sent,
	failed_permission: m.reminders_failed_permission,
	failed_subscribe: m.reminders_failed_subscribe,
	failed_network: m.reminders_failed_network,
	failed: m.reminders_failed,
	test_failed_no_subscription: m.reminders_test_failed_no_subscription,
	test_failed_push: m.reminders_test_failed_push,
	test_failed: m.reminders_test_failed
};

export function outcomeText(outcome: RemindersOutcome): string {
	return sentences[outcome]();
}

export function outcomeFailed(outcome: RemindersOutcome): boolean {
	return outcome.startsWith('failed') || outcome.startsWith('test_failed');
}
