import type { NextFunction, Request, RequestHandler, Response } from 'express';
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

declare module 'express-serve-static-core' {
  interface Request {
    /** Set by `bearerAuth` from `@tessera/verify/express`. */
    principal?: Principal;
  }
}

function send(res: Response, answer: Answer): void {
  res.status(answer.status).set(answer.headers);
  if (answer.body === undefined) res.end();
  else res.send(answer.body);
}

/**
 * Express middleware: verifies the bearer token and sets `req.principal` (and
 * `res.locals.principal`); answers 401/400/503 itself (RFC 6750) when the token is missing or
 * invalid. Any other error goes to `next(err)`.
 *
 * @example
 * ```ts
 * import express from 'express';
 * import { bearerAuth, requirePermission } from '@tessera/verify/express';
 * const app = express();
 * app.use('/api', bearerAuth({ verifier, realm: 'billing' }));
 * app.get('/api/invoices', requirePermission('invoices:read'), (req, res) => {
 *   res.json({ for: req.principal?.sub });
 * });
 * ```
 */
export function bearerAuth(options: BearerAuthOptions): RequestHandler {
  const realm = resolveBearerOptions(options, 'bearerAuth');
  const { verifier } = options;
  return function tesseraBearerAuth(req: Request, res: Response, next: NextFunction): void {
    let token: string;
    try {
      token = readBearer(req.headers.authorization);
    } catch (err) {
      send(res, answerFor(err, realm) as Answer);
      return;
    }
    verifier.verify(token).then(
      (principal) => {
        rememberAuth(req, { principal, realm });
        req.principal = principal;
        res.locals.principal = principal;
        next();
      },
      (err: unknown) => {
        const answer = answerFor(err, realm);
        if (answer === undefined) next(err);
        else send(res, answer);
      },
    );
  };
}

/**
 * Express middleware after `bearerAuth`: passes requests whose principal holds every permission
 * (`resource:*` wildcards honoured), answers the others 403 `insufficient_scope`.
 *
 * @example
 * ```ts
 * app.delete('/api/invoices/:id', requirePermission('invoices:write'), deleteInvoice);
 * ```
 */
export function requirePermission(...permissions: string[]): RequestHandler {
  const needed = resolvePermissions(permissions, 'requirePermission');
  return function tesseraRequirePermission(req: Request, res: Response, next: NextFunction): void {
    const auth = authOf(req);
    if (auth === undefined) {
      next(new TypeError('requirePermission: use bearerAuth before it'));
      return;
    }
    try {
      assertPermissions(auth.principal, needed);
    } catch (err) {
      if (!(err instanceof VerifyError)) throw err;
      send(res, answerFor(err, auth.realm) as Answer);
      return;
    }
    next();
  };
}
