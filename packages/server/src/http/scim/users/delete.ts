import type { FastifyInstance } from 'fastify';
import { deleteUser, getUser } from '../../../core/users/service.js';
import { checkIfMatch } from '../etag.js';
import { callOf, endpoints, reply, type ScimAnswer, type ScimCall, type ScimDeps } from '../request.js';

/** DELETE /Users/{id} (RFC 7644 §3.6): 204; the user's tokens stop working (aver, user.deleted). */
export async function deleteUserOperation(deps: ScimDeps, call: ScimCall): Promise<ScimAnswer> {
  const current = await getUser(deps.ctx, call.id);
  checkIfMatch(call.ifMatch, current.version);
  await deleteUser(deps.ctx, call.actor, current.id, {
    ...(call.ifMatch !== undefined ? { ifVersion: current.version } : {}),
  });
  return { status: 204 };
}

export function deleteUserRoute(app: FastifyInstance, deps: ScimDeps): void {
  for (const url of endpoints('/Users/:id'))
    app.delete(url, async (request, to) => reply(to, await deleteUserOperation(deps, callOf(request))));
}
