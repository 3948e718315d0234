import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

/** The root database or a transaction: every query function takes either. */
export type Db = Kysely<Database>;

/**
 * Runs several statements as one unit: inside a transaction they already are; on the root
 * database a transaction is opened so a multi-row write never lands half-done.
 */
export const atomic = <T>(db: Db, fn: (db: Db) => Promise<T>): Promise<T> =>
  db.isTransaction ? fn(db) : db.transaction().execute(fn);

export const toMillis = (date: Date): number => date.getTime();
export const fromMillis = (ms: number): Date => new Date(Number(ms));
export const toMillisOrNull = (date: Date | null): number | null => (date === null ? null : date.getTime());
export const fromMillisOrNull = (ms: number | null): Date | null =>
  ms === null ? null : new Date(Number(ms));

export const toFlag = (value: boolean): number => (value ? 1 : 0);
export const fromFlag = (value: number | boolean): boolean => value === 1 || value === true;

export const parseJson = <T>(text: string): T => JSON.parse(text) as T;

/** Sorted (by code point, the same in both dialects), de-duplicated. */
export const sortedUnique = (values: Iterable<string>): string[] =>
  [...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

/** Bound parameters per statement stay well under SQLite's and PostgreSQL's limits. */
const CHUNK = 500;

export function chunks<T>(values: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += CHUNK) out.push(values.slice(i, i + CHUNK));
  return out;
}

/** Whether a statement touched any row (from Kysely's numInserted/Updated/DeletedRows). */
export const changed = (rows: bigint | undefined): boolean => (rows ?? 0n) > 0n;
