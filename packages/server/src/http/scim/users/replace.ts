import type { FastifyInstance } from 'fastify';
import { getUser, updateUser } from '../../../core/users/service.js';
import { readUser } from '../../../scim/resources/user.js';
import { checkIfMatch, hasIfMatch } from '../etag.js';
import { renderUsers, sendResource } from '../render.js';
import { endpoints, projectionOf, SCIM_USER_INPUT, type ScimDeps, scimActorOf } from '../request.js';

/**
 * PUT /Users/{id} (RFC 7644 §3.5.1): every attribute the body leaves out is cleared — the
 * identity provider owns what it sends. readOnly values (`id`, `meta`) are ignored.
 */
export function replaceUserRoute(app: FastifyInstance, deps: ScimDeps): void {
  for (const url of endpoints('/Users/:id'))
    app.put<{ Params: { id: string } }>(url, async (request, reply) => {
      const projection = projectionOf(request);
      const current = await getUser(deps.ctx, request.params.id);
      checkIfMatch(request, current.version);
      const input = readUser(request.body);
      const user = await updateUser(deps.ctx, scimActorOf(request), current.id, input, {
        ...SCIM_USER_INPUT,
        ...(hasIfMatch(request) ? { ifVersion: current.version } : {}),
      });
      const [resource] = await renderUsers(deps, [user], projection);
      return sendResource(reply, 200, resource ?? {}, user.version);
    });
}
