import type { FastifyInstance } from 'fastify';
import { modifyGroup } from '../../../core/groups/modify.js';
import { getGroup } from '../../../core/groups/service.js';
import { readGroup } from '../../../scim/resources/group.js';
import { checkIfMatch } from '../etag.js';
import { groupAnswer } from '../render.js';
import { callOf, endpoints, reply, type ScimAnswer, type ScimCall, type ScimDeps } from '../request.js';

/** PUT /Groups/{id} (RFC 7644 §3.5.1): attributes and members become exactly what the body says. */
export async function replaceGroupOperation(deps: ScimDeps, call: ScimCall): Promise<ScimAnswer> {
  const current = await getGroup(deps.ctx, call.id);
  checkIfMatch(call.ifMatch, current.version);
  const { members, ...attributes } = readGroup(call.body);
  const group = await modifyGroup(
    deps.ctx,
    call.actor,
    current.id,
    {
      attributes,
      members: { replace: true, add: members.ids, displays: members.displays, ignoreUnknown: true },
    },
    call.ifMatch !== undefined ? { ifVersion: current.version } : {},
  );
  return groupAnswer(deps, group, call.projection, 200);
}

export function replaceGroupRoute(app: FastifyInstance, deps: ScimDeps): void {
  for (const url of endpoints('/Groups/:id'))
    app.put(url, async (request, to) => reply(to, await replaceGroupOperation(deps, callOf(request))));
}
