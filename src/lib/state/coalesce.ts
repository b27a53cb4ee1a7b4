/**
 * Runs `work` on request, one run at a time: requests that arrive during a run make one more run,
 * not one each. Writes come in bursts (a keep writes a person and a follow-up; a pull arrives page
 * by page), and one read catches up on all of them. `settled` resolves once no run is pending.
 */
export function coalesce(work: () => Promise<void>) {
	let running: Promise<void> | null = null;
	let again = false;
	return {
		request(): void {
			if (running) {
				again = true;
				return;
			}
			running = (async () => {
				do {
					again = false;
					await work().catch(() => undefined);
				} while (again);
				running = null;
			})();
		},
		settled(): Promise<void> {
			return running ?? Promise.resolve();
		}
	};
}
