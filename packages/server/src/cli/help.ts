/** Help pages, written from the same declarations the parser uses. */
import type { OptionSpecs } from './args.js';
import { type Command, type Entry, type Group, isGroup } from './command.js';

export const GLOBAL_OPTIONS: OptionSpecs = {
  json: { type: 'boolean', description: 'print machine-readable JSON instead of tables' },
  url: {
    type: 'string',
    value: 'URL',
    description: "act through a running server's admin API instead of the local store (env TESSERA_URL)",
  },
  token: {
    type: 'string',
    value: 'TOKEN',
    description: 'admin access token for --url (better: env TESSERA_TOKEN, out of shell history)',
  },
  help: { type: 'boolean', short: 'h', description: 'show help' },
};

function optionLines(options: OptionSpecs): string[] {
  const rows = Object.entries(options).map(([name, spec]) => {
    const flag = `${spec.short ? `-${spec.short}, ` : ''}--${name}${spec.value ? ` ${spec.value}` : ''}`;
    return [flag, spec.description] as const;
  });
  const width = Math.max(0, ...rows.map(([flag]) => flag.length));
  return rows.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`);
}

function entryLines(entries: readonly Entry[]): string[] {
  const width = Math.max(0, ...entries.map((e) => e.name.length));
  return entries.map((e) => `  ${e.name.padEnd(width)}  ${e.summary}`);
}

export function programHelp(entries: readonly Entry[]): string {
  return [
    'tessera: provision users, groups, roles and clients; issue and check JWT access tokens',
    '',
    'Usage: tessera <command> [options]',
    '',
    'Commands:',
    ...entryLines(entries),
    '',
    'Global options:',
    ...optionLines(GLOBAL_OPTIONS),
    '',
    'Without --url, commands act on the local store the server uses: TESSERA_DATA_DIR (SQLite,',
    'default ./data) or TESSERA_DATABASE_URL (PostgreSQL), or the JSON file named by TESSERA_CONFIG.',
    "Run `tessera <command> --help` for a command's options.",
    '',
  ].join('\n');
}

export function groupHelp(group: Group): string {
  const fallback = group.default;
  const options =
    fallback?.options && Object.keys(fallback.options).length > 0 ? optionLines(fallback.options) : [];
  return [
    `Usage: tessera ${group.name} <command> [options]`,
    ...(fallback ? [`       tessera ${group.name} [options]`] : []),
    '',
    group.summary,
    '',
    'Commands:',
    ...entryLines(group.commands),
    '',
    ...(fallback
      ? [
          `Without a command: ${fallback.summary}`,
          ...(options.length > 0 ? ['', 'Options:', ...options] : []),
          ...(fallback.details ? ['', fallback.details] : []),
          '',
        ]
      : []),
    `Run \`tessera ${group.name} <command> --help\` for a command's options.`,
    '',
  ].join('\n');
}

export function commandHelp(command: Command, group?: Group): string {
  const words = group ? `${group.name} ${command.name}` : command.name;
  const positionals = command.args?.length ? ` ${command.args.join(' ')}` : '';
  const options =
    command.options && Object.keys(command.options).length > 0 ? optionLines(command.options) : [];
  return [
    `Usage: tessera ${words}${positionals} [options]`,
    '',
    command.summary,
    ...(options.length > 0 ? ['', 'Options:', ...options] : []),
    ...(command.details ? ['', command.details] : []),
    '',
    'Global options:',
    ...optionLines(GLOBAL_OPTIONS),
    '',
  ].join('\n');
}

export const helpFor = (entries: readonly Entry[], entry?: Entry, command?: Command): string =>
  entry === undefined
    ? programHelp(entries)
    : isGroup(entry)
      ? command && command !== entry.default
        ? commandHelp(command, entry)
        : groupHelp(entry)
      : commandHelp(entry);
