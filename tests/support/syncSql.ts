import type pg from 'pg';

// sync_push and sync_pull called as the app calls them through PostgREST: one transaction per
// request, running as `authenticated` with the user's claims. For the SQL suites that drive the
// RPCs over several connections or databases.

export type Row = Record<string, unknown>;
export type SyncTable = 'profiles' | 'events' | 'connections' | 'follow_ups';

export interface Change {
	table: SyncTable;
	op: 'upsert' | 'delete';
	row: Row;
}

export interface PushResult {
	index: number;
	table: string | null;
	id: string | null;
	status: 'applied' | 'stale' | 'deferred' | 'rejected';
	code?: string;
	message?: string;
	row?: Row;
}

export interface PullPage {
	changes: { table: SyncTable; row: Row }[];
	cursor: string | null;
	more: boolean;
}

/** Opens a transaction on `client` that runs as `userId`, as PostgREST opens each request. */
export async function beginAs(client: pg.Client, userId: string): Promise<void> {
	await client.query('begin');
	await client.query('set local role authenticated');
	await client.query("select set_config('request.jwt.claims', $1, true)", [
		JSON.stringify({ sub: userId, role: 'authenticated', is_anonymous: true })
	]);
}

/** sync_push inside a transaction already opened with `beginAs`. */
export async function pushIn(client: pg.Client, changes: Change[]): Promise<PushResult[]> {
	const { rows } = await client.query<{ result: { results: PushResult[] } }>(
		'select public.sync_push($1) as result',
		[JSON.stringify(changes)]
	);
	const result = rows[0]?.result;
	if (!result) throw new Error('sync_push returned nothing');
	return result.results;
}

/** One request: a committed push. */
export async function pushAs(
	client: pg.Client,
	userId: string,
	changes: Change[]
): Promise<PushResult[]> {
	await beginAs(client, userId);
	try {
		const results = await pushIn(client, changes);
		await client.query('commit');
		return results;
	} catch (error) {
		await client.query('rollback');
		throw error;
	}
}

/** One request: a page of sync_pull. */
export async function pullAs(
	client: pg.Client,
	userId: string,
	cursor: string | null,
	pageSize = 500
): Promise<PullPage> {
	await beginAs(client, userId);
	try {
		const { rows } = await client.query<{ page: PullPage }>(
			'select public.sync_pull($1, $2) as page',
			[cursor, pageSize]
		);
		const page = rows[0]?.page;
		if (!page) throw new Error('sync_pull returned nothing');
		return page;
	} finally {
		await client.query('commit');
	}
}

/** Pulls page after page while `more` says so, as the sync engine does. */
export async function pullAllAs(
	client: pg.Client,
	userId: string,
	cursor: string | null,
	pageSize = 500
): Promise<{ changes: PullPage['changes']; cursor: string | null; pages: number }> {
	const changes: PullPage['changes'] = [];
	let pages = 0;
	for (;;) {
		const page = await pullAs(client, userId, cursor, pageSize);
		pages++;
		changes.push(...page.changes);
		cursor = page.cursor;
		if (!page.more) return { changes, cursor, pages };
	}
}
