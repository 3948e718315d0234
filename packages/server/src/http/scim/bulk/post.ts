import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  BULK_MAX_PAYLOAD,
  type BulkOperation,
  readBulkRequest,
  resolveReferences,
} from '../../../scim/resources/bulk-request.js';
import type { Json } from '../../../scim/resources/normalize.js';
import { BULK_RESPONSE, ERROR } from '../../../scim/schema/urns.js';
import { sendResource } from '../render.js';
import { endpoints, type ScimDeps } from '../request.js';

/** What each operation of a BulkResponse says (RFC 7644 §3.7.3). */
interface BulkResult {
  method: string;
  bulkId?: string;
  location?: string;
  version?: string;
  status: string;
  response?: Json;
}

/** A single-resource path once bulkIds are resolved: POST to a collection, else to one resource. */
const RESOURCE_PATH = /^\/(Users|Groups)(?:\/([^/?#]+))?$/i;

const errorResult = (op: BulkOperation, status: number, detail: string, scimType?: string): BulkResult => ({
  method: op.method,
  ...(op.bulkId === undefined ? {} : { bulkId: op.bulkId }),
  status: String(status),
  response: { schemas: [ERROR], status: String(status), ...(scimType ? { scimType } : {}), detail },
});

/**
 * POST /Bulk (RFC 7644 §3.7). Each operation is sent through the same route as the single
 * endpoint (with the caller's own credentials and `version` as `If-Match`), so it is checked,
 * applied and audited exactly as it would be alone, in its own transaction: a failing operation
 * leaves nothing behind and the others stand (§3.7: "the service provider … SHOULD NOT roll back").
 * An operation waits until the operations whose bulkIds it names have run (§3.7.2); operations
 * that name each other in a cycle, or name one that failed, fail with 409 and are not applied.
 */
export function bulkRoute(app: FastifyInstance, deps: ScimDeps): void {
  for (const url of endpoints('/Bulk'))
    app.post(url, { bodyLimit: BULK_MAX_PAYLOAD }, async (request, reply) => {
      const bulk = readBulkRequest(request.body);
      const definedBy = new Map<string, BulkOperation>();
      for (const op of bulk.operations) if (op.bulkId !== undefined) definedBy.set(op.bulkId, op);
      const ids = new Map<string, string>();
      const failed = new Set<string>();
      const results: BulkResult[] = [];
      let errors = 0;
      const record = (op: BulkOperation, result: BulkResult) => {
        results.push(result);
        if (Number(result.status) >= 400) {
          errors++;
          if (op.bulkId !== undefined) failed.add(op.bulkId);
        }
      };
      const stop = () => bulk.failOnErrors !== undefined && errors >= bulk.failOnErrors;

      let pending = bulk.operations;
      while (pending.length > 0 && !stop()) {
        const waiting: BulkOperation[] = [];
        for (const op of pending) {
          if (stop()) break;
          const state = referenceState(op, definedBy, ids, failed);
          if (state.kind === 'wait') waiting.push(op);
          else if (state.kind === 'fail')
            record(op, errorResult(op, state.status, state.detail, state.scimType));
          else record(op, await run(app, deps, request, op, ids));
        }
        if (waiting.length === pending.length) {
          // Nothing could run: every waiting operation is in, or behind, a cycle of bulkIds.
          for (const op of waiting) {
            if (stop()) break;
            record(op, errorResult(op, 409, 'circular bulkId references: the operations name each other'));
          }
          break;
        }
        pending = waiting;
      }
      return sendResource(reply, 200, { schemas: [BULK_RESPONSE], Operations: results as unknown as Json[] });
    });
}

type ReferenceState =
  | { kind: 'ready' }
  | { kind: 'wait' }
  | { kind: 'fail'; status: number; detail: string; scimType?: string };

function referenceState(
  op: BulkOperation,
  definedBy: ReadonlyMap<string, BulkOperation>,
  ids: ReadonlyMap<string, string>,
  failed: ReadonlySet<string>,
): ReferenceState {
  let wait = false;
  for (const ref of op.references) {
    if (ids.has(ref)) continue;
    if (!definedBy.has(ref) || ref === op.bulkId)
      return {
        kind: 'fail',
        status: 400,
        detail: `bulkId:${ref} names no other operation of this request`,
        scimType: 'invalidValue',
      };
    if (failed.has(ref))
      return { kind: 'fail', status: 409, detail: `bulkId:${ref} names an operation that failed` };
    wait = true;
  }
  return wait ? { kind: 'wait' } : { kind: 'ready' };
}

async function run(
  app: FastifyInstance,
  deps: ScimDeps,
  request: FastifyRequest,
  op: BulkOperation,
  ids: Map<string, string>,
): Promise<BulkResult> {
  const path = resolveReferences(op.path, ids);
  const match = RESOURCE_PATH.exec(path);
  if (match === null || (op.method === 'POST') !== (match[2] === undefined))
    return errorResult(
      op,
      400,
      op.method === 'POST'
        ? `a POST goes to "/Users" or "/Groups", not "${path}"`
        : `a ${op.method} goes to "/Users/{id}" or "/Groups/{id}", not "${path}"`,
      'invalidPath',
    );
  const data = op.data === undefined ? undefined : resolveReferences(op.data, ids);
  const headers: Record<string, string> = {};
  if (request.headers.authorization !== undefined) headers.authorization = request.headers.authorization;
  if (op.version !== undefined) headers['if-match'] = op.version;
  if (data !== undefined) headers['content-type'] = 'application/scim+json';
  const collection = match[1]?.toLowerCase() === 'users' ? 'Users' : 'Groups';
  const target = `/${collection}${match[2] === undefined ? '' : `/${encodeURIComponent(decodeURIComponent(match[2]))}`}`;
  const res = await app.inject({
    method: op.method,
    url: `${app.prefix}${target}`,
    headers,
    ...(data === undefined ? {} : { payload: JSON.stringify(data) }),
  });
  const result: BulkResult = {
    method: op.method,
    ...(op.bulkId === undefined ? {} : { bulkId: op.bulkId }),
    status: String(res.statusCode),
  };
  if (res.statusCode >= 400) {
    result.response = res.body ? (JSON.parse(res.body) as Json) : {};
    return result;
  }
  const etag = res.headers.etag;
  if (typeof etag === 'string') result.version = etag;
  if (op.method !== 'DELETE') {
    const location = res.headers.location;
    result.location = typeof location === 'string' ? location : `${deps.baseUrl}${target}`;
  }
  if (op.method === 'POST' && op.bulkId !== undefined) {
    const id = (JSON.parse(res.body) as { id?: unknown }).id;
    if (typeof id === 'string') ids.set(op.bulkId, id);
  }
  return result;
}
