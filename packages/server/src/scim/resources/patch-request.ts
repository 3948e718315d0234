/**
 * Reads a PATCH request (RFC 7644 §3.5.2): `schemas` naming PatchOp and `Operations`, each an
 * `op` of add/remove/replace — in any case, since Entra ID sends `Replace` and `Add` — with an
 * optional `path` and a `value`. Member names are matched case-insensitively too.
 */
import type { PatchPath } from '../path/ast.js';
import { parsePath } from '../path/parse.js';
import { PATCH_OP } from '../schema/urns.js';
import { scimError } from './errors.js';
import { isObject, lookup } from './normalize.js';

export type PatchOp = 'add' | 'remove' | 'replace';

export interface PatchOperation {
  readonly op: PatchOp;
  readonly path: PatchPath | undefined;
  /** undefined when the operation has no `value` member. */
  readonly value: unknown;
  /** Position in `Operations`, for messages. */
  readonly index: number;
}

/** Most operations one PATCH may carry. */
export const MAX_OPERATIONS = 1000;

export function readPatchRequest(body: unknown): PatchOperation[] {
  if (!isObject(body)) throw scimError('invalidSyntax', 'the request body must be a JSON object');
  const schemas = lookup(body, 'schemas');
  if (
    !Array.isArray(schemas) ||
    !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === PATCH_OP.toLowerCase())
  )
    throw scimError('invalidSyntax', `"schemas" must be ["${PATCH_OP}"] (RFC 7644 §3.5.2)`);
  const operations = lookup(body, 'Operations');
  if (!Array.isArray(operations) || operations.length === 0)
    throw scimError('invalidSyntax', '"Operations" must be a non-empty array (RFC 7644 §3.5.2)');
  if (operations.length > MAX_OPERATIONS)
    throw scimError('tooMany', `at most ${MAX_OPERATIONS} operations per PATCH`);
  return operations.map((operation, index) => readOperation(operation, index));
}

function readOperation(operation: unknown, index: number): PatchOperation {
  const where = `Operations[${index}]`;
  if (!isObject(operation)) throw scimError('invalidSyntax', `${where} must be an object`);
  const op = lookup(operation, 'op');
  if (typeof op !== 'string' || !['add', 'remove', 'replace'].includes(op.toLowerCase()))
    throw scimError('invalidSyntax', `${where}.op must be "add", "remove" or "replace"`, {
      operation: index,
    });
  const rawPath = lookup(operation, 'path');
  if (rawPath !== undefined && rawPath !== null && typeof rawPath !== 'string')
    throw scimError('invalidPath', `${where}.path must be a string`, { operation: index });
  const path = typeof rawPath === 'string' ? parsePath(rawPath) : undefined;
  const value = lookup(operation, 'value');
  const kind = op.toLowerCase() as PatchOp;
  // RFC 7644 §3.5.2.2: "If 'path' is unspecified, the operation fails … 'noTarget'."
  if (kind === 'remove' && path === undefined)
    throw scimError('noTarget', `${where}: remove needs a path`, { operation: index });
  if (kind !== 'remove' && value === undefined)
    throw scimError('invalidSyntax', `${where}: ${kind} needs a value`, { operation: index });
  return { op: kind, path, value, index };
}
