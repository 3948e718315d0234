import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../config/defaults.js';
import { TESSERA_APPLICATION } from '../core/applications/service.js';
import type { CoreContext } from '../core/context.js';
import { TesseraError } from '../core/errors.js';
import type { EventFeed } from '../core/feed.js';
import type { KeyRing } from '../core/keys/keyring.js';
import type { KeyVault } from '../core/ports.js';
import type { RevocationList } from '../core/tokens/revocation-list.js';
import type { TokenService } from '../core/tokens/token-service.js';
import { verifyAccessToken } from '../core/tokens/verify-access-token.js';
import { type AdminPrincipal, adminPlugin } from './admin/plugin.js';
import { type EventStreamOptions, eventStreamRoutes } from './events/stream.js';
import { authorizeRoutes } from './oauth/authorize.js';
import { deviceAuthorizationRoutes } from './oauth/device-authorization.js';
import { endSessionRoutes } from './oauth/end-session.js';
import { introspectionRoutes } from './oauth/introspect.js';
import { revocationRoutes } from './oauth/revoke.js';
import { oauthRoutes } from './oauth/token.js';
import { userInfoRoutes } from './oauth/userinfo.js';
import { devicePageRoutes } from './pages/device.js';
import { accountSettings, installPages } from './pages/plugin.js';
import { DEVICE_PATH } from './paths.js';
import { scimPlugin } from './scim/plugin.js';
import { wellKnownRoutes } from './well-known/plugin.js';

export interface AppDeps {
  config: Config;
  ctx: CoreContext;
  keyRing: KeyRing;
  /** The master key's vault: seals the secrets the app keeps in the store (the CSRF key). */
  vault: KeyVault;
  tokens: TokenService;
  logger: Logger | false;
  /** The followed event log; without it, no /v1/events. */
  feed?: EventFeed;
  /** Revoked jtis, refused by Tessera's own APIs. */
  revocations?: RevocationList;
  /** Stream tuning (tests shorten the heartbeat, shrink the backlog bound). */
  events?: Pick<EventStreamOptions, 'heartbeatMs' | 'maxBacklogBytes'>;
}

/** 1 MiB: the largest body any Tessera endpoint accepts (413 beyond). */
export const BODY_LIMIT = 1024 * 1024;

/** Builds the HTTP application. Tests call this and use `app.inject()`; `server.ts` listens. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, ctx, keyRing, tokens } = deps;
  const app = Fastify({
    loggerInstance: deps.logger === false ? undefined : deps.logger,
    logger: deps.logger === false ? false : undefined,
    bodyLimit: BODY_LIMIT,
    trustProxy: config.trustProxy,
    // Per-request lines would double the hot path's cost; errors and security events are logged.
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
    ajv: {
      customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false, useDefaults: false },
    },
  } as Parameters<typeof Fastify>[0]) as unknown as FastifyInstance;

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Tessera admin API',
        version: '1',
        description:
          'Every call needs `Authorization: Bearer <access token>` for audience urn:tessera:admin with permission tessera:admin.',
      },
      servers: [{ url: config.issuer }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      security: [{ bearer: [] }],
    },
    hideUntagged: true,
  });

  app.setErrorHandler((error: { statusCode?: number }, request, reply) => {
    const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 500;
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    return reply.code(status).send({ error: status >= 500 ? 'server_error' : 'invalid_request' });
  });
  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ error: 'not_found' }));

  app.get('/healthz', async () => ({ status: 'ok' }));
  // Public: the API's shape is no secret, and clients generate code from it.
  app.get('/admin/v1/openapi.json', async () => app.swagger());

  await app.register(wellKnownRoutes, { keyRing, issuer: config.issuer });
  await app.register(oauthRoutes, { tokens });
  // RFC 7009 revocation and RFC 7662 introspection (docs/tokens.md), same limits as /oauth2/token.
  await app.register(revocationRoutes, {
    tokens,
    core: ctx,
    keyRing,
    issuer: config.issuer,
    maxTokenLifetimeMs: config.accessTokenLifetimeMs,
  });
  if (deps.feed) {
    await app.register(introspectionRoutes, {
      tokens,
      feed: deps.feed,
      bus: ctx.bus,
      introspector: {
        store: ctx.store,
        keyRing,
        clock: ctx.clock,
        issuer: config.issuer,
        maxTokenLifetimeMs: config.accessTokenLifetimeMs,
        refreshTokens: {
          lifetimeMs: config.refreshTokenLifetimeMs,
          idleLifetimeMs: config.refreshTokenIdleLifetimeMs,
          reuseGraceMs: config.refreshTokenReuseGraceMs,
        },
      },
    });
  }
  // Server-rendered pages (sessions, CSRF, stylesheet; docs/accounts.md): installed on the root
  // app before any other page plugin, which reads sessions through it.
  const accounts = accountSettings(config);
  await installPages(app, {
    ctx,
    vault: deps.vault,
    settings: accounts,
    loginRateLimit: config.loginRateLimit,
  });
  // Authorization code + PKCE and OpenID Connect (docs/oauth.md): /oauth2/authorize, /consent,
  // /oauth2/userinfo, /oauth2/end_session. After installPages: they read page sessions.
  await app.register(authorizeRoutes, { ctx, issuer: config.issuer });
  await app.register(userInfoRoutes, {
    store: ctx.store,
    keyRing,
    issuer: config.issuer,
    isRevoked: (jti: string) => deps.revocations?.isRevoked(jti) === true,
    tokens,
  });
  await app.register(endSessionRoutes, { store: ctx.store, keyRing, issuer: config.issuer });
  // The device authorization grant (RFC 8628, docs/device-flow.md): its endpoint and /device.
  await app.register(deviceAuthorizationRoutes, {
    ctx,
    tokens,
    settings: {
      lifetimeMs: config.deviceCodeLifetimeMs,
      intervalMs: config.deviceCodeIntervalMs,
      verificationUri: `${config.issuer}${DEVICE_PATH}`,
    },
    requestsPerMinute: config.deviceRateLimit,
  });
  await app.register(devicePageRoutes, { failuresPer10Minutes: config.deviceVerifyLimit });
  // Tessera's own APIs accept only Tessera's own access tokens for its own audience.
  const authenticate = async (token: string): Promise<AdminPrincipal> => {
    const claims = await verifyAccessToken(
      keyRing,
      { issuer: config.issuer, audience: TESSERA_APPLICATION.audience },
      token,
    );
    const permissions = Array.isArray(claims.permissions)
      ? claims.permissions.filter((p) => typeof p === 'string')
      : [];
    if (typeof claims.client_id !== 'string' || typeof claims.sub !== 'string') {
      throw new TesseraError('ERR_UNAUTHENTICATED', 'token lacks client_id or sub');
    }
    // A signature proves issuance, not that access still stands: refuse revoked tokens and
    // tokens of clients disabled or deleted since (both answered from memory).
    if (typeof claims.jti === 'string' && deps.revocations?.isRevoked(claims.jti)) {
      throw new TesseraError('ERR_UNAUTHENTICATED', 'the token was revoked');
    }
    if (!(await tokens.clientActive(claims.client_id))) {
      throw new TesseraError('ERR_UNAUTHENTICATED', 'the client is disabled or deleted');
    }
    return { clientId: claims.client_id, sub: claims.sub, permissions };
  };
  await app.register(
    async (admin) =>
      adminPlugin(admin, {
        ctx,
        keys: keyRing,
        authenticate,
        maxTokenLifetimeMs: config.accessTokenLifetimeMs,
        accounts,
        userTokens: {
          keyRing,
          issuer: config.issuer,
          accessTokenLifetimeMs: config.accessTokenLifetimeMs,
          claimsBudget: config.tokenClaimsBudget,
        },
      }),
    {
      prefix: '/admin/v1',
    },
  );
  // SCIM 2.0 for identity providers (docs/scim.md): the same tokens, `tessera:scim`.
  const scimBase = `${config.issuer}/scim/v2`;
  // A SCIM secret token (static, for Entra ID and Okta) is the client's own id and secret.
  const authenticateClient = async (clientId: string, secret: string): Promise<AdminPrincipal> => {
    const client = await tokens.authenticate({ client_id: clientId, client_secret: secret }, undefined);
    const { permissions } = await ctx.store.clientAccess(client.id);
    return { clientId: client.clientId, sub: client.clientId, permissions };
  };
  await app.register(
    async (scim) =>
      scimPlugin(scim, {
        ctx,
        authenticate,
        authenticateClient,
        clientRateLimit: tokens.rateLimit,
        baseUrl: scimBase,
      }),
    { prefix: '/scim/v2' },
  );
  if (deps.feed) {
    await app.register(eventStreamRoutes, {
      feed: deps.feed,
      store: ctx.store,
      clock: ctx.clock,
      authenticate,
      snapshotWindowMs: config.accessTokenLifetimeMs,
      ...(deps.events ?? {}),
    });
  }
  return app;
}
