/**
 * vitest runs test files in child processes. If vitest itself is killed (SIGKILL), such a worker
 * can hang on as an orphan, and with it a DynamoDB Local its tests started. So a worker ends as
 * soon as its channel to vitest closes; the orphan guard then ends its Java processes.
 * Registered once per worker, although every test file runs this set-up.
 */
const registered = Symbol.for('exit-with-vitest');
const worker = globalThis as { [registered]?: true };

if (process.connected && !worker[registered]) {
  worker[registered] = true;
  // SIGKILL, not process.exit (vitest replaces it while tests run) nor SIGTERM (Playwright
  // handles that one and waits on a process.exit that never comes). Chromium exits when its pipe
  // to us closes.
  process.once('disconnect', () => process.kill(process.pid, 'SIGKILL'));
}
