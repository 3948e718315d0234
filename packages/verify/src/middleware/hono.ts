import type { MiddlewareHandler } from 'hono';
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

/**
 * The Hono environment these middlewares provide: `c.get('principal')`.
 *
 * @example
 * ```ts
 * import { Hono } from 'hono';
 * import type { PrincipalEnv } from '@tessera/verify/hono';
 * const app = new Hono<PrincipalEnv>();
 * ```
 */
export interface PrincipalEnv {
  Variables: { principal: Principal };
}

const respond = (answer: Answer): Response =>
  new Response(answer.body ?? null, { status: answer.status, headers: answer.headers });

/**
 * Hono middleware: verifies the bearer token and sets `c.get('principal')`; missing or invalid
 * tokens are answered 401/400/503 (RFC 6750). Any other error is thrown to Hono's `onError`.
 *
 * @example
 * ```ts
 * import { Hono } from 'hono';
 * import { bearerAuth, type PrincipalEnv, requirePermission } from '@tessera/verify/hono';
 * const app = new Hono<PrincipalEnv>();
 * app.use('/api/*', bearerAuth({ verifier, realm: 'billing' }));
 * app.get('/api/invoices', requirePermission('invoices:read'), (c) => c.json({ for: c.get('principal').sub }));
 * ```
 */
export function bearerAuth(options: BearerAuthOptions): MiddlewareHandler<PrincipalEnv> {
  const realm = resolveBearerOptions(options, 'bearerAuth');
  const { verifier } = options;
  return async function tesseraBearerAuth(c, next) {
    let principal: Principal;
    try {
      principal = await verifier.verify(readBearer(c.req.header('authorization')));
    } catch (err) {
      const answer = answerFor(err, realm);
      if (answer === undefined) throw err;
      return respond(answer);
    }
    rememberAuth(c, { principal, realm });
    c.set('principal', principal);
    await next();
    return undefined;
  };
}

/**
 * Hono middleware after `bearerAuth`: passes requests whose principal holds every permission
 * (`resource:*` wildcards honoured), answers the others 403 `insufficient_scope`.
 *
 * @example
 * ```ts
 * app.delete('/api/invoices/:id', requirePermission('invoices:write'), (c) => c.body(null, 204));
 * ```
 */
export function requirePermission(...permissions: string[]): MiddlewareHandler<PrincipalEnv> {
  const needed = resolvePermissions(permissions, 'requirePermission');
  return async function tesseraRequirePermission(c, next) {
    const auth = authOf(c);
    if (auth === undefined) throw new TypeError('requirePermission: use bearerAuth before it');
    try {
      assertPermissions(auth.principal, needed);
    } catch (err) {
      if (!(err instanceof VerifyError)) throw err;
      return respond(answerFor(err, auth.realm) as Answer);
    }
    await next();
    return undefined;
  };
}
