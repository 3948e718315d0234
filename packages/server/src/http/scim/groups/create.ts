import type { FastifyInstance } from 'fastify';
import { createGroupWithMembers } from '../../../core/groups/create-with-members.js';
import { readGroup } from '../../../scim/resources/group.js';
import { groupAnswer } from '../render.js';
import { callOf, endpoints, reply, type ScimAnswer, type ScimCall, type ScimDeps } from '../request.js';

/** POST /Groups (RFC 7644 §3.3): the group and its members in one transaction; 201. */
export async function createGroupOperation(deps: ScimDeps, call: ScimCall): Promise<ScimAnswer> {
  const { members, ...input } = readGroup(call.body);
  const group = await createGroupWithMembers(deps.ctx, call.actor, input, {
    add: members.ids,
    displays: members.displays,
    ignoreUnknown: true,
  });
  return groupAnswer(deps, group, call.projection, 201);
}

export function createGroupRoute(app: FastifyInstance, deps: ScimDeps): void {
  for (const url of endpoints('/Groups'))
    app.post(url, async (request, to) => reply(to, await createGroupOperation(deps, callOf(request))));
}
