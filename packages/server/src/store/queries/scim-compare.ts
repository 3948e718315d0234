/**
 * SQL building blocks of the SCIM filter translation (scim-filter.ts): two-valued boolean
 * combinators, the evaluator's up-front refusals, prefix ranges and instant comparisons.
 */
import { type RawBuilder, type SqlBool, sql } from 'kysely';
import { TesseraError } from '../../core/errors.js';
import type { AttrPath, CompareFilter } from '../../scim/filter/ast.js';
import { ORDERING_OPERATORS, SUBSTRING_OPERATORS } from '../../scim/filter/ast.js';
import { stringifyAttrPath } from '../../scim/filter/stringify.js';
import type { StoreDialect } from '../schema.js';

export type Sql = RawBuilder<unknown>;
export type Bool = RawBuilder<SqlBool>;

export const TRUE: Bool = sql<SqlBool>`(1 = 1)`;
export const FALSE: Bool = sql<SqlBool>`(1 = 0)`;

export function invalidFilter(message: string, attribute?: AttrPath): TesseraError {
  return new TesseraError('ERR_VALIDATION', `invalid filter: ${message}`, {
    scimType: 'invalidFilter',
    detail: attribute === undefined ? {} : { attribute: stringifyAttrPath(attribute) },
  });
}

export const not = (b: Bool): Bool => sql<SqlBool>`(not ${b})`;
export const and = (items: Bool[]): Bool => sql<SqlBool>`(${sql.join(items, sql` and `)})`;
export const or = (items: Bool[]): Bool => sql<SqlBool>`(${sql.join(items, sql` or `)})`;
export const isNotNull = (e: Sql): Bool => sql<SqlBool>`(${e} is not null)`;

/** `$."a"."b"`: SQLite JSON path with every key quoted (keys hold ":" and "." in URNs). */
export const jsonPath = (key: readonly string[]): string =>
  `$${key.map((k) => `."${k.replace(/"/g, '')}"`).join('')}`;

/** The evaluator's up-front refusals (checkCombination): ordering null or booleans, substrings of non-strings. */
export function checkCombination(filter: CompareFilter): void {
  const { op, value } = filter;
  if (ORDERING_OPERATORS.has(op) && (typeof value === 'boolean' || value === null))
    throw invalidFilter(`"${op}" orders strings, numbers and dateTimes, not ${String(value)}`, filter.path);
  if (SUBSTRING_OPERATORS.has(op) && typeof value !== 'string')
    throw invalidFilter(`"${op}" matches strings, not ${JSON.stringify(value)}`, filter.path);
}

/**
 * The smallest string greater than every string that starts with `s`, in code-point order
 * (SQLite's BINARY and PostgreSQL's "C" collations), so `sw` is an index range.
 */
export function successor(s: string): string | undefined {
  const points = [...s];
  while (points.length > 0) {
    const last = (points.pop() as string).codePointAt(0) as number;
    let next = last + 1;
    if (next === 0xd800) next = 0xe000;
    if (next <= 0x10ffff) {
      points.push(String.fromCodePoint(next));
      return points.join('');
    }
  }
  return undefined;
}

/**
 * A comparison with an instant stored as epoch milliseconds: the value may carry more fraction
 * digits than milliseconds, so `gt 12:00:00.0005` holds from .001 on.
 */
export function instantMatch(op: CompareFilter['op'], instant: { seconds: number; fraction: string }) {
  const ms = instant.seconds * 1000 + Number(instant.fraction.slice(0, 3).padEnd(3, '0'));
  const exact = instant.fraction.length <= 3;
  // The stored (whole) milliseconds against the value, as compareInstants would order them.
  const order = (v: Sql, opTrue: 'eq' | 'gt' | 'ge' | 'lt' | 'le'): Bool => {
    switch (opTrue) {
      case 'eq':
        return exact ? sql<SqlBool>`(${v} = ${ms})` : FALSE;
      case 'gt':
        return sql<SqlBool>`(${v} > ${ms})`;
      case 'ge':
        return exact ? sql<SqlBool>`(${v} >= ${ms})` : sql<SqlBool>`(${v} > ${ms})`;
      case 'lt':
        return exact ? sql<SqlBool>`(${v} < ${ms})` : sql<SqlBool>`(${v} <= ${ms})`;
      case 'le':
        return sql<SqlBool>`(${v} <= ${ms})`;
    }
  };
  return (v: Sql): Bool => order(v, op === 'ne' ? 'eq' : (op as 'eq' | 'gt' | 'ge' | 'lt' | 'le'));
}

/** One present string against `s` (already folded when the attribute is case-insensitive). */
export function textMatch(dialect: StoreDialect, op: CompareFilter['op'], v: Sql, s: string): Bool {
  const c = dialect === 'postgres' ? sql`${v} collate "C"` : v;
  const n = [...s].length;
  switch (op) {
    case 'eq':
    case 'ne':
      return sql<SqlBool>`(${v} = ${s})`;
    case 'sw': {
      if (n === 0) return TRUE;
      const next = successor(s);
      return next === undefined
        ? sql<SqlBool>`(${c} >= ${s})`
        : sql<SqlBool>`(${c} >= ${s} and ${c} < ${next})`;
    }
    case 'ew':
      if (n === 0) return TRUE;
      return dialect === 'postgres'
        ? sql<SqlBool>`(right(${v}, ${n}) = ${s})`
        : sql<SqlBool>`(substr(${v}, ${-n}) = ${s})`;
    case 'co':
      if (n === 0) return TRUE;
      return dialect === 'postgres'
        ? sql<SqlBool>`(strpos(${v}, ${s}) > 0)`
        : sql<SqlBool>`(instr(${v}, ${s}) > 0)`;
    case 'gt':
      return sql<SqlBool>`(${c} > ${s})`;
    case 'ge':
      return sql<SqlBool>`(${c} >= ${s})`;
    case 'lt':
      return sql<SqlBool>`(${c} < ${s})`;
    case 'le':
      return sql<SqlBool>`(${c} <= ${s})`;
  }
}
