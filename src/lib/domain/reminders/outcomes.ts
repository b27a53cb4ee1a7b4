// What the reminders switch and the server said, as Settings shows it.

/** What the last action came to, for the screen to say in a sentence. */
export type RemindersOutcome =
	| 'turned_on'
	| 'turned_off'
	| 'test_sent'
	| 'failed_permission'
	| 'failed_subscribe'
	| 'failed_network'
	| 'failed'
	| 'test_failed_no_subscription'
	| 'test_failed_push'
	| 'test_failed';

export interface ReminderStatus {
	/** The server holds this device's subscription for the signed-in account. */
	subscribed: boolean;
	/** The last reminder (or test reminder) the push service accepted. */
	lastSentAt: string | null;
	lastError: string | null;
}
