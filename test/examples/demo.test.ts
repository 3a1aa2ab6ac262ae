/**
 * examples/demo.ts, the demo as a script: it is the `privkit demo` command (the demo's numbers are
 * tested at toy sizes in test/cli/demo/runDemo.test.ts). Runs the built script (`npm run build` first).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('../../dist/examples/demo.js', import.meta.url));
const main = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const node = (file: string, args: string[]) => spawnSync(process.execPath, [file, ...args], { encoding: 'utf8', timeout: 60_000 });

describe('examples/demo (script)', () => {
  it('--help prints the help of privkit demo, exit 0', () => {
    const r = node(script, ['--help']);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('Usage: privkit demo [options]');
    expect(r.stdout).toBe(node(main, ['demo', '--help']).stdout);
  });

  it('an unknown flag: exit 2, one line on stderr, nothing on stdout', () => {
    const r = node(script, ['--fast']);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^privkit: unknown option '--fast'[^\n]*\n$/);
  });
});
