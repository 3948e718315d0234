import type { FastifyInstance } from 'fastify';
import { createUser } from '../../../core/users/service.js';
import { readUser } from '../../../scim/resources/user.js';
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

/** POST /Users (RFC 7644 §3.3): 201 with Location and ETag; a taken userName is 409 uniqueness. */
export async function createUserOperation(deps: ScimDeps, call: ScimCall): Promise<ScimAnswer> {
  const user = await createUser(deps.ctx, call.actor, readUser(call.body), SCIM_USER_INPUT);
  return userAnswer(deps, user, call.projection, 201);
}

export function createUserRoute(app: FastifyInstance, deps: ScimDeps): void {
  for (const url of endpoints('/Users'))
    app.post(url, async (request, to) => reply(to, await createUserOperation(deps, callOf(request))));
}
