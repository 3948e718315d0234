import { createTokenService, type Runtime } from '../../runtime.js';
import type { TokenRequest, TokenResponse } from '../backend.js';

/**
 * Issues a token from the local store through the TokenService the token endpoint runs, with
 * the credentials as a client_secret_post request, so the same checks apply. The key schedule
 * runs first (as the server does at start), so a store no server has started yet can sign.
 */
export async function issueLocalToken(runtime: Runtime, request: TokenRequest): Promise<TokenResponse> {
  await runtime.keyRing.tick();
  const tokens = createTokenService(runtime, { logger: false, syncIntervalMs: 0 });
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
