import type { GrantType } from '../../model.js';
import { authorizationCode } from './authorization-code.js';
import { clientCredentials } from './client-credentials.js';
import { deviceCode } from './device-code.js';
import type { Grant } from './grant.js';
import { refreshToken } from './refresh-token.js';
import { tokenExchange } from './token-exchange.js';

/**
 * Every grant Tessera implements, keyed by `grant_type`. Adding one is one file and one line;
 * a type a client may be registered for but that is absent here is `unsupported_grant_type`.
 */
export const GRANTS: Readonly<Partial<Record<GrantType, Grant>>> = {
  client_credentials: clientCredentials,
  'urn:ietf:params:oauth:grant-type:device_code': deviceCode,
  authorization_code: authorizationCode,
  refresh_token: refreshToken,
  'urn:ietf:params:oauth:grant-type:token-exchange': tokenExchange,
};

export type { Grant, GrantContext, GrantResult, TokenResponse } from './grant.js';
