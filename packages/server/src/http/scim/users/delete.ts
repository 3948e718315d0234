import type { FastifyInstance } from 'fastify';
import { deleteUser, getUser } from '../../../core/users/service.js';
import { checkIfMatch, hasIfMatch } from '../etag.js';
import { endpoints, type ScimDeps, scimActorOf } from '../request.js';

/** DELETE /Users/{id} (RFC 7644 §3.6): 204; the user's tokens stop working (aver, user.deleted). */
export function deleteUserRoute(app: FastifyInstance, deps: ScimDeps): void {
  for (const url of endpoints('/Users/:id'))
    app.delete<{ Params: { id: string } }>(url, async (request, reply) => {
      const current = await getUser(deps.ctx, request.params.id);
      checkIfMatch(request, current.version);
      await deleteUser(deps.ctx, scimActorOf(request), current.id, {
        ...(hasIfMatch(request) ? { ifVersion: current.version } : {}),
      });
      return reply.code(204).send();
    });
}
