import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Actor, User } from '../../../core/model.js';
import { createUsers } from '../../../core/users/create-many.js';
import type { UserInput } from '../../../core/users/user.js';
import {
  BULK_MAX_PAYLOAD,
  type BulkOperation,
  readBulkRequest,
  resolveReferences,
} from '../../../scim/resources/bulk-request.js';
import type { Json } from '../../../scim/resources/normalize.js';
import { readUser } from '../../../scim/resources/user.js';
import { BULK_RESPONSE, ERROR } from '../../../scim/schema/urns.js';
import { scimErrorBody, toScimError } from '../errors.js';
import { etagOf } from '../etag.js';
import { createGroupOperation } from '../groups/create.js';
import { deleteGroupOperation } from '../groups/delete.js';
import { patchGroupOperation } from '../groups/patch.js';
import { replaceGroupOperation } from '../groups/replace.js';
import { sendResource } from '../render.js';
import {
  endpoints,
  SCIM_USER_INPUT,
  type ScimAnswer,
  type ScimCall,
  type ScimDeps,
  scimActorOf,
} from '../request.js';
import { createUserOperation } from '../users/create.js';
import { deleteUserOperation } from '../users/delete.js';
import { patchUserOperation } from '../users/patch.js';
import { replaceUserOperation } from '../users/replace.js';

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

type Operation = (deps: ScimDeps, call: ScimCall) => Promise<ScimAnswer>;

/** The same operations the single-resource routes run, by method and collection. */
const OPERATIONS: Record<string, Operation> = {
  'POST Users': createUserOperation,
  'PUT Users': replaceUserOperation,
  'PATCH Users': patchUserOperation,
  'DELETE Users': deleteUserOperation,
  'POST Groups': createGroupOperation,
  'PUT Groups': replaceGroupOperation,
  'PATCH Groups': patchGroupOperation,
  'DELETE Groups': deleteGroupOperation,
};

const errorResult = (op: BulkOperation, status: number, detail: string, scimType?: string): BulkResult => ({
  method: op.method,
  ...(op.bulkId === undefined ? {} : { bulkId: op.bulkId }),
  status: String(status),
  response: { schemas: [ERROR], status: String(status), ...(scimType ? { scimType } : {}), detail },
});

/** A failed operation's result: its RFC 7644 §3.12 error as `response`. */
function failedResult(request: FastifyRequest, op: BulkOperation, error: unknown): BulkResult {
  const err = toScimError(error instanceof Error ? error : new Error(String(error)));
  if (!err.expose) request.log.error({ err: error }, 'SCIM Bulk operation failed');
  return {
    method: op.method,
    ...(op.bulkId === undefined ? {} : { bulkId: op.bulkId }),
    status: String(err.status),
    response: scimErrorBody(err),
  };
}

/**
 * POST /Bulk (RFC 7644 §3.7). Each operation runs the same code as its single-resource route
 * (with the caller's identity, checked once for the whole request, and `version` as `If-Match`),
 * so it is checked, applied and audited exactly as it would be alone: a failing operation leaves
 * nothing behind and the others stand (§3.7: the service provider "SHOULD NOT roll back").
 * Consecutive POSTs of users are created as one batch (core/users/create-many.ts): one
 * transaction and a few multi-row statements, still one audit row and one event per user, and
 * still failing one by one. An operation waits until the operations whose bulkIds it names have
 * run (§3.7.2); operations that name each other in a cycle, or name one that failed, fail with
 * 409 and are not applied.
 */
export function bulkRoute(app: FastifyInstance, deps: ScimDeps): void {
  for (const url of endpoints('/Bulk'))
    app.post(url, { bodyLimit: BULK_MAX_PAYLOAD }, async (request, reply) => {
      const bulk = readBulkRequest(request.body);
      const actor = scimActorOf(request);
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

      // Consecutive POST /Users operations, ready to run, waiting to be created as one batch.
      let batch: { op: BulkOperation; input: UserInput }[] = [];
      const flush = async () => {
        if (batch.length === 0) return;
        const run = batch;
        batch = [];
        let created: (User | Error)[];
        try {
          created = await createUsers(
            deps.ctx,
            actor,
            run.map((item) => item.input),
            {
              ...SCIM_USER_INPUT,
              ...(bulk.failOnErrors === undefined ? {} : { maxErrors: bulk.failOnErrors - errors }),
            },
          );
        } catch (err) {
          // The batch's transaction rolled back whole: none of its users exists.
          created = run.map(() => (err instanceof Error ? err : new Error(String(err))));
          if (bulk.failOnErrors !== undefined) created = created.slice(0, bulk.failOnErrors - errors);
        }
        for (const [i, result] of created.entries()) {
          const op = (run[i] as (typeof run)[number]).op;
          if (result instanceof Error) {
            record(op, failedResult(request, op, result));
            continue;
          }
          if (op.bulkId !== undefined) ids.set(op.bulkId, result.id);
          record(op, {
            method: op.method,
            ...(op.bulkId === undefined ? {} : { bulkId: op.bulkId }),
            location: `${deps.baseUrl}/Users/${result.id}`,
            version: etagOf(result.version),
            status: '201',
          });
        }
      };

      let pending = bulk.operations;
      while (pending.length > 0 && !stop()) {
        const waiting: BulkOperation[] = [];
        for (const op of pending) {
          // What an operation names may be created by the batch: run the batch first.
          if (op.references.size > 0) await flush();
          if (stop()) break;
          const state = referenceState(op, definedBy, ids, failed);
          if (state.kind === 'wait') waiting.push(op);
          else if (state.kind === 'fail')
            record(op, errorResult(op, state.status, state.detail, state.scimType));
          else if (op.method === 'POST' && /^\/Users$/i.test(op.path)) {
            let input: UserInput;
            try {
              input = readUser(op.references.size === 0 ? op.data : resolveReferences(op.data, ids));
            } catch (err) {
              await flush();
              if (!stop()) record(op, failedResult(request, op, err));
              continue;
            }
            batch.push({ op, input });
          } else {
            await flush();
            if (!stop()) record(op, await run(deps, request, actor, op, ids));
          }
        }
        await flush();
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

/** One operation other than a batched POST /Users, through its route's code. */
async function run(
  deps: ScimDeps,
  request: FastifyRequest,
  actor: Actor,
  op: BulkOperation,
  ids: Map<string, string>,
): Promise<BulkResult> {
  const path = resolveReferences(op.path, ids);
  const match = RESOURCE_PATH.exec(path);
  let id: string | undefined;
  try {
    id = match?.[2] === undefined ? undefined : decodeURIComponent(match[2]);
  } catch {
    id = undefined;
  }
  if (match === null || (op.method === 'POST') !== (id === undefined))
    return errorResult(
      op,
      400,
      op.method === 'POST'
        ? `a POST goes to "/Users" or "/Groups", not "${path}"`
        : `a ${op.method} goes to "/Users/{id}" or "/Groups/{id}", not "${path}"`,
      'invalidPath',
    );
  const collection = match[1]?.toLowerCase() === 'users' ? 'Users' : 'Groups';
  const operation = OPERATIONS[`${op.method} ${collection}`] as Operation;
  let answer: ScimAnswer;
  try {
    answer = await operation(deps, {
      actor,
      id: id ?? '',
      body: op.data === undefined ? undefined : resolveReferences(op.data, ids),
      ifMatch: op.version,
      projection: {},
    });
  } catch (err) {
    return failedResult(request, op, err);
  }
  if (op.method === 'POST' && op.bulkId !== undefined && answer.id !== undefined)
    ids.set(op.bulkId, answer.id);
  return {
    method: op.method,
    ...(op.bulkId === undefined ? {} : { bulkId: op.bulkId }),
    ...(op.method === 'DELETE' || answer.location === undefined ? {} : { location: answer.location }),
    ...(answer.version === undefined ? {} : { version: etagOf(answer.version) }),
    status: String(answer.status),
  };
}
