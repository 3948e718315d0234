import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AccountSettings } from '../../core/accounts/settings.js';
import type { CoreContext } from '../../core/context.js';
import { TesseraError } from '../../core/errors.js';
import { anyGrants } from '../../core/permissions.js';
import type { UserTokenSettings } from '../../core/tokens/user-token.js';
import { bearerToken } from '../bearer.js';
import { applicationRoutes } from './applications.js';
import { auditRoutes } from './audit.js';
import { clientRoutes } from './clients.js';
import { groupRoutes } from './groups.js';
import { invitationRoutes } from './invitations.js';
import { type KeyAdmin, keyRoutes } from './keys.js';
import { adminErrorHandler } from './problem.js';
import { revocationRoutes } from './revocations.js';
import { roleRoutes } from './roles.js';
import { userTokenRoutes } from './user-tokens.js';
import { userRoutes } from './users.js';

/** What a verified admin token tells the API about its caller. */
export interface AdminPrincipal {
  clientId: string;
  sub: string;
  permissions: string[];
}

export interface AdminOptions {
  ctx: CoreContext;
  keys: KeyAdmin;
  /** The longest access-token lifetime: how long a revoked jti must be remembered at most. */
  maxTokenLifetimeMs: number;
  /** How admin-minted user tokens are signed. */
  userTokens: UserTokenSettings;
  /** Invitations and password resets (docs/accounts.md); without it, no such routes. */
  accounts?: AccountSettings;
  /** Verifies a Tessera access token for the admin audience; throws ERR_UNAUTHENTICATED. */
  authenticate(token: string): Promise<AdminPrincipal>;
}

/** The permission every admin API call requires (RFC 9068 tokens with aud urn:tessera:admin). */
export const ADMIN_PERMISSION = 'tessera:admin';

/**
 * `/admin/v1`: CRUD for users, groups, roles, grants, applications, clients, keys, audit.
 * Only Tessera's own access tokens carrying `tessera:admin` get in.
 */
export async function adminPlugin(app: FastifyInstance, options: AdminOptions) {
  app.setErrorHandler(adminErrorHandler);
  app.setNotFoundHandler((request, reply) =>
    adminErrorHandler(
      new TesseraError('ERR_NOT_FOUND', `no route ${request.method} ${request.url}`),
      request,
      reply,
    ),
  );
  app.decorateRequest('actor', undefined as unknown as FastifyRequest['actor']);
  app.addHook('onRequest', async (request) => {
    const principal = await options.authenticate(bearerToken(request));
    if (!anyGrants(principal.permissions, ADMIN_PERMISSION)) {
      throw new TesseraError('ERR_FORBIDDEN', `the token lacks the ${ADMIN_PERMISSION} permission`);
    }
    request.actor = { type: 'client', id: principal.clientId, sourceIp: request.ip };
  });
  app.addHook('onSend', async (_request, reply) => {
    reply.header('Cache-Control', 'no-store');
  });

  userRoutes(app, options.ctx);
  groupRoutes(app, options.ctx);
  roleRoutes(app, options.ctx);
  applicationRoutes(app, options.ctx);
  clientRoutes(app, options.ctx);
  auditRoutes(app, options.ctx);
  keyRoutes(app, options.keys);
  revocationRoutes(app, options.ctx, options.maxTokenLifetimeMs);
  userTokenRoutes(app, options.ctx, options.userTokens);
  if (options.accounts) invitationRoutes(app, options.ctx, options.accounts);
}
