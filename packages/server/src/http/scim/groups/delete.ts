import type { FastifyInstance } from 'fastify';
import { deleteGroup, getGroup } from '../../../core/groups/service.js';
import { checkIfMatch, hasIfMatch } from '../etag.js';
import { endpoints, type ScimDeps, scimActorOf } from '../request.js';

/** DELETE /Groups/{id}: 204; members lose the group's roles through one group.deleted event. */
export function deleteGroupRoute(app: FastifyInstance, deps: ScimDeps): void {
  for (const url of endpoints('/Groups/:id'))
    app.delete<{ Params: { id: string } }>(url, async (request, reply) => {
      const current = await getGroup(deps.ctx, request.params.id);
      checkIfMatch(request, current.version);
      await deleteGroup(deps.ctx, scimActorOf(request), current.id, {
        ...(hasIfMatch(request) ? { ifVersion: current.version } : {}),
      });
      return reply.code(204).send();
    });
}
