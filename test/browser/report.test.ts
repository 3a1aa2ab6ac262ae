/**
 * The demo's report in a real browser: Debian's `chromium`, headless (`.ci/run` installs it where it
 * is missing; locally the test is skipped without it). The page must load with no console message at
 * all (it has no scripts, so any message — a CSP violation, a failed load — is a fault), show every
 * chart as an inline SVG, and fit the window without sideways scrolling. A screenshot is kept in
 * `.tmp/artifacts/report.png`, beside the page itself.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDemo } from '../../cli/demo/runDemo.js';

const ARTIFACTS = resolve('.tmp/artifacts');

function findChromium(): string | null {
  for (const name of ['chromium', 'chromium-browser']) {
    const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
    if (r.status === 0 && r.stdout.trim() !== '') return r.stdout.trim();
  }
  return null;
}

const chromium = findChromium();

/** Runs headless chromium on a file; returns its stdout and the console messages it logged. */
function browse(file: string, args: readonly string[]): { stdout: string; console: string[] } {
  const profile = mkdtempSync(join(tmpdir(), 'privkit-chromium-'));
  try {
    const r = spawnSync(
      chromium as string,
      ['--headless', '--no-sandbox', '--disable-gpu', '--enable-logging=stderr', '--v=0', `--user-data-dir=${profile}`, ...args, pathToFileURL(file).href],
      { encoding: 'utf8', timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
    );
    if (r.error !== undefined) throw r.error;
    expect(r.status, r.stderr).toBe(0);
    // Chromium logs each console message of the page as "…:INFO:CONSOLE…] "message", source: …".
    return { stdout: r.stdout, console: r.stderr.split('\n').filter((l) => /:CONSOLE[:(]/.test(l)) };
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

/** A copy of the page with a script that records its scroll and client widths on <body>. */
function widthProbe(html: string): string {
  const script = `<script>document.body.setAttribute('data-scroll-width', document.documentElement.scrollWidth);document.body.setAttribute('data-client-width', document.documentElement.clientWidth);</script>`;
  return html.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, '').replace('</body>', `${script}</body>`);
}

describe.skipIf(chromium === null)('the demo report in headless chromium', () => {
  let dir: string;
  let page: string;
  let charts: number;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'privkit-browser-'));
    const result = await runDemo({
      quick: true,
      out: join(ARTIFACTS, 'report'),
      cacheDir: join(dir, 'cache'),
      sizes: { population: 200, canaries: 20, hiddenUnits: 16, epochs: 2, batchSize: 32, dpEpochs: 2, dpBatchSize: 40, shadowModels: 4, workers: 1 },
      io: { stdout: () => {}, stderr: () => {} },
    });
    page = result.wrote.html;
    const doc = JSON.parse(readFileSync(result.wrote.json, 'utf8')).document as { sections: { charts: unknown[] }[] };
    charts = doc.sections.reduce((a, s) => a + s.charts.length, 0);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('the checks work: a planted console.error and a too-wide element are caught', () => {
    const probe = join(dir, 'probe.html');
    writeFileSync(probe, widthProbe('<!DOCTYPE html><html><body><div style="width: 3000px">wide</div><script>console.error("planted")</script></body></html>'));
    const { stdout, console } = browse(probe, ['--window-size=800,600', '--dump-dom']);
    expect(console.join('\n')).toContain('planted');
    expect(Number(/data-scroll-width="(\d+)"/.exec(stdout)?.[1])).toBeGreaterThan(Number(/data-client-width="(\d+)"/.exec(stdout)?.[1]));
  });

  it('loads with no console message and shows every chart as an inline SVG', () => {
    const { stdout, console } = browse(page, ['--window-size=1280,2000', '--dump-dom']);
    expect(console).toEqual([]);
    const figures = stdout.match(/<figure>[\s\S]*?<\/figure>/g) ?? [];
    expect(charts).toBe(4);
    expect(figures).toHaveLength(charts);
    for (const f of figures) {
      expect(f).toMatch(/<svg[^>]*>[\s\S]*<\/svg>/);
      expect(f).toMatch(/<figcaption><strong>[^<]+\.<\/strong> [^<]+<\/figcaption>/);
    }
    expect(stdout).toContain('<h2>Summary</h2>');
  });

  it.each([1280, 600])('fits a %i px window without sideways scrolling', (width) => {
    const probe = join(dir, `width-${width}.html`);
    writeFileSync(probe, widthProbe(readFileSync(page, 'utf8')));
    const { stdout } = browse(probe, [`--window-size=${width},1000`, '--dump-dom']);
    const scroll = Number(/data-scroll-width="(\d+)"/.exec(stdout)?.[1]);
    const client = Number(/data-client-width="(\d+)"/.exec(stdout)?.[1]);
    expect(client).toBeGreaterThan(0);
    expect(scroll).toBeLessThanOrEqual(client);
  });

  it('saves a screenshot as a test artifact', () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const png = join(ARTIFACTS, 'report.png');
    rmSync(png, { force: true });
    const { console } = browse(page, [`--screenshot=${png}`, '--window-size=1280,2000', '--hide-scrollbars']);
    expect(console).toEqual([]);
    expect(statSync(png).size).toBeGreaterThan(10_000);
    expect(readFileSync(png).subarray(1, 4).toString('latin1')).toBe('PNG');
  });
});
