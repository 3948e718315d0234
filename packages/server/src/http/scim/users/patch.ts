import type { FastifyInstance } from 'fastify';
import { getUser, updateUser } from '../../../core/users/service.js';
import { applyPatch } from '../../../scim/resources/patch.js';
import { readPatchRequest } from '../../../scim/resources/patch-request.js';
import { canonicalUser, USER_SCHEMAS, userInputOf } from '../../../scim/resources/user.js';
import { checkIfMatch, etagOf } from '../etag.js';
import { asksForResource, renderUsers, sendResource } from '../render.js';
import {
  endpoints,
  projectionOf,
  SCIM_USER_INPUT,
  type ScimDeps,
  scimActorOf,
  withRetry,
} from '../request.js';

/**
 * PATCH /Users/{id} (RFC 7644 §3.5.2): every operation applies to a copy of the user and the
 * result is stored in one update, so one failing operation leaves the user untouched. Answers
 * 204 with the new ETag, or 200 with the resource when `attributes`/`excludedAttributes` ask
 * for it (Entra ID expects 204).
 */
export function patchUserRoute(app: FastifyInstance, deps: ScimDeps): void {
  for (const url of endpoints('/Users/:id'))
    app.patch<{ Params: { id: string } }>(url, async (request, reply) => {
      const projection = projectionOf(request);
      const operations = readPatchRequest(request.body);
      const user = await withRetry(request, async () => {
        const current = await getUser(deps.ctx, request.params.id);
        checkIfMatch(request, current.version);
        const patched = applyPatch(canonicalUser(current), operations, USER_SCHEMAS);
        return updateUser(deps.ctx, scimActorOf(request), current.id, userInputOf(patched), {
          ...SCIM_USER_INPUT,
          ifVersion: current.version,
        });
      });
      if (!asksForResource(projection)) return reply.code(204).header('ETag', etagOf(user.version)).send();
      const [resource] = await renderUsers(deps, [user], projection);
      return sendResource(reply, 200, resource ?? {}, user.version);
    });
}
