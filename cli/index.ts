// privkit/cli — the `privkit` command, runnable in-process. Each name is listed explicitly.
export { run } from './run.js';
export type { RunOptions } from './run.js';
export { buildProgram } from './program.js';
export { processIo } from './CliIo.js';
export type { CliIo } from './CliIo.js';
export { UsageError } from './_internals/UsageError.js';
export { EXIT } from './_internals/exitCodes.js';
