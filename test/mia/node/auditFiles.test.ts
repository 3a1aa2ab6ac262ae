/**
 * The audit's file formats in privkit/mia/node: members files, scores files (bring your own logits)
 * and scores.csv.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PrivkitError } from '../../../accountant/index.js';
import { readMembersFile, readScoresFile, scoresCsv } from '../../../mia/node/index.js';

const dir = mkdtempSync(join(tmpdir(), 'privkit-audit-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = (text: string): string => {
  const path = join(dir, `f${n++}`);
  writeFileSync(path, text);
  return path;
};
const badDataFile = (f: () => unknown, mention: string | RegExp): void => {
  let error: unknown;
  try {
    f();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(PrivkitError);
  expect((error as PrivkitError).code).toBe('BAD_DATA_FILE');
  expect((error as PrivkitError).message).toMatch(mention);
};

describe('readMembersFile', () => {
  it('reads one index per line, skipping blank lines and # comments, in file order', () => {
    expect(readMembersFile(file('# members\n5\n\n0  # first\r\n12\n'))).toEqual([5, 0, 12]);
  });

  it('refuses anything but a non-negative integer, naming the line, and an unreadable file', () => {
    const path = file('1\n2\n-3\n');
    badDataFile(() => readMembersFile(path), `members file ${path} line 3: expected a 0-based row index; got "-3"`);
    badDataFile(() => readMembersFile(file('1.5\n'), { name: '--members' }), /^--members .* line 1: .*got "1\.5"/);
    badDataFile(() => readMembersFile(join(dir, 'nope'), { name: '--members' }), /^cannot read --members .*nope/);
  });
});

describe('readScoresFile', () => {
  const scores = { labels: [0, 1], target: [[1, 2], [3, 4]], shadows: [{ logits: [[0, 1], [1, 0]], inMask: [1, 0] }] };

  it('reads labels, target and shadow logits into attack data (±1e999 as ±∞)', () => {
    const data = readScoresFile(file(JSON.stringify(scores).replace('[3,4]', '[3,1e999]')));
    expect(data.numExamples).toBe(2);
    expect(data.numClasses).toBe(2);
    expect(Array.from(data.labels)).toEqual([0, 1]);
    expect(Array.from(data.target.views[0])).toEqual([1, 2, 3, Infinity]);
    expect(Array.from(data.shadows[0].inMask)).toEqual([1, 0]);
    expect(Array.from(data.shadows[0].logits.views[0])).toEqual([0, 1, 1, 0]);
  });

  it('refuses bad JSON and ragged or mistyped fields, naming the field', () => {
    badDataFile(() => readScoresFile(file('{')), /^cannot read scores file/);
    badDataFile(() => readScoresFile(file('null')), 'expected a JSON object {"labels", "target", "shadows"}');
    badDataFile(() => readScoresFile(file(JSON.stringify({ ...scores, labels: [0.5, 1] }))), '"labels" must be an array of integer class labels');
    badDataFile(() => readScoresFile(file(JSON.stringify({ ...scores, target: [[1, 2], [3]] }))), '"target" row 1 must be 2 numbers');
    badDataFile(() => readScoresFile(file(JSON.stringify({ ...scores, shadows: [null] }))), '"shadows[0]" must be an object');
    badDataFile(() => readScoresFile(file(JSON.stringify({ ...scores, shadows: [{ logits: [[1], [2]], inMask: [1, 0] }] }))), '"shadows[0].logits" has 1 classes; the target has 2');
    badDataFile(() => readScoresFile(file(JSON.stringify({ ...scores, shadows: [{ logits: scores.target, inMask: [1, 2] }] })), { name: '--scores' }), /^--scores .*"shadows\[0\]\.inMask" must be 2 values 0 or 1/);
  });
});

describe('scoresCsv', () => {
  it('writes a header, then row, member and each attack score; ±∞ as ±1e999 and NaN as an empty cell', () => {
    const audit = {
      isMember: Uint8Array.of(1, 0, 1),
      attacks: [
        { name: 'loss', scores: Float64Array.of(-0.25, -Infinity, 0.1) },
        { name: 'lira', scores: Float64Array.of(Infinity, NaN, 2) },
      ],
    } as unknown as Parameters<typeof scoresCsv>[0];
    const csv = scoresCsv(audit);
    expect(csv).toBe('row,member,loss,lira\n0,1,-0.25,1e999\n1,0,-1e999,\n2,1,0.1,2\n');
    expect(Number(csv.split('\n')[2].split(',')[2])).toBe(-Infinity);
  });
});
