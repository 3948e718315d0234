import { TokenService } from '../../core/tokens/token-service.js';
import type { Runtime } from '../../runtime.js';
import type { TokenRequest, TokenResponse } from '../backend.js';

/**
 * Issues a token from the local store through the TokenService the token endpoint runs, with
 * the credentials as a client_secret_post request, so the same checks apply. The key schedule
 * runs first (as the server does at start), so a store no server has started yet can sign.
 */
export async function issueLocalToken(runtime: Runtime, request: TokenRequest): Promise<TokenResponse> {
  const { config, store, ctx, keyRing } = runtime;
  await keyRing.tick();
  const tokens = new TokenService({
    store,
    keyRing,
    clock: ctx.clock,
    bus: ctx.bus,
    issuer: config.issuer,
    accessTokenLifetimeMs: config.accessTokenLifetimeMs,
    syncIntervalMs: 0,
    logger: false,
  });
  try {
    return await tokens.token({
      params: {
        grant_type: 'client_credentials',
        client_id: request.clientId,
        client_secret: request.clientSecret,
        ...(request.resource === undefined ? {} : { resource: request.resource }),
        ...(request.scope === undefined ? {} : { scope: request.scope }),
      },
      sourceIp: 'local',
    });
  } finally {
    tokens.close();
  }
}
