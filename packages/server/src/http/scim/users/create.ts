import type { FastifyInstance } from 'fastify';
import { createUser } from '../../../core/users/service.js';
import { readUser } from '../../../scim/resources/user.js';
import { renderUsers, sendResource } from '../render.js';
import { endpoints, projectionOf, SCIM_USER_INPUT, type ScimDeps, scimActorOf } from '../request.js';

/** POST /Users (RFC 7644 §3.3): 201 with Location and ETag; a taken userName is 409 uniqueness. */
export function createUserRoute(app: FastifyInstance, deps: ScimDeps): void {
  for (const url of endpoints('/Users'))
    app.post(url, async (request, reply) => {
      const projection = projectionOf(request);
      const user = await createUser(deps.ctx, scimActorOf(request), readUser(request.body), SCIM_USER_INPUT);
      const [resource] = await renderUsers(deps, [user], projection);
      reply.header('Location', `${deps.baseUrl}/Users/${user.id}`);
      return sendResource(reply, 201, resource ?? {}, user.version);
    });
}
