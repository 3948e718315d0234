#!/usr/bin/env node
/**
 * `tessera`: the command line. `main` takes the arguments and the streams and returns the exit
 * code, so tests run it in-process; run as a program it uses the real ones.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Io, processIo } from './io.js';
import { run } from './program.js';

export type { Io };

export function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  return run(argv, io);
}

/** Whether this module is the program node was started with (also through npm's bin symlink). */
function isEntryPoint(): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  try {
    return realpathSync(entry) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
