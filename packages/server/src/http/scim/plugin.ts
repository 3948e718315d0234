/**
 * `/scim/v2`: SCIM 2.0 (RFC 7643, RFC 7644) for identity providers — Users, Groups and the
 * discovery endpoints. Callers present a Tessera access token for the admin audience holding
 * `tessera:scim` (one client per identity provider, so the audit log names it) or
 * `tessera:admin`. Writes go through the same core operations as the admin API.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isTesseraError, TesseraError } from '../../core/errors.js';
import { anyGrants } from '../../core/permissions.js';
import type { TokenRateLimit } from '../../core/tokens/token-service.js';
import type { AdminPrincipal } from '../admin/plugin.js';
import { bearerToken } from '../bearer.js';
import { TokenEndpointLimits } from '../oauth/limits.js';
import { bulkRoute } from './bulk/post.js';
import { resourceTypesRoute } from './discovery/resource-types.js';
import { schemasRoute } from './discovery/schemas.js';
import { serviceProviderConfigRoute } from './discovery/service-provider-config.js';
import { scimErrorHandler } from './errors.js';
import { createGroupRoute } from './groups/create.js';
import { deleteGroupRoute } from './groups/delete.js';
import { getGroupRoute } from './groups/get.js';
import { listGroupsRoute } from './groups/list.js';
import { patchGroupRoute } from './groups/patch.js';
import { replaceGroupRoute } from './groups/replace.js';
import type { ScimDeps } from './request.js';
import { rootSearchRoute } from './search.js';
import { createUserRoute } from './users/create.js';
import { deleteUserRoute } from './users/delete.js';
import { getUserRoute } from './users/get.js';
import { listUsersRoute } from './users/list.js';
import { patchUserRoute } from './users/patch.js';
import { replaceUserRoute } from './users/replace.js';

/** The permission an identity provider's client needs; `tessera:admin` also lets a caller in. */
export const SCIM_PERMISSION = 'tessera:scim';

/**
 * A SCIM secret token: `tscim_<client_id>.<client_secret>`, the static bearer token identity
 * providers such as Entra ID and Okta are configured with once and never renew. It is the
 * client's own credentials, checked on every request like at the token endpoint, so it lives as
 * long as the secret: rotating the secret or disabling the client stops it at once.
 */
export const SECRET_TOKEN_PREFIX = 'tscim_';
const SECRET_TOKEN = /^tscim_([^.]+)\.(.+)$/;

export interface ScimOptions extends ScimDeps {
  /** Verifies a Tessera access token for the admin audience; throws ERR_UNAUTHENTICATED. */
  authenticate(token: string): Promise<AdminPrincipal>;
  /**
   * Authenticates a client by its id and secret (a SCIM secret token) and answers its
   * permissions; throws ERR_INVALID_CLIENT. Without it, secret tokens are refused.
   */
  authenticateClient?(clientId: string, secret: string): Promise<AdminPrincipal>;
  /**
   * With it, failed secret-token authentications are counted as at the token endpoint (per
   * address and per client_id, then 429): the SCIM endpoint is no way around its limits.
   */
  clientRateLimit?: TokenRateLimit;
}

export async function scimPlugin(app: FastifyInstance, options: ScimOptions): Promise<void> {
  if (!/^https?:\/\/[^/]+/.test(options.baseUrl) || options.baseUrl.endsWith('/'))
    throw new TypeError(`baseUrl must be an absolute URL without a trailing slash, got ${options.baseUrl}`);
  const deps: ScimDeps = { ctx: options.ctx, baseUrl: options.baseUrl };

  app.setErrorHandler(scimErrorHandler);
  app.setNotFoundHandler((request, reply) =>
    scimErrorHandler(
      new TesseraError('ERR_NOT_FOUND', `no endpoint ${request.method} ${request.url}`),
      request,
      reply,
    ),
  );
  // RFC 7644 §3.1: requests carry application/scim+json; plain JSON is accepted as well, and
  // nothing else (415).
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser(
    'application/scim+json',
    { parseAs: 'string' },
    app.getDefaultJsonParser('error', 'error'),
  );
  app.decorateRequest('scimActor', undefined as unknown as FastifyRequest['scimActor']);
  const clientLimits =
    options.clientRateLimit === undefined ? undefined : new TokenEndpointLimits(options.clientRateLimit);
  const authenticate = async (token: string, ip: string): Promise<AdminPrincipal> => {
    if (!token.startsWith(SECRET_TOKEN_PREFIX)) return options.authenticate(token);
    clientLimits?.admitAddress(ip);
    const match = SECRET_TOKEN.exec(token);
    if (match?.[1] === undefined || match[2] === undefined || options.authenticateClient === undefined)
      throw new TesseraError('ERR_UNAUTHENTICATED', 'malformed SCIM secret token');
    try {
      return await options.authenticateClient(match[1], match[2]);
    } catch (err) {
      if (clientLimits !== undefined && isTesseraError(err) && err.status === 401)
        throw clientLimits.failed(ip, match[1], err);
      throw err;
    }
  };
  app.addHook('onRequest', async (request) => {
    const principal = await authenticate(bearerToken(request), request.ip);
    if (
      !anyGrants(principal.permissions, SCIM_PERMISSION) &&
      !anyGrants(principal.permissions, 'tessera:admin')
    ) {
      throw new TesseraError('ERR_FORBIDDEN', `the token lacks the ${SCIM_PERMISSION} permission`);
    }
    request.scimActor = { type: 'client', id: principal.clientId, sourceIp: request.ip };
  });
  app.addHook('onSend', async (_request, reply) => {
    reply.header('Cache-Control', 'no-store');
  });

  serviceProviderConfigRoute(app, deps);
  resourceTypesRoute(app, deps);
  schemasRoute(app, deps);
  createUserRoute(app, deps);
  listUsersRoute(app, deps);
  getUserRoute(app, deps);
  replaceUserRoute(app, deps);
  patchUserRoute(app, deps);
  deleteUserRoute(app, deps);
  createGroupRoute(app, deps);
  listGroupsRoute(app, deps);
  getGroupRoute(app, deps);
  replaceGroupRoute(app, deps);
  patchGroupRoute(app, deps);
  deleteGroupRoute(app, deps);
  bulkRoute(app, deps);
  rootSearchRoute(app, deps);
}
