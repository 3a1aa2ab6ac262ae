/**
 * The log-perplexity of every candidate of a format, in mixed-radix index order, either by scoring
 * whole canaries in batches or by walking the tree of slot characters with the chain rule.
 */
import type { CandidateScorer, SlotScorer } from '../CandidateScorer.js';
import type { CanaryFormat } from '../CanaryFormat.js';
import { columnLayout, nextRows, scoreTexts, type ResolvedScorer } from './scoring.js';
import { fillDigits, incrementDigits, slotLayout } from './slotLayout.js';

/** Log-perplexities of all |R| candidates, indexed by mixed-radix index, and the scorer work done. */
export interface Enumeration {
  readonly logPerplexities: Float64Array;
  /** Texts scored (CandidateScorer) or prefixes asked for a next-character row (SlotScorer). */
  readonly evaluations: number;
}

/** Progress callback: candidates done so far, of `total`. */
export type ProgressCallback = (done: number, total: number) => void;

/** Enumerates with whichever interface `resolved` names. `|R|` must fit in memory as a Float64Array. */
export function enumerateLogPerplexities(
  format: CanaryFormat,
  resolved: ResolvedScorer,
  batchSize: number,
  onProgress?: ProgressCallback,
): Promise<Enumeration> {
  return resolved.kind === 'slot'
    ? enumerateSlotTree(format, resolved.scorer, batchSize, onProgress)
    : enumerateCandidates(format, resolved.scorer, batchSize, onProgress);
}

/** Whole canaries, `batchSize` strings at a time (an odometer over the digits; no other string is kept). */
async function enumerateCandidates(
  format: CanaryFormat,
  scorer: CandidateScorer,
  batchSize: number,
  onProgress?: ProgressCallback,
): Promise<Enumeration> {
  const layout = slotLayout(format);
  const total = Number(layout.spaceSizeBig);
  const logPerplexities = new Float64Array(total);
  const digits = new Int32Array(layout.radices.length);
  for (let start = 0; start < total; start += batchSize) {
    const end = Math.min(total, start + batchSize);
    const texts: string[] = [];
    for (let i = start; i < end; i++) {
      texts.push(fillDigits(layout, digits));
      incrementDigits(layout, digits);
    }
    logPerplexities.set(await scoreTexts(scorer, texts), start);
    onProgress?.(end, total);
  }
  return { logPerplexities, evaluations: total };
}

interface TreeNode {
  /** Prefix of a canary: the format's prefix and the first `depth` template characters. */
  readonly text: string;
  readonly depth: number;
  /** −log₂ Pr(template characters so far | prefix). */
  readonly bits: number;
  /** Mixed-radix index of the slot characters so far. */
  readonly index: number;
}

/**
 * The slot tree, depth first. A node at depth i is a prefix of the canary up to its i-th character
 * after the format's prefix; its children extend it by the next character (one child for fixed text,
 * |alphabet| for a slot character), each edge weighing −log₂ Pr(character | node) from one row of
 * `nextSymbolLogProbs`. A leaf's weight sum is the canary's chain-rule log-perplexity. The scorer is
 * asked for one row per internal node, Σᵢ Nᵢ rows in all (Nᵢ = product of the alphabet sizes of the
 * slot characters before position i), instead of the |R|·(length − |prefix|) character scores of
 * brute force. Up to `batchSize` nodes are expanded per call; the deepest pending nodes go first, so
 * at most about depth·batchSize·max|alphabet| partial strings are pending at any time.
 */
async function enumerateSlotTree(
  format: CanaryFormat,
  scorer: SlotScorer,
  batchSize: number,
  onProgress?: ProgressCallback,
): Promise<Enumeration> {
  const layout = slotLayout(format);
  const { vocabularySize, columns } = columnLayout(format, scorer);
  const total = Number(layout.spaceSizeBig);
  const logPerplexities = new Float64Array(total);
  const { template } = layout;
  const stack: TreeNode[] = [{ text: layout.prefix, depth: 0, bits: 0, index: 0 }];
  let evaluations = 0;
  let done = 0;
  while (stack.length > 0) {
    const batch = stack.splice(Math.max(0, stack.length - batchSize));
    const rows = await nextRows(
      scorer,
      batch.map((node) => node.text),
      vocabularySize,
    );
    evaluations += batch.length;
    const children: TreeNode[] = [];
    const doneBefore = done;
    for (let b = 0; b < batch.length; b++) {
      const node = batch[b];
      const row = rows[b];
      const entry = template[node.depth];
      const column = columns[node.depth];
      const depth = node.depth + 1;
      if (entry.kind === 'char') {
        children.push({ text: node.text + entry.char, depth, bits: node.bits - row[column as number], index: node.index });
      } else {
        const radix = entry.symbols.length;
        for (let d = 0; d < radix; d++) {
          children.push({
            text: node.text + entry.symbols[d],
            depth,
            bits: node.bits - row[(column as Int32Array)[d]],
            index: node.index * radix + d,
          });
        }
      }
    }
    for (let c = children.length - 1; c >= 0; c--) {
      const child = children[c];
      if (child.depth === template.length) {
        logPerplexities[child.index] = child.bits;
        done++;
      } else {
        stack.push(child);
      }
    }
    if (done > doneBefore) onProgress?.(done, total);
  }
  return { logPerplexities, evaluations };
}
