import type { IncomingMessage, ServerResponse } from 'node:http';
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

function send(res: ServerResponse, answer: Answer): void {
  if (res.headersSent) return;
  res.writeHead(answer.status, answer.headers);
  res.end(answer.body);
}

/**
 * For plain `node:http`: returns `authenticate(req, res)`, which resolves to the request's
 * {@link Principal}, or answers the request itself (401/400/503, RFC 6750) and resolves to
 * `undefined`. Errors that are not verification failures are answered 500 without detail.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { bearerAuth, requirePermission } from '@tessera/verify/node';
 * const authenticate = bearerAuth({ verifier, realm: 'billing' });
 * const canRead = requirePermission('invoices:read');
 * createServer(async (req, res) => {
 *   const principal = await authenticate(req, res);
 *   if (!principal || !canRead(req, res)) return;
 *   res.end(`hello ${principal.sub}`);
 * }).listen(3000);
 * ```
 */
export function bearerAuth(
  options: BearerAuthOptions,
): (req: IncomingMessage, res: ServerResponse) => Promise<Principal | undefined> {
  const realm = resolveBearerOptions(options, 'bearerAuth');
  const { verifier } = options;
  return async function authenticate(req, res) {
    try {
      const principal = await verifier.verify(readBearer(req.headers.authorization));
      rememberAuth(req, { principal, realm });
      return principal;
    } catch (err) {
      send(res, answerFor(err, realm) ?? { status: 500, headers: {}, body: undefined });
      return undefined;
    }
  };
}

/**
 * Returns a check for a request that `bearerAuth` authenticated: true if its principal holds
 * every permission (`resource:*` wildcards honoured), otherwise it answers 403
 * `insufficient_scope` and returns false.
 *
 * @example
 * ```ts
 * const canWrite = requirePermission('invoices:write');
 * if (!canWrite(req, res)) return;
 * ```
 */
export function requirePermission(
  ...permissions: string[]
): (req: IncomingMessage, res: ServerResponse) => boolean {
  const needed = resolvePermissions(permissions, 'requirePermission');
  return function hasPermission(req, res) {
    const auth = authOf(req);
    if (auth === undefined)
      throw new TypeError('requirePermission: the request was not authenticated by bearerAuth');
    try {
      assertPermissions(auth.principal, needed);
      return true;
    } catch (err) {
      if (!(err instanceof VerifyError)) throw err;
      send(res, answerFor(err, auth.realm) as Answer);
      return false;
    }
  };
}

/**
 * Wraps a `node:http` handler: it runs only for requests whose token verifies and grants every
 * listed permission, and receives the principal.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { withAuth } from '@tessera/verify/node';
 * createServer(
 *   withAuth({ verifier, permissions: ['invoices:read'] }, (req, res, principal) => {
 *     res.end(JSON.stringify({ sub: principal.sub }));
 *   }),
 * ).listen(3000);
 * ```
 */
export function withAuth(
  options: BearerAuthOptions & { readonly permissions?: readonly string[] },
  handler: (req: IncomingMessage, res: ServerResponse, principal: Principal) => unknown,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const authenticate = bearerAuth(options);
  const check = options.permissions === undefined ? undefined : requirePermission(...options.permissions);
  return async function authenticated(req, res) {
    const principal = await authenticate(req, res);
    if (principal === undefined || (check !== undefined && !check(req, res))) return;
    await handler(req, res, principal);
  };
}

/**
 * The principal `bearerAuth` found for a request, if any.
 *
 * @example
 * ```ts
 * const who = principalOf(req)?.sub;
 * ```
 */
export const principalOf = (req: IncomingMessage): Principal | undefined => authOf(req)?.principal;
