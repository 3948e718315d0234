/**
 * Dispatch: find the command the leading words name, parse its options strictly, open the
 * backend it asks for, run it, and turn any failure into a message and an exit code.
 */
import { readFileSync } from 'node:fs';
import { errors as jose } from 'jose';
import type { Config } from '../config/defaults.js';
import { configFromEnvironment } from '../config/load.js';
import { isTesseraError } from '../core/errors.js';
import { type Args, leadingWords, parseCommandLine } from './args.js';
import type { Backend } from './backend.js';
import { cliActor, openLocalBackend } from './backends/local.js';
import { remoteBackend } from './backends/remote.js';
import { type Command, type CommandContext, type Entry, isGroup, positionalRange } from './command.js';
import { applications } from './commands/applications.js';
import { audit } from './commands/audit.js';
import { clients } from './commands/clients.js';
import { grant, revoke } from './commands/grants.js';
import { groups } from './commands/groups.js';
import { keys } from './commands/keys.js';
import { login } from './commands/login.js';
import { logout } from './commands/logout.js';
import { migrate } from './commands/migrate.js';
import { roles } from './commands/roles.js';
import { serve } from './commands/serve.js';
import { token } from './commands/token.js';
import { users } from './commands/users.js';
import { whoami } from './commands/whoami.js';
import { CliError, EXIT, UsageError } from './errors.js';
import { GLOBAL_OPTIONS, helpFor } from './help.js';
import type { Io } from './io.js';
import { Output } from './output.js';

export const ENTRIES: readonly Entry[] = [
  users,
  groups,
  roles,
  grant,
  revoke,
  clients,
  applications,
  token,
  login,
  whoami,
  logout,
  keys,
  audit,
  serve,
  migrate,
];

const TOP_LEVEL = {
  ...GLOBAL_OPTIONS,
  version: { type: 'boolean', description: 'print the version' },
} as const;

interface Resolved {
  entry?: Entry;
  command?: Command;
  /** How many leading words named them. */
  words: number;
}

function resolve(words: readonly string[]): Resolved {
  const [first, second] = words;
  const entry = ENTRIES.find((e) => e.name === first);
  if (first === undefined) return { words: 0 };
  if (!entry) throw new UsageError(`unknown command ${JSON.stringify(first)}`, helpFor(ENTRIES));
  if (!isGroup(entry)) return { entry, command: entry, words: 1 };
  if (second === undefined)
    return entry.default ? { entry, command: entry.default, words: 1 } : { entry, words: 1 };
  const command = entry.commands.find((c) => c.name === second);
  // Not a command name: an option's value seen by the lenient first pass (`token --client-id X`);
  // the default command's strict parse sorts it out (and refuses a stray word as an argument).
  if (!command && entry.default) return { entry, command: entry.default, words: 1 };
  if (!command) {
    throw new UsageError(`unknown command ${JSON.stringify(`${first} ${second}`)}`, helpFor(ENTRIES, entry));
  }
  return { entry, command, words: 2 };
}

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** `--url`: an absolute http(s) URL; a token sent in clear to another host earns a warning. */
function serverUrl(raw: string | undefined, io: Io, token: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--url ${JSON.stringify(raw)} is not an absolute URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError('--url must be an http or https URL');
  }
  if (url.protocol === 'http:' && token && !['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)) {
    io.stderr(`warning: ${url.origin} is plain http: the admin token crosses the network in clear\n`);
  }
  return raw;
}

export async function run(argv: readonly string[], io: Io): Promise<number> {
  let opened: Backend | undefined;
  let usage: string | undefined;
  try {
    const words = leadingWords(argv, TOP_LEVEL);
    if (words[0] === 'help') {
      // `tessera help user create` is `tessera user create --help`.
      const target = resolve(words.slice(1));
      io.stdout(helpFor(ENTRIES, target.entry, target.command));
      return EXIT.ok;
    }
    const resolved = resolve(words);
    const { entry, command } = resolved;
    const options = { ...(command ? { ...GLOBAL_OPTIONS, ...command.options } : TOP_LEVEL) };
    usage = helpFor(ENTRIES, entry, command);
    const args: Args = parseCommandLine(argv, options, usage);
    if (args.flag('help')) {
      io.stdout(usage);
      return EXIT.ok;
    }
    if (!entry && args.flag('version')) {
      io.stdout(`tessera ${version()}\n`);
      return EXIT.ok;
    }
    if (!command) {
      throw new UsageError(entry ? `tessera ${entry.name} needs a command` : 'no command given', usage);
    }

    const positionals = args.positionals.slice(resolved.words);
    const { min, max } = positionalRange(command.args);
    if (positionals.length < min) {
      throw new UsageError(`missing ${command.args?.slice(positionals.length).join(' ')}`, usage);
    }
    if (positionals.length > max) {
      throw new UsageError(`unexpected argument ${JSON.stringify(positionals[max])}`, usage);
    }

    const token = args.string('token') ?? (io.env.TESSERA_TOKEN || undefined);
    const url = serverUrl(args.string('url') ?? io.env.TESSERA_URL, io, token);
    let config: Config | undefined;
    const loadConfig = () => {
      config ??= configFromEnvironment({ ...io.env });
      return config;
    };
    const context: CommandContext = {
      args: { ...args, positionals },
      out: new Output(io, args.flag('json')),
      io,
      url,
      config: loadConfig,
      async backend() {
        opened ??= url
          ? remoteBackend({ url, token })
          : await openLocalBackend(loadConfig(), cliActor(io.env));
        return opened;
      },
    };
    return (await command.run(context)) ?? EXIT.ok;
  } catch (err) {
    return report(err, io, usage);
  } finally {
    await opened?.close().catch(() => {});
  }
}

/**
 * The one place failures become messages: `error: <message> (<code>)` on stderr; a usage error
 * also shows the usage of the command that was misused.
 */
export function report(err: unknown, io: Io, usage?: string): number {
  if (err instanceof UsageError) {
    const help = err.usage ?? usage;
    io.stderr(`error: ${err.message}\n${help ? `\n${help}` : ''}`);
    return EXIT.usage;
  }
  if (isTesseraError(err) || err instanceof jose.JOSEError) {
    io.stderr(`error: ${err.message} (${err.code})\n`);
  } else if (err instanceof CliError) {
    io.stderr(`error: ${err.message}\n`);
  } else {
    const message = err instanceof Error ? err.message : String(err);
    io.stderr(`error: ${message}\n${io.env.TESSERA_DEBUG ? '' : '(set TESSERA_DEBUG=1 for details)\n'}`);
  }
  if (io.env.TESSERA_DEBUG && err instanceof Error) io.stderr(`${err.stack ?? ''}\n`);
  return EXIT.failed;
}
