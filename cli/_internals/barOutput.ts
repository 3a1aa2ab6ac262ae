/**
 * What a progress bar (npm `cli-progress`) may write to the CLI's stderr.
 */

/** DECSC / DECRC: save and restore the cursor position. */
const CURSOR_JUMPS = /\x1b[78]/g;

/**
 * A writer for a progress bar on a terminal that drops the bar's "save cursor" / "restore cursor"
 * sequences. cli-progress saves the cursor when the bar starts and jumps back there when it stops;
 * once anything else was printed, or the screen scrolled, that position is on another line, and the
 * next line written (the one-line error of a failed run) lands on top of old text and loses its first
 * bytes ("ivkit: …"). Without the jumps, the bar's final newline always leaves the cursor at the start
 * of a fresh line.
 * @param write - where the bar's output goes (the CLI's stderr).
 * @returns the filtering writer.
 * @example
 * ```ts
 * createFitProgress(barOutput((s) => io.stderr(s)), columns, options);
 * ```
 */
export function barOutput(write: (chunk: string) => void): (chunk: string) => void {
  return (chunk) => {
    const kept = chunk.replace(CURSOR_JUMPS, '');
    if (kept !== '') write(kept);
  };
}
