import { parseArgs } from 'node:util';

export interface BenchArgs {
  readonly only: readonly string[];
  readonly durationSec: number;
  readonly runs: number;
  readonly warmupSec: number;
  readonly connections: number | undefined;
  readonly write: boolean;
  readonly list: boolean;
  readonly help: boolean;
}

export const USAGE = `Usage: npm run bench -- [options]

  --only <name[,name]>   run only these scenarios (repeatable); default: all
  --duration <seconds>   length of one measurement (default 10)
  --runs <n>             measurements per subject; medians are quoted (default 3)
  --warmup <seconds>     discarded load before measuring each subject (default 3)
  --connections <n>      concurrent HTTP connections (default: per scenario)
  --no-write             do not write bench/results/*.json
  --list                 list the scenarios and exit
  --help                 show this help`;

function number(
  name: string,
  value: string | undefined,
  fallback: number,
  kind: 'count' | 'seconds',
): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  const valid =
    kind === 'count' ? Number.isInteger(parsed) && parsed >= 1 : Number.isFinite(parsed) && parsed >= 0;
  if (!valid) {
    throw new TypeError(
      `--${name} must be ${kind === 'count' ? 'a positive integer' : 'a number of seconds'}, got "${value}"`,
    );
  }
  return parsed;
}

export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowNegative: true,
    options: {
      only: { type: 'string', multiple: true },
      duration: { type: 'string' },
      runs: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      write: { type: 'boolean', default: true },
      list: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const durationSec = number('duration', values.duration, 10, 'seconds');
  if (durationSec === 0) throw new TypeError('--duration must be greater than 0');
  return {
    only: (values.only ?? []).flatMap((value) => value.split(',')).filter(Boolean),
    durationSec,
    runs: number('runs', values.runs, 3, 'count'),
    warmupSec: number('warmup', values.warmup, 3, 'seconds'),
    connections:
      values.connections === undefined ? undefined : number('connections', values.connections, 1, 'count'),
    write: values.write,
    list: values.list,
    help: values.help,
  };
}
