import type { FastifyInstance } from 'fastify';
import { modifyGroup } from '../../../core/groups/modify.js';
import { getGroup } from '../../../core/groups/service.js';
import { readGroup } from '../../../scim/resources/group.js';
import { checkIfMatch, hasIfMatch } from '../etag.js';
import { renderGroups, sendResource } from '../render.js';
import { endpoints, projectionOf, type ScimDeps, scimActorOf } from '../request.js';

/** PUT /Groups/{id} (RFC 7644 §3.5.1): attributes and members become exactly what the body says. */
export function replaceGroupRoute(app: FastifyInstance, deps: ScimDeps): void {
  for (const url of endpoints('/Groups/:id'))
    app.put<{ Params: { id: string } }>(url, async (request, reply) => {
      const projection = projectionOf(request);
      const current = await getGroup(deps.ctx, request.params.id);
      checkIfMatch(request, current.version);
      const { members, ...attributes } = readGroup(request.body);
      const group = await modifyGroup(
        deps.ctx,
        scimActorOf(request),
        current.id,
        {
          attributes,
          members: { replace: true, add: members.ids, displays: members.displays, ignoreUnknown: true },
        },
        hasIfMatch(request) ? { ifVersion: current.version } : {},
      );
      const [resource] = await renderGroups(deps, [group], projection);
      return sendResource(reply, 200, resource ?? {}, group.version);
    });
}
