import type { FastifyInstance } from 'fastify';
import { getUser } from '../../../core/users/service.js';
import { etagOf, notModified } from '../etag.js';
import { renderUsers, sendResource } from '../render.js';
import { endpoints, projectionOf, type ScimDeps } from '../request.js';

/** GET /Users/{id} (RFC 7644 §3.4.1); 304 when If-None-Match names the current version. */
export function getUserRoute(app: FastifyInstance, deps: ScimDeps): void {
  for (const url of endpoints('/Users/:id'))
    app.get<{ Params: { id: string } }>(url, async (request, reply) => {
      const projection = projectionOf(request);
      const user = await getUser(deps.ctx, request.params.id);
      if (notModified(request, user.version))
        return reply.code(304).header('ETag', etagOf(user.version)).send();
      const [resource] = await renderUsers(deps, [user], projection);
      return sendResource(reply, 200, resource ?? {}, user.version);
    });
}
