/**
 * `POST /oauth2/device_authorization` (RFC 8628 §3.1–3.2), as a pipeline: address admitted
 * (failed client authentications and the request budget, per source IP) → form body → client
 * authentication (TokenService.authenticate: a public client with `none`, usually) →
 * startDeviceAuthorization (grant allowed, audience, scope, codes stored hashed) → the §3.2
 * response. Errors are RFC 6749 §5.2 JSON through the OAuth error handler; every response is
 * `no-store`.
 */
import formbody from '@fastify/formbody';
import type { FastifyInstance } from 'fastify';
import type { CoreContext } from '../../core/context.js';
import { isTesseraError, TesseraError } from '../../core/errors.js';
import {
  type DeviceAuthorizationSettings,
  startDeviceAuthorization,
} from '../../core/oauth/device/authorize.js';
import type { TokenParams } from '../../core/tokens/params.js';
import type { TokenService } from '../../core/tokens/token-service.js';
import { DEVICE_AUTHORIZATION_PATH } from '../paths.js';
import { RateLimiter } from '../rate-limit.js';
import { oauthErrorHandler } from './errors.js';
import { TokenEndpointLimits } from './limits.js';

export interface DeviceAuthorizationRoutesOptions {
  ctx: CoreContext;
  tokens: TokenService;
  settings: DeviceAuthorizationSettings;
  /** Device authorization requests per minute per source address. */
  requestsPerMinute: number;
  /** Default: Date.now (tests pass the limiter a clock of their own). */
  now?: () => number;
}

const BODY_LIMIT = 16 * 1024;

export async function deviceAuthorizationRoutes(
  app: FastifyInstance,
  options: DeviceAuthorizationRoutesOptions,
): Promise<void> {
  const { ctx, tokens, settings } = options;
  const now = options.now ?? Date.now;
  const failures = new TokenEndpointLimits(tokens.rateLimit, now);
  // Each request writes a row: a budget per address keeps anyone from filling the table.
  const requests = new RateLimiter({ limit: options.requestsPerMinute, windowMs: 60_000, now });
  // Audiences looked up straight from the store: this endpoint is not a hot path.
  const applications = { application: (audience: string) => ctx.store.getApplicationByAudience(audience) };

  app.removeAllContentTypeParsers();
  await app.register(formbody, { bodyLimit: BODY_LIMIT });
  app.setErrorHandler(oauthErrorHandler);

  app.post(DEVICE_AUTHORIZATION_PATH, { bodyLimit: BODY_LIMIT }, async (request, reply) => {
    const ip = request.ip;
    failures.admitAddress(ip);
    const wait = requests.hit(ip);
    if (wait > 0) {
      throw new TesseraError('ERR_RATE_LIMITED', 'too many device authorization requests from this address', {
        detail: { retryAfter: Math.max(1, Math.ceil(wait / 1000)) },
      });
    }
    if (request.body === undefined || request.body === null) {
      throw new TesseraError(
        'ERR_INVALID_REQUEST',
        'the device authorization request must be an application/x-www-form-urlencoded body',
      );
    }
    const params = request.body as TokenParams;
    let client: Awaited<ReturnType<TokenService['authenticate']>>;
    try {
      client = await tokens.authenticate(params, request.headers.authorization);
    } catch (err) {
      if (isTesseraError(err) && err.code === 'ERR_INVALID_CLIENT') {
        const clientId = err.detail?.clientId;
        throw failures.failed(ip, typeof clientId === 'string' ? clientId : undefined, err);
      }
      throw err;
    }
    const response = await startDeviceAuthorization(ctx, applications, client, params, settings);
    reply.header('Cache-Control', 'no-store').header('Pragma', 'no-cache');
    return response;
  });
  // RFC 8628 §3.1: "The client makes a device authorization request ... using HTTP POST".
  app.route({
    method: ['GET', 'PUT', 'PATCH', 'DELETE'],
    url: DEVICE_AUTHORIZATION_PATH,
    handler: async (_request, reply) => {
      reply.header('Allow', 'POST');
      throw new TesseraError(
        'ERR_INVALID_REQUEST',
        'device authorization requests must use POST (RFC 8628 §3.1)',
      );
    },
  });
}
