/**
 * The demo as a script (`node dist/examples/demo.js [--quick] [--out DIR] [--cache DIR]`): the same
 * run as `privkit demo` and `npm start` — one small MLP trained on MNIST digits without and with
 * DP-SGD (ε = 3, δ = 1e-5), both attacked (LiRA with shadow models, the one-run canary audit), a
 * summary table on stdout and an HTML report in `privkit-report/`.
 *
 * The demo itself lives in the CLI (cli/demo/runDemo.ts), so that an installed `privkit demo` has
 * it; this script hands its arguments to the `privkit demo` command, in-process.
 */
import { run } from '../cli/index.js';

// A reader that stops early (`… --help | head`) is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});

process.exitCode = await run(['demo', ...process.argv.slice(2)]);
