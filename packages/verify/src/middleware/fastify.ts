import type { FastifyPluginCallback, FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import { VerifyError } from '../errors.js';
import type { Principal } from '../principal.js';
import {
  type Answer,
  answerFor,
  assertPermissions,
  authOf,
  type BearerAuthOptions,
  readBearer,
  rememberAuth,
  resolveBearerOptions,
  resolvePermissions,
} from './bearer.js';

export type { BearerAuthOptions } from './bearer.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the `bearerAuth` plugin from `@tessera/verify/fastify`. */
    principal: Principal | undefined;
  }
}

const send = (reply: FastifyReply, answer: Answer) =>
  reply
    .code(answer.status)
    .headers(answer.headers)
    .send(answer.body ?? '');

/**
 * Fastify plugin: an `onRequest` hook verifies the bearer token of every request in the scope it
 * is registered in and sets `request.principal`; missing or invalid tokens are answered 401/400/503
 * (RFC 6750). Not encapsulated (like fastify-plugin): register it inside the scope to protect.
 * Any other error goes to Fastify's error handler.
 *
 * @example
 * ```ts
 * import Fastify from 'fastify';
 * import { bearerAuth, requirePermission } from '@tessera/verify/fastify';
 * const app = Fastify();
 * await app.register(async (api) => {
 *   await api.register(bearerAuth, { verifier, realm: 'billing' });
 *   api.get('/invoices', { preHandler: requirePermission('invoices:read') }, (request) => ({
 *     for: request.principal?.sub,
 *   }));
 * });
 * ```
 */
export const bearerAuth: FastifyPluginCallback<BearerAuthOptions> = Object.assign(
  function tesseraBearerAuth(
    fastify: Parameters<FastifyPluginCallback<BearerAuthOptions>>[0],
    options: BearerAuthOptions,
    done: (err?: Error) => void,
  ) {
    const realm = resolveBearerOptions(options, 'bearerAuth');
    const { verifier } = options;
    if (!fastify.hasRequestDecorator('principal')) fastify.decorateRequest('principal', undefined);
    fastify.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
      try {
        const principal = await verifier.verify(readBearer(request.headers.authorization));
        rememberAuth(request, { principal, realm });
        request.principal = principal;
      } catch (err) {
        const answer = answerFor(err, realm);
        if (answer === undefined) throw err;
        return send(reply, answer);
      }
      return undefined;
    });
    done();
  },
  // What fastify-plugin sets: the hook applies to the scope that registers the plugin.
  { [Symbol.for('skip-override')]: true, [Symbol.for('fastify.display-name')]: '@tessera/verify' },
);

/**
 * A `preHandler` hook for routes under `bearerAuth`: passes requests whose principal holds every
 * permission (`resource:*` wildcards honoured), answers the others 403 `insufficient_scope`.
 *
 * @example
 * ```ts
 * app.delete('/invoices/:id', { preHandler: requirePermission('invoices:write') }, deleteInvoice);
 * ```
 */
export function requirePermission(...permissions: string[]): preHandlerHookHandler {
  const needed = resolvePermissions(permissions, 'requirePermission');
  return async function tesseraRequirePermission(request: FastifyRequest, reply: FastifyReply) {
    const auth = authOf(request);
    if (auth === undefined) throw new TypeError('requirePermission: register bearerAuth for this route');
    try {
      assertPermissions(auth.principal, needed);
    } catch (err) {
      if (!(err instanceof VerifyError)) throw err;
      return send(reply, answerFor(err, auth.realm) as Answer);
    }
    return undefined;
  };
}
