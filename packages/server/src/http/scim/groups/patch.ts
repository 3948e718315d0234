import type { FastifyInstance } from 'fastify';
import { modifyGroup } from '../../../core/groups/modify.js';
import { getGroup } from '../../../core/groups/service.js';
import { canonicalGroup } from '../../../scim/resources/group.js';
import { planGroupPatch } from '../../../scim/resources/group-patch.js';
import { readPatchRequest } from '../../../scim/resources/patch-request.js';
import { checkIfMatch } from '../etag.js';
import { asksForResource, groupAnswer } from '../render.js';
import {
  callOf,
  endpoints,
  reply,
  type ScimAnswer,
  type ScimCall,
  type ScimDeps,
  withRetry,
} from '../request.js';

/**
 * PATCH /Groups/{id} (RFC 7644 §3.5.2). Member operations become one set of ids to add and one
 * to remove (or "replace all"), applied by the store in batches inside the group's transaction:
 * adding 10,000 members reads no member list, and nothing is half-applied.
 */
export async function patchGroupOperation(deps: ScimDeps, call: ScimCall): Promise<ScimAnswer> {
  const operations = readPatchRequest(call.body);
  const group = await withRetry(call.ifMatch, async () => {
    const current = await getGroup(deps.ctx, call.id);
    checkIfMatch(call.ifMatch, current.version);
    const plan = planGroupPatch(canonicalGroup(current), operations);
    return modifyGroup(
      deps.ctx,
      call.actor,
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
  return groupAnswer(deps, group, call.projection, asksForResource(call.projection) ? 200 : 204);
}

export function patchGroupRoute(app: FastifyInstance, deps: ScimDeps): void {
  for (const url of endpoints('/Groups/:id'))
    app.patch(url, async (request, to) => reply(to, await patchGroupOperation(deps, callOf(request))));
}
