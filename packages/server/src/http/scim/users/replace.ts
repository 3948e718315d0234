import type { FastifyInstance } from 'fastify';
import { getUser, updateUser } from '../../../core/users/service.js';
import { readUser } from '../../../scim/resources/user.js';
import { checkIfMatch } from '../etag.js';
import { userAnswer } from '../render.js';
import {
  callOf,
  endpoints,
  reply,
  SCIM_USER_INPUT,
  type ScimAnswer,
  type ScimCall,
  type ScimDeps,
} from '../request.js';

/**
 * PUT /Users/{id} (RFC 7644 §3.5.1): every attribute the body leaves out is cleared — the
 * identity provider owns what it sends. readOnly values (`id`, `meta`) are ignored.
 */
export async function replaceUserOperation(deps: ScimDeps, call: ScimCall): Promise<ScimAnswer> {
  const current = await getUser(deps.ctx, call.id);
  checkIfMatch(call.ifMatch, current.version);
  const input = readUser(call.body);
  const user = await updateUser(deps.ctx, call.actor, current.id, input, {
    ...SCIM_USER_INPUT,
    ...(call.ifMatch !== undefined ? { ifVersion: current.version } : {}),
  });
  return userAnswer(deps, user, call.projection, 200);
}

export function replaceUserRoute(app: FastifyInstance, deps: ScimDeps): void {
  for (const url of endpoints('/Users/:id'))
    app.put(url, async (request, to) => reply(to, await replaceUserOperation(deps, callOf(request))));
}
