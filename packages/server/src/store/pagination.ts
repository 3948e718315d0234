/**
 * Keyset pagination by id. The cursor is the last id of a page, base64url-encoded so callers
 * treat it as opaque; a page fetches one row more than asked to know whether another follows.
 */
import { invalid } from '../core/errors.js';
import type { ListOptions, Page } from '../core/model.js';

export const encodeCursor = (id: string): string => Buffer.from(id, 'utf8').toString('base64url');

/** The id after which the page starts, or undefined for the first page. */
export function afterId(options: ListOptions): string | undefined {
  const { cursor } = options;
  if (cursor === undefined || cursor === null || cursor === '') return undefined;
  const id = /^[A-Za-z0-9_-]+$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  if (id === '' || encodeCursor(id) !== cursor) throw invalid('cursor is not valid', 'cursor');
  return id;
}

/** How many rows to fetch for a page: one more than `limit`. */
export function fetchSize(options: ListOptions): number {
  const { limit } = options;
  if (!Number.isSafeInteger(limit) || limit < 1)
    throw new TypeError(`limit must be a positive integer, got ${limit}`);
  return limit + 1;
}

export function toPage<T>(rows: T[], options: ListOptions, idOf: (row: T) => string): Page<T> {
  if (rows.length <= options.limit) return { items: rows, nextCursor: null };
  const items = rows.slice(0, options.limit);
  const last = items[items.length - 1];
  return { items, nextCursor: last === undefined ? null : encodeCursor(idOf(last)) };
}
