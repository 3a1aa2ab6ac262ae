/**
 * File-system failures as IO_ERROR naming the flag and the path: the real errors of paths under a
 * file, on a folder, in /sys and /proc (the tests run as root, which ignores permissions, so those
 * kernel file systems stand in for read-only ones), /dev/full for ENOSPC; the probe write; and
 * ensureFolder, which must not loop where Node's recursive mkdir does (/proc).
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrivkitError } from '../../../accountant/index.js';
import { ensureFolder } from '../../../src/node/io/_internals/ensureFolder.js';
import { ioError, isErrnoException, probeWritable, withIoErrors, type IoTarget } from '../../../src/node/io/ioError.js';
import { writeFileAtomic } from '../../../src/node/io/writeFileAtomic.js';

let dir: string;
let aFile: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'privkit-ioerror-'));
  aFile = join(dir, 'a-file');
  writeFileSync(aFile, 'x');
  mkdirSync(join(dir, 'a-folder'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** What `work` throws, mapped by ioError for `target`. */
function mapped(target: IoTarget, work: () => void): PrivkitError {
  try {
    work();
  } catch (e) {
    expect(isErrnoException(e)).toBe(true);
    const m = ioError(e, target);
    expect(m).toBeInstanceOf(PrivkitError);
    return m as PrivkitError;
  }
  throw new Error('expected a file-system error');
}

function expectOneLine(message: string): void {
  expect(message).not.toContain('\n');
  expect(message.length).toBeGreaterThan(0);
}

describe('ioError: the real errors, worded from the path', () => {
  it('ENOTDIR: a folder under a regular file names the file', () => {
    const out = join(aFile, 'sub', 'out');
    const e = mapped({ flag: '--out', path: out }, () => writeFileAtomic(join(out, 'privacy.json'), '{}'));
    expect(e.code).toBe('IO_ERROR');
    expect(e.message).toBe(`--out must be a folder that can be created and written; got ${JSON.stringify(out)}: ${JSON.stringify(aFile)} is a file, not a folder (ENOTDIR)`);
    expectOneLine(e.message);
  });

  it('EISDIR: a file path that is a folder', () => {
    const target = join(dir, 'a-folder');
    const e = mapped({ flag: '--out', path: target, kind: 'file' }, () => writeFileSync(target, 'x'));
    expect(e.message).toBe(`--out must be a file that can be written; got ${JSON.stringify(target)}: ${JSON.stringify(target)} is a folder, not a file (EISDIR)`);
  });

  it('EEXIST: a folder where a file is', () => {
    const e = mapped({ flag: '--cache', path: aFile }, () => mkdirSync(aFile));
    expect(e.message).toBe(`--cache must be a folder that can be created and written; got ${JSON.stringify(aFile)}: ${JSON.stringify(aFile)} already exists and is a file, not a folder (EEXIST)`);
  });

  it('EACCES in /sys and ENOENT in /proc (file systems that refuse new files, even to root)', () => {
    const sys = mapped({ flag: '--out', path: '/sys/privkit-test' }, () => writeFileSync('/sys/privkit-test', 'x'));
    expect(sys.message).toMatch(/^--out must be a folder that can be created and written; got "\/sys\/privkit-test": permission denied \(EACCES\)$/);
    const proc = mapped({ flag: '--out', path: '/proc/privkit-test' }, () => writeFileSync('/proc/privkit-test', 'x'));
    expect(proc.message).toMatch(/the file system does not allow creating "\/proc\/privkit-test" \(ENOENT\)$/);
  });

  it('ENOSPC (/dev/full) and a fabricated EROFS, without a flag', () => {
    const full = mapped({ path: '/dev/full', kind: 'file' }, () => writeFileSync('/dev/full', 'x'));
    expect(full.message).toBe('cannot write "/dev/full": no space left on the device (ENOSPC)');
    const rofs = Object.assign(new Error("EROFS: read-only file system, open '/mnt/ro/out/x'"), { code: 'EROFS', syscall: 'open', path: '/mnt/ro/out/x' });
    const e = ioError(rofs, { flag: '--out', path: '/mnt/ro/out' }) as PrivkitError;
    expect(e.code).toBe('IO_ERROR');
    expect(e.message).toBe('--out must be a folder that can be created and written; got "/mnt/ro/out": the file system is read-only at "/mnt/ro/out/x" (EROFS)');
  });

  it('anything that is not a file-system error is returned unchanged', () => {
    const plain = new Error('boom');
    expect(ioError(plain, { path: 'x' })).toBe(plain);
    const typed = new PrivkitError('BAD_DATA_FILE', 'x');
    expect(ioError(typed, { path: 'x' })).toBe(typed);
    expect(ioError('a string', { path: 'x' })).toBe('a string');
  });

  it('withIoErrors maps what its work throws', async () => {
    await expect(withIoErrors({ flag: '--out', path: join(aFile, 'x') }, () => writeFileAtomic(join(aFile, 'x', 'y'), 'z'))).rejects.toThrow(/is a file, not a folder \(ENOTDIR\)/);
    await expect(withIoErrors({ path: 'x' }, async () => 7)).resolves.toBe(7);
  });
});

describe('probeWritable: finds the failure before a long run, and leaves nothing behind', () => {
  it.each([
    ['a folder under a file', (): string => join(aFile, 'out'), 'folder', /is a file, not a folder \(ENOTDIR\)$/],
    ['a file as a folder', (): string => aFile, 'folder', /is a file, not a folder \(ENOTDIR\)$/],
    ['a folder as a file', (): string => join(dir, 'a-folder'), 'file', /is a folder, not a file \(EISDIR\)$/],
    ['a folder in /sys', (): string => '/sys/privkit-test/out', 'folder', /: permission denied at "\/sys" \(EACCES\)$/],
    ['a folder in /proc', (): string => '/proc/privkit-test/out', 'folder', /: the file system does not allow creating files in "\/proc" \(ENOENT\)$/],
  ] as const)('%s', (_name, path, kind, message) => {
    const target: IoTarget = { flag: '--out', path: path(), kind };
    let error: unknown;
    try {
      probeWritable(target);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PrivkitError);
    expect((error as PrivkitError).code).toBe('IO_ERROR');
    expect((error as PrivkitError).message).toMatch(/^--out must be a (folder|file) that can be/);
    expect((error as PrivkitError).message).toMatch(message);
  });

  it('a writable new folder passes and nothing is created', () => {
    const before = readdirSync(dir).sort();
    probeWritable({ flag: '--out', path: join(dir, 'new', 'deeper') });
    probeWritable({ flag: '--out', path: join(dir, 'a-folder') });
    probeWritable({ flag: '--out', path: join(dir, 'page.html'), kind: 'file' });
    expect(readdirSync(dir).sort()).toEqual(before);
    expect(readdirSync(join(dir, 'a-folder'))).toEqual([]);
  });
});

describe('ensureFolder', () => {
  it('creates missing parents one at a time', () => {
    ensureFolder(join(dir, 'p', 'q', 'r'));
    expect(readdirSync(join(dir, 'p', 'q'))).toEqual(['r']);
    ensureFolder(join(dir, 'p', 'q', 'r')); // already there: fine
  });

  it('throws ENOENT under /proc at once (recursive mkdirSync loops forever there)', () => {
    const started = Date.now();
    expect(() => ensureFolder('/proc/privkit-test/a/b')).toThrow(/ENOENT/);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('throws ENOTDIR for a path under a file', () => {
    let code: string | undefined;
    try {
      ensureFolder(join(aFile, 'x', 'y'));
    } catch (e) {
      code = (e as NodeJS.ErrnoException).code;
    }
    expect(code).toBe('ENOTDIR');
  });
});
