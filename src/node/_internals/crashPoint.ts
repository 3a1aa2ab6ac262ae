/**
 * Crash points for the kill-at-every-write tests: with `PRIVKIT_TEST_CRASH_AT=<n>` in the environment,
 * the process SIGKILLs itself at the n-th crash point it passes (1-based), as a power cut or `kill -9`
 * would stop it there; `PRIVKIT_TEST_CRASH_LOG=1` prints each point's name on stderr instead (to count
 * them). Without these variables a crash point does nothing. Node only.
 */
let passed = 0;

/**
 * Marks a point between two writes of an atomic update.
 * @param name - what was just written or renamed (for the log).
 */
export function crashPoint(name: string): void {
  const at = process.env.PRIVKIT_TEST_CRASH_AT;
  if (process.env.PRIVKIT_TEST_CRASH_LOG === '1') process.stderr.write(`crash point ${passed + 1}: ${name}\n`);
  passed++;
  if (at !== undefined && Number(at) === passed) process.kill(process.pid, 'SIGKILL');
}
