import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { miaReportDocument, type ReportDocument } from '../../../mia/report/index.js';
import { writeReport } from '../../../mia/node/writeReport.js';
import { PrivkitError } from '../../../accountant/PrivkitError.js';
import { miaInput } from '../report/_miaInput.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'privkit-report-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const small = (): ReportDocument => miaReportDocument(miaInput(100), { generatedAt: '2025-01-01T00:00:00.000Z' });

describe('writeReport', () => {
  it('writes report.json and report.html into a new folder and leaves no temporary files', async () => {
    // Arrange
    const dir = join(root, 'a', 'b');
    const doc = small();
    // Act
    const paths = await writeReport(dir, doc, { result: doc.data, epsilon: Infinity });
    // Assert
    expect(paths).toEqual({ jsonPath: join(dir, 'report.json'), htmlPath: join(dir, 'report.html') });
    expect(readdirSync(dir).sort()).toEqual(['report.html', 'report.json']);
    const json = readFileSync(paths.jsonPath, 'utf8');
    expect(json.endsWith('}\n')).toBe(true);
    expect(json).toContain('\n  "epsilon": 1e999');
    expect(JSON.parse(json).result.attacks).toHaveLength(2);
    const html = readFileSync(paths.htmlPath, 'utf8');
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('</html>');
  });

  it('replaces an earlier report', async () => {
    writeFileSync(join(root, 'report.html'), 'old');
    writeFileSync(join(root, 'report.json'), 'old');
    await writeReport(root, small(), { v: 2 });
    expect(readFileSync(join(root, 'report.json'), 'utf8')).toBe('{\n  "v": 2\n}\n');
    expect(readFileSync(join(root, 'report.html'), 'utf8')).toMatch(/^<!DOCTYPE html>/);
    expect(readdirSync(root).sort()).toEqual(['report.html', 'report.json']);
  });

  it('writes nothing when a chart fails to render', async () => {
    // Arrange
    const dir = join(root, 'out');
    const doc = small();
    doc.sections[0].charts.push({ title: 'Broken', explanation: 'Throws.', spec: { mark: 'no-such-mark', data: { values: [] } } });
    // Act
    const error = await writeReport(dir, doc, doc.data).catch((e: unknown) => e);
    // Assert
    expect(error).toBeInstanceOf(PrivkitError);
    expect((error as PrivkitError).message).toMatch(/chart "Broken"/);
    expect(() => readdirSync(dir)).toThrow(/ENOENT/);
  });

  it('leaves an earlier report whole when the new one fails to render', async () => {
    writeFileSync(join(root, 'report.html'), 'old html');
    const doc = small();
    doc.sections[1].charts[0].spec = { data: { values: [] } };
    await expect(writeReport(root, doc, {})).rejects.toThrow(PrivkitError);
    expect(readdirSync(root)).toEqual(['report.html']);
    expect(readFileSync(join(root, 'report.html'), 'utf8')).toBe('old html');
  });
});
