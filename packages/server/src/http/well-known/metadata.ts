import { CLIENT_AUTH_METHODS } from '../../core/tokens/client-auth.js';
import { GRANTS } from '../../core/tokens/grants/index.js';

import { JWKS_PATH, TOKEN_PATH } from '../paths.js';

export { JWKS_PATH, TOKEN_PATH };

/**
 * RFC 8414 §2 authorization server metadata, stating only what Tessera does today: the token
 * endpoint with client_credentials and client secrets. No authorization endpoint, so
 * `response_types_supported` (a REQUIRED member) is truthfully empty and
 * `authorization_endpoint` is omitted, as §2 allows when no grant uses it. `scopes_supported`
 * is omitted: scopes are permissions, which are per application and not public.
 */
export function authorizationServerMetadata(issuer: string): Record<string, unknown> {
  return {
    issuer,
    token_endpoint: `${issuer}${TOKEN_PATH}`,
    jwks_uri: `${issuer}${JWKS_PATH}`,
    grant_types_supported: Object.keys(GRANTS),
    token_endpoint_auth_methods_supported: [...CLIENT_AUTH_METHODS],
    response_types_supported: [],
  };
}

/**
 * OpenID Connect Discovery 1.0 §3 asks for more than Tessera can truthfully state yet: user
 * login and ID tokens arrive later, and with them `authorization_endpoint`,
 * `id_token_signing_alg_values_supported` and real `response_types_supported`. Until then this
 * is the RFC 8414 document plus `subject_types_supported: ["public"]` (every client sees the
 * same `sub` for a subject), which is true today.
 */
export function openIdConfiguration(issuer: string): Record<string, unknown> {
  return { ...authorizationServerMetadata(issuer), subject_types_supported: ['public'] };
}
