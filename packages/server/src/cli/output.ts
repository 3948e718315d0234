/**
 * What commands print. By default: aligned tables and `label: value` records for people.
 * With `--json`: one JSON document on stdout for programs. Messages meant for people only
 * (hints, warnings) go to stderr so that stdout stays parseable.
 */
import type { Io } from './io.js';

export interface Column<T> {
  header: string;
  value(row: T): unknown;
}

export type Field = readonly [label: string, value: unknown];

export class Output {
  readonly json: boolean;
  readonly #io: Io;

  constructor(io: Io, json: boolean) {
    this.#io = io;
    this.json = json;
  }

  /** Rows as a table; with --json, `data` (the rows themselves unless given). */
  table<T>(rows: readonly T[], columns: readonly Column<T>[], data: unknown = rows): void {
    if (this.json) this.#json(data);
    else this.#io.stdout(rows.length === 0 ? '(none)\n' : formatTable(rows, columns));
  }

  /** One object as aligned `label: value` lines; with --json, `data`. */
  record(fields: readonly Field[], data: unknown): void {
    if (this.json) this.#json(data);
    else this.#io.stdout(formatRecord(fields));
  }

  /** A sentence for people; with --json, `data` instead. */
  message(text: string, data: unknown): void {
    if (this.json) this.#json(data);
    else this.#io.stdout(`${clean(text)}\n`);
  }

  /** `data` with --json; nothing otherwise (the command speaks to people on stderr). */
  data(data: unknown): void {
    if (this.json) this.#json(data);
  }

  /** Text printed as it is in both modes (a token asked for, a help page). */
  raw(text: string): void {
    this.#io.stdout(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** A hint or warning for people, on stderr, in both modes. */
  note(text: string): void {
    this.#io.stderr(`${clean(text)}\n`);
  }

  #json(data: unknown): void {
    this.#io.stdout(`${JSON.stringify(data, null, 2)}\n`);
  }
}

export function formatTable<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const cells = rows.map((row) => columns.map((c) => formatValue(c.value(row))));
  const headers = columns.map((c) => c.header.toUpperCase());
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  const line = (values: readonly string[]) =>
    values
      .map((v, i) => (i === values.length - 1 ? v : v.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return `${[line(headers), ...cells.map(line)].join('\n')}\n`;
}

export function formatRecord(fields: readonly Field[]): string {
  const width = Math.max(0, ...fields.map(([label]) => label.length + 1));
  return `${fields.map(([label, value]) => `${`${label}:`.padEnd(width)} ${formatValue(value)}`.trimEnd()).join('\n')}\n`;
}

/** One cell: dates to the second, lists comma-separated, absent values as `-`. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined || value === '') return '-';
  if (value instanceof Date) {
    return Number.isNaN(value.getTime()) ? '-' : value.toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
  if (Array.isArray(value)) return value.length === 0 ? '-' : value.map(formatValue).join(', ');
  if (typeof value === 'object') return inline(JSON.stringify(value));
  return inline(String(value));
}

/** A cell or record value stays on one line whatever it holds. */
const inline = (text: string): string => clean(text.replace(/[\t\r\n]/g, ' '));

/**
 * Replaces control characters: names come from the store or a server, and an escape sequence
 * in a display name must not be able to rewrite the operator's terminal.
 */
export function clean(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: neutralizing control characters is the point
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '?');
}
