import type { FastifyInstance } from 'fastify';
import { createGroupWithMembers } from '../../../core/groups/create-with-members.js';
import { readGroup } from '../../../scim/resources/group.js';
import { renderGroups, sendResource } from '../render.js';
import { endpoints, projectionOf, type ScimDeps, scimActorOf } from '../request.js';

/** POST /Groups (RFC 7644 §3.3): the group and its members in one transaction; 201. */
export function createGroupRoute(app: FastifyInstance, deps: ScimDeps): void {
  for (const url of endpoints('/Groups'))
    app.post(url, async (request, reply) => {
      const projection = projectionOf(request);
      const { members, ...input } = readGroup(request.body);
      const group = await createGroupWithMembers(deps.ctx, scimActorOf(request), input, {
        add: members.ids,
        displays: members.displays,
        ignoreUnknown: true,
      });
      const [resource] = await renderGroups(deps, [group], projection);
      reply.header('Location', `${deps.baseUrl}/Groups/${group.id}`);
      return sendResource(reply, 201, resource ?? {}, group.version);
    });
}
