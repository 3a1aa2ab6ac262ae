/**
 * privkit/testing stays browser-safe and inside its lane: walking the import graph of
 * src/testing/index.ts finds no Node built-in and nothing from mia/ (src must not depend on mia).
 */
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('privkit/testing import graph', () => {
  it('imports no Node built-in and nothing from mia/', () => {
    const seen = new Set<string>();
    const bad: string[] = [];
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const m of readFileSync(file, 'utf8').matchAll(/^(?:import|export)[^'"]*from ['"]([^'"]+)['"]/gm)) {
        const spec = m[1];
        if (spec.startsWith('.')) {
          const target = resolve(dirname(file), spec).replace(/\.js$/, '.ts');
          if (relative(root, target).startsWith('mia')) bad.push(`${relative(root, file)}: ${spec}`);
          else visit(target);
        } else if (spec.startsWith('node:') || /^(fs|path|os|child_process|worker_threads|module)$/.test(spec)) {
          bad.push(`${relative(root, file)}: ${spec}`);
        }
      }
    };
    visit(resolve(root, 'src/testing/index.ts'));
    expect(seen.size).toBeGreaterThan(10);
    expect(bad).toEqual([]);
  });
});
