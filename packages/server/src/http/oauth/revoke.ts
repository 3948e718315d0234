/**
 * `POST /oauth2/revoke` (RFC 7009): the client revokes a refresh or access token issued to it.
 * Pipeline as at the token endpoint: address admitted → form body → client authentication
 * (failures counted per address and client_id) → the client's request budget → revocation.
 * Success is always an empty 200, whether or not there was anything to revoke (§2.2).
 */
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { CoreContext } from '../../core/context.js';
import { isTesseraError, TesseraError } from '../../core/errors.js';
import type { KeyRing } from '../../core/keys/keyring.js';
import type { Client } from '../../core/model.js';
import { revokePresentedToken } from '../../core/oauth/refresh/revoke.js';
import { single, type TokenParams } from '../../core/tokens/params.js';
import type { TokenService } from '../../core/tokens/token-service.js';
import { REVOCATION_PATH } from '../paths.js';
import { allowAnyOrigin } from './cors.js';
import { oauthErrorHandler } from './errors.js';
import { TokenEndpointLimits } from './limits.js';

/** Revocation and introspection requests are a token and a few parameters. */
export const CLIENT_ENDPOINT_BODY_LIMIT = 32 * 1024;

export interface RevocationRoutesOptions {
  tokens: TokenService;
  core: CoreContext;
  keyRing: Pick<KeyRing, 'verificationKey'>;
  issuer: string;
  maxTokenLifetimeMs: number;
  limits?: TokenEndpointLimits;
}

/**
 * The shared front of the client-authenticated endpoints (revocation, introspection): the
 * token endpoint's rate limits, a form body, client authentication, and the one `token`
 * parameter both RFCs require.
 */
export async function clientEndpoint(
  app: FastifyInstance,
  tokens: TokenService,
  limits: TokenEndpointLimits,
): Promise<(request: FastifyRequest) => Promise<{ client: Client; params: TokenParams; token: string }>> {
  app.removeAllContentTypeParsers();
  await app.register(formbody, { bodyLimit: CLIENT_ENDPOINT_BODY_LIMIT });
  app.setErrorHandler(oauthErrorHandler);
  return async (request) => {
    limits.admitAddress(request.ip);
    if (request.body === undefined || request.body === null) {
      throw new TesseraError(
        'ERR_INVALID_REQUEST',
        'the request must be an application/x-www-form-urlencoded body',
      );
    }
    const params = request.body as TokenParams;
    let client: Client;
    try {
      client = await tokens.authenticate(params, request.headers.authorization);
    } catch (err) {
      if (isTesseraError(err) && err.code === 'ERR_INVALID_CLIENT') {
        const clientId = err.detail?.clientId;
        throw limits.failed(request.ip, typeof clientId === 'string' ? clientId : undefined, err);
      }
      throw err;
    }
    limits.admitClient(client.clientId);
    const token = single(params, 'token');
    if (token === undefined) {
      throw new TesseraError('ERR_INVALID_REQUEST', 'the request is missing a required parameter: token');
    }
    return { client, params, token };
  };
}

export async function revocationRoutes(app: FastifyInstance, options: RevocationRoutesOptions) {
  const limits = options.limits ?? new TokenEndpointLimits(options.tokens.rateLimit);
  const front = await clientEndpoint(app, options.tokens, limits);
  // A SPA signing out revokes its refresh token from its own origin.
  allowAnyOrigin(app, REVOCATION_PATH, ['POST']);
  const deps = {
    core: options.core,
    keyRing: options.keyRing,
    issuer: options.issuer,
    maxTokenLifetimeMs: options.maxTokenLifetimeMs,
  };
  app.post(REVOCATION_PATH, { bodyLimit: CLIENT_ENDPOINT_BODY_LIMIT }, async (request, reply) => {
    const { client, token } = await front(request);
    // token_type_hint is optional and, since the kind is read from the token, never needed:
    // known or unknown, it is ignored (§2.1).
    await revokePresentedToken(deps, client, token, request.ip);
    return reply.code(200).header('Cache-Control', 'no-store').header('Pragma', 'no-cache').send();
  });
  app.route({
    method: ['GET', 'PUT', 'PATCH', 'DELETE'],
    url: REVOCATION_PATH,
    handler: async (_request, reply) => {
      reply.header('Allow', 'POST');
      throw new TesseraError('ERR_INVALID_REQUEST', 'revocation requests must use POST (RFC 7009 §2.1)');
    },
  });
}
