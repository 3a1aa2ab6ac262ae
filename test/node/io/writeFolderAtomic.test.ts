/**
 * writeFolderAtomic: a new folder, a replaced one, refusals that leave the destination alone, a
 * failing write (injected ENOSPC) that puts everything back, and a child process killed at every
 * crash point (PRIVKIT_TEST_CRASH_AT, against the build in dist/) that leaves the complete old
 * folder, the complete new one, or none — never a mix.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PrivkitError } from '../../../accountant/index.js';
import { foreignEntries, writeFolderAtomic } from '../../../src/node/io/writeFolderAtomic.js';

// A writer that fails on demand: any file named "fail-me" gets ENOSPC.
vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>();
  const writeFileSync: typeof actual.writeFileSync = (path, data, options) => {
    if (typeof path === 'string' && path.endsWith('fail-me')) {
      throw Object.assign(new Error(`ENOSPC: no space left on device, write '${path}'`), { code: 'ENOSPC', syscall: 'write', path });
    }
    return actual.writeFileSync(path, data, options);
  };
  return { ...actual, writeFileSync, default: { ...actual, writeFileSync } };
});

const { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } = fs;
const built = fileURLToPath(new URL('../../../dist/src/node/io/writeFolderAtomic.js', import.meta.url));

let dir: string;
let count = 0;
const fresh = (): string => join(dir, `f-${++count}`);

/** The folder's files and their contents, in name order. */
function contents(folder: string): Record<string, string> {
  return Object.fromEntries(readdirSync(folder).sort().map((n) => [n, readFileSync(join(folder, n), 'utf8')]));
}

/** A folder's files as one comparable string. */
const key = (files: Record<string, string>): string => JSON.stringify(Object.entries(files).sort(([a], [b]) => (a < b ? -1 : 1)));

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'privkit-folder-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const OLD = { 'model.json': 'old model', 'weights.bin': 'old weights', 'privacy.json': 'old ε 3.79' };
const NEW = { 'model.json': 'new model', 'weights.bin': 'new weights', 'privacy.json': 'new ε 33.5', 'members.txt': '0\n1\n' };

describe('writeFolderAtomic in-process', () => {
  it('writes a new folder (and its missing parents), with nothing left beside it', () => {
    const parent = fresh();
    const out = join(parent, 'a', 'run');
    writeFolderAtomic(out, NEW);
    expect(contents(out)).toEqual(NEW);
    expect(readdirSync(join(parent, 'a'))).toEqual(['run']);
  });

  it('replaces a folder it may replace: only the new files remain, nothing beside it', () => {
    const parent = fresh();
    const out = join(parent, 'run');
    writeFolderAtomic(out, OLD);
    writeFolderAtomic(out, NEW, { replaceable: (n) => n in NEW });
    expect(contents(out)).toEqual(NEW);
    expect(readdirSync(parent)).toEqual(['run']);
  });

  it('refuses a folder holding other files, and a file, leaving them as they were', () => {
    const out = fresh();
    mkdirSync(out);
    writeFileSync(join(out, 'notes.txt'), 'mine');
    writeFileSync(join(out, 'model.json'), 'x');
    expect(foreignEntries(out, (n) => n === 'model.json')).toEqual(['notes.txt']);
    expect(() => writeFolderAtomic(out, NEW)).toThrow(/holds files privkit did not write \("notes\.txt"\); it was left alone/);
    expect(contents(out)).toEqual({ 'model.json': 'x', 'notes.txt': 'mine' });
    const file = fresh();
    writeFileSync(file, 'a file');
    expect(() => writeFolderAtomic(file, NEW)).toThrow(PrivkitError);
    expect(readFileSync(file, 'utf8')).toBe('a file');
    expect(() => writeFolderAtomic(fresh(), { '../x': 'y' })).toThrow(/plain names/);
  });

  it('a write that fails (ENOSPC) removes the new copy and leaves the old folder complete', () => {
    const parent = fresh();
    const out = join(parent, 'run');
    writeFolderAtomic(out, OLD);
    let code: string | undefined;
    try {
      writeFolderAtomic(out, { ...NEW, 'fail-me': 'x' }, { replaceable: () => true });
    } catch (e) {
      code = (e as NodeJS.ErrnoException).code;
    }
    expect(code).toBe('ENOSPC');
    expect(contents(out)).toEqual(OLD);
    expect(readdirSync(parent)).toEqual(['run']);
  });
});

describe('writeFolderAtomic killed at every crash point (child processes, dist/ build)', () => {
  it('leaves the complete old folder, the complete new one, or none at the destination', () => {
    expect(existsSync(built), `${built} is missing: run "npm run build" first`).toBe(true);
    const parent = fresh();
    const out = join(parent, 'run');
    const script = `import { writeFolderAtomic } from ${JSON.stringify(built)};
writeFolderAtomic(${JSON.stringify(out)}, ${JSON.stringify(NEW)}, { replaceable: () => true });`;
    const seen = new Set<string>();
    let completed = false;
    let points = 0;
    for (let n = 1; n <= 30 && !completed; n++) {
      rmSync(parent, { recursive: true, force: true });
      mkdirSync(parent);
      // The earlier run, written directly (as any earlier version would have left it).
      mkdirSync(out);
      for (const [name, text] of Object.entries(OLD)) writeFileSync(join(out, name), text);
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
        env: { ...process.env, PRIVKIT_TEST_CRASH_AT: String(n) },
        encoding: 'utf8',
        timeout: 30_000,
      });
      if (r.signal === null) {
        expect(r.status, r.stderr).toBe(0);
        completed = true;
      } else {
        expect(r.signal).toBe('SIGKILL');
        points = n;
      }
      const state = existsSync(out) ? contents(out) : null;
      const kind = state === null ? 'none' : key(state) === key(OLD) ? 'old' : key(state) === key(NEW) ? 'new' : 'mixed';
      expect(kind, `killed at point ${n}: ${JSON.stringify(state)}`).not.toBe('mixed');
      seen.add(kind);
      // Whatever is beside it is a complete copy under a temporary name, never a half one at `out`.
      for (const sibling of readdirSync(parent).filter((s) => s !== 'run')) {
        expect(sibling).toMatch(/^run\.privkit-(tmp|old)-\d+-[0-9a-f]+$/);
      }
      if (kind === 'none') {
        const copies = readdirSync(parent).map((s) => key(contents(join(parent, s))));
        expect(copies.sort()).toEqual([key(OLD), key(NEW)].sort());
      }
    }
    expect(completed).toBe(true);
    expect(points).toBeGreaterThanOrEqual(7); // mkdir, 4 writes, 2 renames, remove
    expect([...seen].sort()).toEqual(['new', 'none', 'old']);
  });
});
