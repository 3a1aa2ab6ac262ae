/**
 * What privacy does a classic DP-SGD run on MNIST get? (Abadi et al. 2016's setting, as in the
 * TF-Privacy tutorial: N = 60,000, batch 256, σ = 1.1, δ = 1e-5.) Prints ε after each number of
 * epochs with both accountants side by side, then the σ that a budget of ε = 3 needs.
 *
 * Run: `npm start` (this is what it shows until training lands), or `node dist/examples/mnistPrivacy.js`.
 */
import { pathToFileURL } from 'node:url';
import { PldAccountant, RdpAccountant, calibrateNoiseMultiplier, gaussian, poissonSampled } from 'privkit';

/** One row of the table. */
export interface PrivacyRow {
  readonly epochs: number;
  readonly steps: number;
  readonly rdpEpsilon: number;
  readonly rdpOrder: number | null;
  readonly pldEpsilon: number;
}

/** Settings of the example (the defaults are the MNIST run). */
export interface MnistPrivacyOptions {
  readonly datasetSize?: number;
  readonly batchSize?: number;
  readonly noiseMultiplier?: number;
  readonly delta?: number;
  readonly epochs?: readonly number[];
  readonly targetEpsilon?: number;
}

/** Computes the table and the calibrated σ; prints them when `print` is given. */
export function mnistPrivacy(options: MnistPrivacyOptions = {}, print?: (line: string) => void) {
  const { datasetSize = 60_000, batchSize = 256, noiseMultiplier = 1.1, delta = 1e-5, targetEpsilon = 3 } = options;
  const epochs = options.epochs ?? [1, 5, 15, 30, 60];
  const sampleRate = batchSize / datasetSize;
  const step = poissonSampled(sampleRate, gaussian(noiseMultiplier));

  const rows: PrivacyRow[] = epochs.map((e) => {
    const steps = Math.ceil((e * datasetSize) / batchSize);
    const rdp = new RdpAccountant().compose(step, steps).getEpsilonAndOrder(delta);
    const pld = new PldAccountant().compose(step, steps).getEpsilon(delta);
    return { epochs: e, steps, rdpEpsilon: rdp.epsilon, rdpOrder: rdp.order, pldEpsilon: pld };
  });
  const lastSteps = rows[rows.length - 1].steps;
  const calibrated = {
    targetEpsilon,
    steps: lastSteps,
    rdp: calibrateNoiseMultiplier({ targetEpsilon, delta, sampleRate, steps: lastSteps, accountant: 'rdp' }),
    pld: calibrateNoiseMultiplier({ targetEpsilon, delta, sampleRate, steps: lastSteps, accountant: 'pld' }),
  };

  if (print) {
    print(`privkit — privacy of DP-SGD: N = ${datasetSize}, batch ${batchSize} (q = ${sampleRate.toPrecision(4)}), σ = ${noiseMultiplier}, δ = ${delta.toExponential()}`);
    print('');
    print('epochs    steps   ε (RDP)   order   ε (PLD)   PLD/RDP');
    for (const r of rows) {
      print(
        `${String(r.epochs).padStart(6)} ${String(r.steps).padStart(8)} ${r.rdpEpsilon.toFixed(4).padStart(9)} ${String(r.rdpOrder).padStart(7)} ${r.pldEpsilon.toFixed(4).padStart(9)} ${(r.pldEpsilon / r.rdpEpsilon).toFixed(3).padStart(9)}`,
      );
    }
    print('');
    print(`Noise for ε = ${targetEpsilon} over ${lastSteps} steps: σ = ${calibrated.rdp.toFixed(4)} (RDP), σ = ${calibrated.pld.toFixed(4)} (PLD).`);
    print('The PLD accountant is tight (within its grid width of the true ε); RDP is a looser upper bound.');
  }
  return { rows, calibrated };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  mnistPrivacy({}, (line) => process.stdout.write(`${line}\n`));
}
