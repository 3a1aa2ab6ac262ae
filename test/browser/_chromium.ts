/**
 * Headless Chromium for the browser tests: Debian's `chromium` (`.ci/run` installs it where it is
 * missing; locally a test skips without it).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The path of `chromium` / `chromium-browser` on PATH, or null. */
export function findChromium(): string | null {
  for (const name of ['chromium', 'chromium-browser']) {
    const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
    if (r.status === 0 && r.stdout.trim() !== '') return r.stdout.trim();
  }
  return null;
}

/** What a headless run printed: the DOM (with `--dump-dom`), its exit status and the page's console lines. */
export interface BrowseResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly console: string[];
}

/**
 * Opens `url` in headless Chromium, asynchronously (so that a server in this process can answer it),
 * with a fresh profile; `args` are extra flags such as `--dump-dom`.
 */
export function browse(chromium: string, url: string, args: readonly string[], timeoutMs = 120_000): Promise<BrowseResult> {
  const profile = mkdtempSync(join(tmpdir(), 'privkit-chromium-'));
  return new Promise<BrowseResult>((resolve, reject) => {
    const child = spawn(chromium, ['--headless', '--no-sandbox', '--disable-gpu', '--enable-logging=stderr', '--v=0', `--user-data-dir=${profile}`, ...args, url], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      rmSync(profile, { recursive: true, force: true });
      // Chromium logs each console message of the page as "…:INFO:CONSOLE…] "message", source: …".
      resolve({ status, stdout, stderr, console: stderr.split('\n').filter((l) => /:CONSOLE[:(]/.test(l)) });
    });
  });
}
