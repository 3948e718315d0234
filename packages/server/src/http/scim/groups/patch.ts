import type { FastifyInstance } from 'fastify';
import { modifyGroup } from '../../../core/groups/modify.js';
import { getGroup } from '../../../core/groups/service.js';
import { canonicalGroup } from '../../../scim/resources/group.js';
import { planGroupPatch } from '../../../scim/resources/group-patch.js';
import { readPatchRequest } from '../../../scim/resources/patch-request.js';
import { checkIfMatch, etagOf } from '../etag.js';
import { asksForResource, renderGroups, sendResource } from '../render.js';
import { endpoints, projectionOf, type ScimDeps, scimActorOf, withRetry } from '../request.js';

/**
 * PATCH /Groups/{id} (RFC 7644 §3.5.2). Member operations become one set of ids to add and one
 * to remove (or "replace all"), applied by the store in batches inside the group's transaction:
 * adding 10,000 members reads no member list, and nothing is half-applied.
 */
export function patchGroupRoute(app: FastifyInstance, deps: ScimDeps): void {
  for (const url of endpoints('/Groups/:id'))
    app.patch<{ Params: { id: string } }>(url, async (request, reply) => {
      const projection = projectionOf(request);
      const operations = readPatchRequest(request.body);
      const group = await withRetry(request, async () => {
        const current = await getGroup(deps.ctx, request.params.id);
        checkIfMatch(request, current.version);
        const plan = planGroupPatch(canonicalGroup(current), operations);
        return modifyGroup(
          deps.ctx,
          scimActorOf(request),
          current.id,
          {
            attributes: {
              displayName: plan.resource.displayName as string,
              externalId: (plan.resource.externalId as string | undefined) ?? null,
            },
            ...(plan.members === undefined ? {} : { members: plan.members }),
          },
          { ifVersion: current.version },
        );
      });
      if (!asksForResource(projection)) return reply.code(204).header('ETag', etagOf(group.version)).send();
      const [resource] = await renderGroups(deps, [group], projection);
      return sendResource(reply, 200, resource ?? {}, group.version);
    });
}
