/**
 * A list request (RFC 7644 §3.4.2): query parameters of GET, or the SearchRequest body of POST
 * `/.search` (§3.4.3). Parameter names are matched case-insensitively.
 */
import type { AttrPath, Filter } from '../filter/ast.js';
import { parsePath } from '../path/parse.js';
import { SEARCH_REQUEST } from '../schema/urns.js';
import { parseFilterLenient } from './bare-values.js';
import { scimError } from './errors.js';
import { isObject, type Json, lookup } from './normalize.js';
import { type Projection, readAttributeList } from './projection.js';

/** Page size when `count` is absent, and the most a page may hold (`filter.maxResults`). */
export const DEFAULT_COUNT = 100;
export const MAX_RESULTS = 1000;

export interface ListRequest extends Projection {
  filter?: Filter;
  sortBy?: AttrPath;
  descending: boolean;
  /** 1-based (RFC 7644 §3.4.2.4). */
  startIndex: number;
  count: number;
}

export function readListQuery(query: Record<string, unknown>): ListRequest {
  return readList(query);
}

export function readSearchRequest(body: unknown): ListRequest {
  if (!isObject(body)) throw scimError('invalidSyntax', 'the request body must be a SearchRequest object');
  const schemas = lookup(body, 'schemas');
  if (
    schemas !== undefined &&
    !(
      Array.isArray(schemas) &&
      schemas.some((s) => typeof s === 'string' && s.toLowerCase() === SEARCH_REQUEST.toLowerCase())
    )
  )
    throw scimError('invalidSyntax', `"schemas" must be ["${SEARCH_REQUEST}"] (RFC 7644 §3.4.3)`);
  return readList(body);
}

function readList(source: Json): ListRequest {
  const get = (name: string) => lookup(source, name);
  const text = (name: string): string | undefined => {
    const v = get(name);
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string')
      throw scimError('invalidValue', `${name} must be a string`, { parameter: name });
    return v;
  };
  const integer = (name: string): number | undefined => {
    const v = get(name);
    if (v === undefined || v === null || v === '') return undefined;
    const n =
      typeof v === 'number'
        ? v
        : typeof v === 'string' && /^-?\d{1,15}$/.test(v.trim())
          ? Number(v)
          : Number.NaN;
    if (!Number.isSafeInteger(n))
      throw scimError('invalidValue', `${name} must be an integer`, { parameter: name });
    return n;
  };
  const filterText = text('filter');
  const sortByText = text('sortBy');
  const sortOrder = text('sortOrder');
  if (sortOrder !== undefined && !/^(ascending|descending)$/i.test(sortOrder))
    throw scimError('invalidValue', 'sortOrder must be "ascending" or "descending"', {
      parameter: 'sortOrder',
    });
  let sortBy: AttrPath | undefined;
  if (sortByText !== undefined) {
    const parsed = parsePath(sortByText);
    if (parsed.type !== 'attribute')
      throw scimError('invalidValue', 'sortBy names one attribute', { parameter: 'sortBy' });
    sortBy = parsed.path;
  }
  // §3.4.2.4: startIndex below 1 is read as 1; count below 0 as 0; above maxResults as maxResults.
  const startIndex = Math.max(1, integer('startIndex') ?? 1);
  const count = Math.min(MAX_RESULTS, Math.max(0, integer('count') ?? DEFAULT_COUNT));
  const attributes = readAttributeList(get('attributes'), 'attributes');
  const excludedAttributes = readAttributeList(get('excludedAttributes'), 'excludedAttributes');
  return {
    ...(filterText === undefined || filterText.trim() === ''
      ? {}
      : { filter: parseFilterLenient(filterText) }),
    ...(sortBy === undefined ? {} : { sortBy }),
    descending: sortOrder?.toLowerCase() === 'descending',
    startIndex,
    count,
    ...(attributes === undefined ? {} : { attributes }),
    ...(excludedAttributes === undefined ? {} : { excludedAttributes }),
  };
}
