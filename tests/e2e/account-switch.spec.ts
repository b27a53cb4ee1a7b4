// A shared tablet: Alice syncs there, keeps one more contact with a private note, signs out
// keeping her copy; Bob signs in on the same tablet. Nothing of Alice's may reach Bob's account
// by itself and Bob's card stays his: the tablet shows what it holds and lets the person keep
// it on the device only, erase it, or add it to Bob's account on purpose. Runs against a
// throwaway PostgreSQL behind the test gateway, where this build's sync settings point.
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { eventually, t } from '../support/browser';
import { axeViolations, readStore } from '../support/card';
import { useSyncWorld } from '../support/syncJourney';

const locale = 'zh-TW';
const alice = { name: '陳怡君', email: 'alice@example.test' };
const bob = { name: '王大明', email: 'bob@example.test' };
const privateNote = '心理師，不要告訴別人';
// Three devices and two accounts per test: longer than one page's journey, even on a busy machine.
const SHARED_DEVICE_JOURNEY_MS = 120_000;

const { world, ...journey } = useSyncWorld(locale);

const device = async (): Promise<Page> => (await world.device()).page;

/** What the server holds for the account with this email. */
async function account(email: string) {
	const { rows } = await world.stack.admin.query<{
		card: string | null;
		people: string[];
		notes: string[];
	}>(
		`select p.display_name as card,
			coalesce(array_agg(c.card ->> 'name' order by c.card ->> 'name')
				filter (where c.id is not null and c.deleted_at is null), '{}') as people,
			coalesce(array_agg(c.note) filter (where c.note is not null), '{}') as notes
		from auth.users u
		left join public.profiles p on p.owner_id = u.id
		left join public.connections c on c.owner_id = u.id
		where u.email = $1
		group by p.display_name`,
		[email]
	);
	return rows[0];
}

const peopleOn = async (page: Page) =>
	(await readStore(page, 'connections'))
		.filter((connection) => !connection.deletedAt)
		.map((connection) => (connection.card as { name: string }).name)
		.sort();

const cardOn = async (page: Page) =>
	((await readStore(page, 'profile'))[0] as { name?: string } | undefined)?.name;

async function waitForSwitchChoice(page: Page): Promise<void> {
	await page.getByTestId('sync-switch').waitFor();
	await expect
		.poll(() => page.getByTestId('sync-status').getAttribute('data-phase'), eventually)
		.toBe('account-changed');
}

describe('one device, two accounts', () => {
	test(
		'signing in to another account sends nothing until the person chooses, and keeping or erasing sends nothing ever',
		async () => {
			const bobsPhone = await device();
			await journey.saveCard(bobsPhone, bob.name);
			await journey.syncWithEmail(bobsPhone, bob.email);

			const tablet = await device();
			await journey.saveCard(tablet, alice.name);
			await journey.syncWithEmail(tablet, alice.email);
			await journey.keepPerson(tablet, '林諮商師', privateNote);
			await journey.syncedIdle(tablet);
			expect(await account(alice.email)).toEqual({
				card: alice.name,
				people: ['林諮商師'],
				notes: [privateNote]
			});

			await journey.signOut(tablet, 'keep');
			expect(await peopleOn(tablet)).toEqual(['林諮商師']);

			await journey.signIn(tablet, bob.email);
			await waitForSwitchChoice(tablet);
			const counts = tablet.getByTestId('sync-switch-counts');
			expect(await counts.innerText()).toContain(t(locale, 'sync_switch_card'));
			expect(await counts.innerText()).toContain(t(locale, 'sync_switch_people', { count: 1 }));
			// The line that greets the sign-in says nothing syncs yet, and no button pretends to sync.
			expect(await tablet.getByTestId('sync-done').innerText()).toBe(
				t(locale, 'sync_signin_choose', { email: bob.email })
			);
			expect(await tablet.getByTestId('sync-now').count()).toBe(0);
			expect(await axeViolations(tablet)).toEqual([]);
			// Give a careless engine every chance to push before looking at the server.
			await tablet.waitForTimeout(2_000);
			expect(await account(bob.email)).toEqual({ card: bob.name, people: [], notes: [] });

			await tablet.getByTestId('sync-switch-keep').click();
			await tablet.getByTestId('sync-off').waitFor();
			expect(await peopleOn(tablet)).toEqual(['林諮商師']);
			expect(await cardOn(tablet)).toBe(alice.name);
			expect(await account(bob.email)).toEqual({ card: bob.name, people: [], notes: [] });

			await journey.signIn(tablet, bob.email);
			await waitForSwitchChoice(tablet);
			await tablet.getByTestId('sync-switch-erase').click();
			// Erasing takes a second, explicit step, and "Back" returns to the choice.
			await tablet.getByTestId('sync-switch-confirm-step').waitFor();
			await tablet
				.getByTestId('sync-switch')
				.getByRole('button', { name: t(locale, 'sync_switch_back'), exact: true })
				.click();
			await tablet.getByTestId('sync-switch-erase').waitFor();
			await tablet.getByTestId('sync-switch-erase').click();
			await tablet.getByTestId('sync-switch-confirm').click();
			await expect
				.poll(() => tablet.getByTestId('sync-status').getAttribute('data-phase'), eventually)
				.toBe('idle');
			await expect.poll(() => cardOn(tablet), eventually).toBe(bob.name);
			expect(await peopleOn(tablet)).toEqual([]);
			expect(await account(bob.email)).toEqual({ card: bob.name, people: [], notes: [] });
			// Alice's own backup is untouched by what happened on the tablet.
			expect(await account(alice.email)).toEqual({
				card: alice.name,
				people: ['林諮商師'],
				notes: [privateNote]
			});

			// Bob leaves a shared device clean.
			await journey.signOut(tablet, 'erase');
			expect(await peopleOn(tablet)).toEqual([]);
			expect(await cardOn(tablet)).toBeUndefined();
		},
		SHARED_DEVICE_JOURNEY_MS
	);

	test(
		'adding the device’s data to the new account is explicit and never replaces its card',
		async () => {
			const carol = { name: '張雅婷', email: 'carol@example.test' };
			const dan = { name: '李建宏', email: 'dan@example.test' };
			const dansPhone = await device();
			await journey.saveCard(dansPhone, dan.name);
			await journey.syncWithEmail(dansPhone, dan.email);

			const laptop = await device();
			await journey.saveCard(laptop, carol.name);
			await journey.syncWithEmail(laptop, carol.email);
			await journey.keepPerson(laptop, '黃品妤', '一起辦讀書會');
			await journey.syncedIdle(laptop);
			await journey.signOut(laptop, 'keep');

			await journey.signIn(laptop, dan.email);
			await waitForSwitchChoice(laptop);
			await laptop.getByTestId('sync-switch-add').click();
			await laptop.getByTestId('sync-switch-confirm').click();
			await expect
				.poll(async () => (await account(dan.email))?.people, eventually)
				.toEqual(['黃品妤']);
			expect((await account(dan.email))?.card).toBe(dan.name);

			// Dan's phone pulls the person, and its card is still Dan's.
			await journey.syncedIdle(dansPhone);
			await expect.poll(() => peopleOn(dansPhone), eventually).toEqual(['黃品妤']);
			expect(await cardOn(dansPhone)).toBe(dan.name);
		},
		SHARED_DEVICE_JOURNEY_MS
	);
});
