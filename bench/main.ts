/**
 * `npm run bench`: one JSON object with every benchmark figure. Timings on shared machines are noisy;
 * each figure is a median, and ratios compare figures measured in the same run.
 */
import { accountantBench } from './accountant.js';
import { dpsgdBench } from './dpsgd.js';
import { shadowBench } from './shadows.js';

const accountant = accountantBench();
const dpsgd = await dpsgdBench();
const shadows = await shadowBench();
process.stdout.write(`${JSON.stringify({ accountant, dpsgd, shadows }, null, 2)}\n`);
