/**
 * Reads a BulkRequest (RFC 7644 §3.7): `schemas` naming BulkRequest, `Operations` of
 * `method`/`path`/`bulkId`/`version`/`data`, and `failOnErrors`. Also finds the `bulkId:`
 * references an operation makes (RFC 7644 §3.7.2), in its path and anywhere in its data, and
 * substitutes them once the operations that define them have run.
 */
import { TesseraError } from '../../core/errors.js';
import { BULK_REQUEST } from '../schema/urns.js';
import { scimError } from './errors.js';
import { isObject, lookup } from './normalize.js';

/** Most operations one BulkRequest may carry (advertised as `bulk.maxOperations`). */
export const BULK_MAX_OPERATIONS = 1000;
/** Largest BulkRequest body, in bytes (advertised as `bulk.maxPayloadSize`). */
export const BULK_MAX_PAYLOAD = 4 * 1024 * 1024;

export type BulkMethod = 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface BulkOperation {
  readonly index: number;
  readonly method: BulkMethod;
  readonly path: string;
  readonly bulkId: string | undefined;
  readonly version: string | undefined;
  readonly data: unknown;
  /** The bulkIds this operation refers to, in its path or data. */
  readonly references: ReadonlySet<string>;
}

export interface BulkRequest {
  readonly failOnErrors: number | undefined;
  readonly operations: BulkOperation[];
}

const METHODS = new Set<string>(['POST', 'PUT', 'PATCH', 'DELETE']);
const REFERENCE = /bulkId:([^/\s"?]+)/g;

export function readBulkRequest(body: unknown): BulkRequest {
  if (!isObject(body)) throw scimError('invalidSyntax', 'the request body must be a JSON object');
  const schemas = lookup(body, 'schemas');
  if (
    !Array.isArray(schemas) ||
    !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === BULK_REQUEST.toLowerCase())
  )
    throw scimError('invalidSyntax', `"schemas" must be ["${BULK_REQUEST}"] (RFC 7644 §3.7)`);
  const failOnErrors = lookup(body, 'failOnErrors');
  if (failOnErrors !== undefined && (!Number.isSafeInteger(failOnErrors) || (failOnErrors as number) < 1))
    throw scimError('invalidValue', '"failOnErrors" must be an integer of at least 1');
  const operations = lookup(body, 'Operations');
  if (!Array.isArray(operations) || operations.length === 0)
    throw scimError('invalidSyntax', '"Operations" must be a non-empty array (RFC 7644 §3.7)');
  // RFC 7644 §3.7.4: over maxOperations, 413 Payload Too Large.
  if (operations.length > BULK_MAX_OPERATIONS)
    throw new TesseraError(
      'ERR_PAYLOAD_TOO_LARGE',
      `The number of operations exceeds the maxOperations (${BULK_MAX_OPERATIONS}).`,
      { scimType: 'tooMany' },
    );
  const read = operations.map((operation, index) => readOperation(operation, index));
  const seen = new Set<string>();
  for (const op of read) {
    if (op.bulkId === undefined) continue;
    if (seen.has(op.bulkId))
      throw scimError('invalidValue', `Operations[${op.index}]: bulkId "${op.bulkId}" is used twice`);
    seen.add(op.bulkId);
  }
  return { failOnErrors: failOnErrors as number | undefined, operations: read };
}

function readOperation(operation: unknown, index: number): BulkOperation {
  const where = `Operations[${index}]`;
  if (!isObject(operation)) throw scimError('invalidSyntax', `${where} must be an object`);
  const method = lookup(operation, 'method');
  if (typeof method !== 'string' || !METHODS.has(method.toUpperCase()))
    throw scimError('invalidSyntax', `${where}.method must be POST, PUT, PATCH or DELETE`);
  const path = lookup(operation, 'path');
  if (typeof path !== 'string' || !path.startsWith('/'))
    throw scimError('invalidPath', `${where}.path must be a resource path such as "/Users"`);
  const bulkId = lookup(operation, 'bulkId');
  if (bulkId !== undefined && (typeof bulkId !== 'string' || !/^[^/\s"?]{1,256}$/.test(bulkId)))
    throw scimError('invalidValue', `${where}.bulkId must be a short string without spaces or slashes`);
  const upper = method.toUpperCase() as BulkMethod;
  // RFC 7644 §3.7: "bulkId … REQUIRED when 'method' is 'POST'".
  if (upper === 'POST' && bulkId === undefined)
    throw scimError('invalidSyntax', `${where}: a POST needs a bulkId`);
  const version = lookup(operation, 'version');
  if (version !== undefined && typeof version !== 'string')
    throw scimError('invalidValue', `${where}.version must be a string`);
  const data = lookup(operation, 'data');
  if (upper !== 'DELETE' && !isObject(data))
    throw scimError('invalidSyntax', `${where}: ${upper} needs "data", an object`);
  const references = new Set<string>();
  collectReferences(path, references);
  if (upper !== 'DELETE') collectReferences(data, references);
  return {
    index,
    method: upper,
    path,
    bulkId: bulkId as string | undefined,
    version: version as string | undefined,
    data: upper === 'DELETE' ? undefined : data,
    references,
  };
}

function collectReferences(value: unknown, into: Set<string>): void {
  if (typeof value === 'string') {
    for (const match of value.matchAll(REFERENCE)) if (match[1] !== undefined) into.add(match[1]);
  } else if (Array.isArray(value)) {
    for (const item of value) collectReferences(item, into);
  } else if (isObject(value)) {
    for (const item of Object.values(value)) collectReferences(item, into);
  }
}

/** The value with every `bulkId:x` replaced by the id the operation defining `x` created. */
export function resolveReferences<T>(value: T, ids: ReadonlyMap<string, string>): T {
  if (typeof value === 'string')
    return value.replace(REFERENCE, (whole, bulkId: string) => ids.get(bulkId) ?? whole) as T;
  if (Array.isArray(value)) return value.map((item) => resolveReferences(item, ids)) as T;
  if (isObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = resolveReferences(item, ids);
    return out as T;
  }
  return value;
}
