/**
 * The shape of a command: its words, options and positionals (which also write its help),
 * and `run`, which talks to Tessera only through the Backend and prints only through Output.
 */
import type { Config } from '../config/defaults.js';
import type { Args, OptionSpecs } from './args.js';
import type { Backend } from './backend.js';
import type { Io } from './io.js';
import type { Output } from './output.js';

export interface CommandContext {
  readonly args: Args;
  readonly out: Output;
  readonly io: Io;
  /** Opened on first use: the admin API of `--url`, otherwise the local store. */
  backend(): Promise<Backend>;
  /** The server's configuration (environment, then the TESSERA_CONFIG file, then defaults). */
  config(): Config;
  /** `--url` or TESSERA_URL, when one was given. */
  readonly url: string | undefined;
}

export interface Command {
  name: string;
  summary: string;
  /** Positionals as usage shows them: `<id>` required, `[id]` optional, `<id...>` one or more. */
  args?: readonly string[];
  options?: OptionSpecs;
  /** More help, shown below the options. */
  details?: string;
  /** Returns the exit code (0 when it returns nothing). */
  run(ctx: CommandContext): Promise<number | undefined>;
}

export interface Group {
  name: string;
  summary: string;
  commands: readonly Command[];
  /** Runs when the group is named without a command (`tessera token`); its help is the group's. */
  default?: Command;
}

export type Entry = Command | Group;

export const isGroup = (entry: Entry): entry is Group => 'commands' in entry;

/** How many positionals `args` allows. */
export function positionalRange(args: readonly string[] = []): { min: number; max: number } {
  const min = args.filter((a) => a.startsWith('<')).length;
  const max = args.some((a) => a.endsWith('...>') || a.endsWith('...]'))
    ? Number.POSITIVE_INFINITY
    : args.length;
  return { min, max };
}
