/**
 * Where the CLI writes. Injected so that tests can run the CLI in-process and capture its output.
 */

/**
 * The CLI's output streams. Each call receives a complete chunk, newlines included, exactly as it
 * would be written to `process.stdout` / `process.stderr`.
 *
 * @example
 * ```ts
 * let out = '';
 * const io: CliIo = { stdout: (s) => { out += s; }, stderr: () => {} };
 * ```
 */
export interface CliIo {
  /** Receives everything meant for standard output (results, `--help`, `--version`). */
  readonly stdout: (chunk: string) => void;
  /** Receives everything meant for standard error (one line per failed run; progress of `train`). */
  readonly stderr: (chunk: string) => void;
  /**
   * The terminal behind {@link stderr}, when it is one: its width in columns. Only then does a long
   * command (`train`) draw a progress bar (written through {@link stderr}); otherwise it prints plain
   * progress lines. @defaultValue undefined (not a terminal)
   */
  readonly stderrTerminal?: { readonly columns: number };
}

/**
 * The process's own streams.
 *
 * @example
 * ```ts
 * await run(process.argv.slice(2), processIo);
 * ```
 */
export const processIo: CliIo = Object.freeze({
  stdout: (chunk: string) => {
    process.stdout.write(chunk);
  },
  stderr: (chunk: string) => {
    process.stderr.write(chunk);
  },
  get stderrTerminal() {
    return process.stderr.isTTY ? { columns: process.stderr.columns ?? 80 } : undefined;
  },
});
