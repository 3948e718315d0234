import type { FastifyInstance } from 'fastify';
import { getGroup } from '../../../core/groups/service.js';
import { etagOf, notModified } from '../etag.js';
import { renderGroups, sendResource } from '../render.js';
import { endpoints, projectionOf, type ScimDeps } from '../request.js';

/** GET /Groups/{id}; `excludedAttributes=members` skips reading the members at all. */
export function getGroupRoute(app: FastifyInstance, deps: ScimDeps): void {
  for (const url of endpoints('/Groups/:id'))
    app.get<{ Params: { id: string } }>(url, async (request, reply) => {
      const projection = projectionOf(request);
      const group = await getGroup(deps.ctx, request.params.id);
      if (notModified(request, group.version))
        return reply.code(304).header('ETag', etagOf(group.version)).send();
      const [resource] = await renderGroups(deps, [group], projection);
      return sendResource(reply, 200, resource ?? {}, group.version);
    });
}
