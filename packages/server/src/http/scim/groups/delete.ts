import type { FastifyInstance } from 'fastify';
import { deleteGroup, getGroup } from '../../../core/groups/service.js';
import { checkIfMatch } from '../etag.js';
import { callOf, endpoints, reply, type ScimAnswer, type ScimCall, type ScimDeps } from '../request.js';

/** DELETE /Groups/{id}: 204; members lose the group's roles through one group.deleted event. */
export async function deleteGroupOperation(deps: ScimDeps, call: ScimCall): Promise<ScimAnswer> {
  const current = await getGroup(deps.ctx, call.id);
  checkIfMatch(call.ifMatch, current.version);
  await deleteGroup(deps.ctx, call.actor, current.id, {
    ...(call.ifMatch !== undefined ? { ifVersion: current.version } : {}),
  });
  return { status: 204 };
}

export function deleteGroupRoute(app: FastifyInstance, deps: ScimDeps): void {
  for (const url of endpoints('/Groups/:id'))
    app.delete(url, async (request, to) => reply(to, await deleteGroupOperation(deps, callOf(request))));
}
