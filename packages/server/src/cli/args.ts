/**
 * A thin layer over node:util parseArgs: options are declared once per command (with the help
 * text that documents them) and read back through small typed accessors.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UsageError } from './errors.js';

export interface OptionSpec {
  /** `list` may be repeated: `--permission a:b --permission c:d`. */
  type: 'string' | 'boolean' | 'list';
  short?: string;
  /** Placeholder shown in help, e.g. `URI`. */
  value?: string;
  description: string;
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

export interface Args {
  readonly positionals: readonly string[];
  string(name: string): string | undefined;
  flag(name: string): boolean;
  list(name: string): string[];
  /** Whether the option appeared on the command line at all. */
  has(name: string): boolean;
}

type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

function toParseArgsOptions(options: OptionSpecs): NonNullable<ParseArgsConfig['options']> {
  const out: NonNullable<ParseArgsConfig['options']> = {};
  for (const [name, spec] of Object.entries(options)) {
    out[name] = {
      type: spec.type === 'boolean' ? 'boolean' : 'string',
      ...(spec.type === 'list' ? { multiple: true } : {}),
      ...(spec.short === undefined ? {} : { short: spec.short }),
    };
  }
  return out;
}

/**
 * The leading words of a command line (`user create`), found before the command and therefore
 * its options are known: only the global options are declared, the rest is parsed leniently.
 */
export function leadingWords(argv: readonly string[], globals: OptionSpecs): string[] {
  const { positionals } = parseArgs({
    args: [...argv],
    options: toParseArgsOptions(globals),
    strict: false,
    allowPositionals: true,
  });
  return positionals;
}

/** Parses strictly: an unknown option or a missing value is a UsageError that shows `usage`. */
export function parseCommandLine(argv: readonly string[], options: OptionSpecs, usage: string): Args {
  let values: Values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: attachDashValues(argv, options),
      options: toParseArgsOptions(options),
      strict: true,
      allowPositionals: true,
    }) as { values: Values; positionals: string[] });
  } catch (err) {
    throw new UsageError(firstSentence((err as Error).message), usage);
  }
  const strings = (name: string): string[] => {
    const value = values[name];
    if (value === undefined) return [];
    return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
  };
  return {
    positionals,
    string: (name) => strings(name).at(-1),
    flag: (name) => values[name] === true,
    list: strings,
    has: (name) => values[name] !== undefined,
  };
}

/**
 * An option that takes a value takes the next word whatever it looks like, as getopt does:
 * node's parseArgs refuses `--client-secret -x…` as ambiguous, yet one client secret in 64
 * starts with `-` (base64url), and `--client-secret "$SECRET"` must work for all of them.
 * Such pairs are passed on as `--client-secret=-x…`. Short options (`-p -x`) likewise.
 */
function attachDashValues(argv: readonly string[], options: OptionSpecs): string[] {
  const takesValue = new Set<string>();
  for (const [name, spec] of Object.entries(options)) {
    if (spec.type === 'boolean') continue;
    takesValue.add(`--${name}`);
    if (spec.short !== undefined) takesValue.add(`-${spec.short}`);
  }
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i] as string;
    if (word === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const next = argv[i + 1];
    if (takesValue.has(word) && next?.startsWith('-')) {
      out.push(word.startsWith('--') ? `${word}=${next}` : `${word}${next as string}`);
      i++;
    } else {
      out.push(word);
    }
  }
  return out;
}

/** node's parseArgs messages go on to explain `--`; the first sentence is what matters here. */
function firstSentence(message: string): string {
  const sentence = message.split(/\.\s/)[0] ?? message;
  return sentence.charAt(0).toLowerCase() + sentence.slice(1);
}

/** `--limit 20`: a positive integer no larger than `max`. */
export function integerOption(args: Args, name: string, fallback: number, max: number): number {
  const raw = args.string(name);
  if (raw === undefined) return fallback;
  if (!/^\d{1,9}$/.test(raw) || Number(raw) < 1 || Number(raw) > max) {
    throw new UsageError(`--${name} must be an integer from 1 to ${max}`);
  }
  return Number(raw);
}

/** The value of the one option of `names` that was given; none or several is a UsageError. */
export function exactlyOne(args: Args, names: readonly string[]): { name: string; value: string } {
  const given = names.filter((n) => args.has(n));
  const [name] = given;
  if (given.length !== 1 || name === undefined) {
    throw new UsageError(`give exactly one of ${names.map((n) => `--${n}`).join(', ')}`);
  }
  return { name, value: args.string(name) ?? '' };
}

/** `--active` / `--inactive`: true, false, or undefined when neither is given. */
export function switchPair(args: Args, on: string, off: string): boolean | undefined {
  if (args.flag(on) && args.flag(off)) throw new UsageError(`--${on} and --${off} contradict each other`);
  if (args.flag(on)) return true;
  if (args.flag(off)) return false;
  return undefined;
}
