/**
 * Runs the CLI in-process, as `tessera` would run, against a fresh data directory: real store
 * (SQLite), real core, captured stdout and stderr.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export type Cli = (...argv: string[]) => Promise<CliResult>;

/** A CLI bound to `env` (and `stdin`, if given); each call is one `tessera …` invocation. */
export function cliWith(env: Record<string, string | undefined>, stdin?: string): Cli {
  return async (...argv) => {
    let stdout = '';
    let stderr = '';
    const code = await main(argv, {
      stdout: (text) => {
        stdout += text;
      },
      stderr: (text) => {
        stderr += text;
      },
      env,
      ...(stdin === undefined ? {} : { stdin: async () => stdin }),
    });
    return { code, stdout, stderr };
  };
}

export interface DataDir {
  dir: string;
  env: Record<string, string>;
  cli: Cli;
  cleanup(): Promise<void>;
}

/** A temp TESSERA_DATA_DIR (SQLite store, master key file) and a CLI pointed at it. */
export async function tempDataDir(): Promise<DataDir> {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-cli-'));
  const env = { TESSERA_DATA_DIR: dir, TESSERA_ISSUER: 'http://tessera.test' };
  return { dir, env, cli: cliWith(env), cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Parses a --json run's stdout after checking it succeeded. */
// biome-ignore lint/suspicious/noExplicitAny: test convenience for reading CLI JSON output
export function json(result: CliResult): any {
  if (result.code !== 0) throw new Error(`exit ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout);
}
