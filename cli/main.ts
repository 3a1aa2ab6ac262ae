#!/usr/bin/env node
/**
 * The `privkit` executable: runs the CLI on the process's arguments and sets the exit status.
 * This is the only module of the CLI that touches the process's exit status.
 */
import { processIo } from './CliIo.js';
import { run } from './run.js';

// A reader that stops early (`privkit … | head -c 10`) is not an error of ours.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});

process.exitCode = await run(process.argv.slice(2), processIo);
