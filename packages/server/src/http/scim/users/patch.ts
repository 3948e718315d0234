import type { FastifyInstance } from 'fastify';
import { getUser, updateUser } from '../../../core/users/service.js';
import { applyPatch } from '../../../scim/resources/patch.js';
import { readPatchRequest } from '../../../scim/resources/patch-request.js';
import { canonicalUser, USER_SCHEMAS, userInputOf } from '../../../scim/resources/user.js';
import { checkIfMatch } from '../etag.js';
import { asksForResource, userAnswer } from '../render.js';
import {
  callOf,
  endpoints,
  reply,
  SCIM_USER_INPUT,
  type ScimAnswer,
  type ScimCall,
  type ScimDeps,
  withRetry,
} from '../request.js';

/**
 * PATCH /Users/{id} (RFC 7644 §3.5.2): every operation applies to a copy of the user and the
 * result is stored in one update, so one failing operation leaves the user untouched. Answers
 * 204 with the new ETag, or 200 with the resource when `attributes`/`excludedAttributes` ask
 * for it (Entra ID expects 204).
 */
export async function patchUserOperation(deps: ScimDeps, call: ScimCall): Promise<ScimAnswer> {
  const operations = readPatchRequest(call.body);
  const user = await withRetry(call.ifMatch, async () => {
    const current = await getUser(deps.ctx, call.id);
    checkIfMatch(call.ifMatch, current.version);
    const patched = applyPatch(canonicalUser(current), operations, USER_SCHEMAS);
    return updateUser(deps.ctx, call.actor, current.id, userInputOf(patched), {
      ...SCIM_USER_INPUT,
      ifVersion: current.version,
    });
  });
  return userAnswer(deps, user, call.projection, asksForResource(call.projection) ? 200 : 204);
}

export function patchUserRoute(app: FastifyInstance, deps: ScimDeps): void {
  for (const url of endpoints('/Users/:id'))
    app.patch(url, async (request, to) => reply(to, await patchUserOperation(deps, callOf(request))));
}
