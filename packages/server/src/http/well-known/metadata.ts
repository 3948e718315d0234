import { SCOPE_CLAIMS } from '../../core/oauth/oidc/claims.js';
import { PROTOCOL_SCOPES } from '../../core/oauth/scopes.js';
import { ASSERTION_ALGORITHMS } from '../../core/tokens/client-assertion.js';
import { CLIENT_AUTH_METHODS } from '../../core/tokens/client-auth.js';
import { GRANTS } from '../../core/tokens/grants/index.js';
import {
  AUTHORIZE_PATH,
  DEVICE_AUTHORIZATION_PATH,
  END_SESSION_PATH,
  INTROSPECTION_PATH,
  JWKS_PATH,
  REVOCATION_PATH,
  TOKEN_PATH,
  USERINFO_PATH,
} from '../paths.js';

export { JWKS_PATH, TOKEN_PATH };

/** Which optional endpoints are served (each is listed only when its route exists). */
export interface MetadataEndpoints {
  authorization: boolean;
  userinfo: boolean;
  endSession: boolean;
  revocation: boolean;
  introspection: boolean;
  deviceAuthorization: boolean;
}

/** The ID token and access token claims Tessera emits (OIDC Discovery §3 `claims_supported`). */
const CLAIMS = [
  'sub',
  'iss',
  'aud',
  'exp',
  'iat',
  'auth_time',
  'nonce',
  'azp',
  'at_hash',
  'sid',
  ...new Set(Object.values(SCOPE_CLAIMS).flat()),
];

/**
 * RFC 8414 §2 authorization server metadata and OpenID Connect Discovery 1.0 §3, one document
 * stating exactly what is implemented: grant types from the GRANTS table, client
 * authentication from CLIENT_AUTH_METHODS, endpoints from http/paths.ts when their routes are
 * registered. `scopes_supported` lists the OpenID Connect scopes only: the other scope values
 * are permissions, which are per application and not public (RFC 8414 §2 lets a server leave
 * some out). `idTokenAlgorithms` are the algorithms of the published signing keys.
 */
export function serverMetadata(
  issuer: string,
  endpoints: MetadataEndpoints,
  idTokenAlgorithms: readonly string[],
): Record<string, unknown> {
  const url = (path: string) => `${issuer}${path}`;
  const authMethods = [...CLIENT_AUTH_METHODS];
  const signingAlgs = authMethods.includes('private_key_jwt')
    ? { auth_signing: [...ASSERTION_ALGORITHMS] }
    : undefined;
  const code = endpoints.authorization && Object.hasOwn(GRANTS, 'authorization_code');
  return {
    issuer,
    ...(code && { authorization_endpoint: url(AUTHORIZE_PATH) }),
    token_endpoint: url(TOKEN_PATH),
    ...(endpoints.userinfo && { userinfo_endpoint: url(USERINFO_PATH) }),
    jwks_uri: url(JWKS_PATH),
    ...(endpoints.endSession && { end_session_endpoint: url(END_SESSION_PATH) }),
    ...(endpoints.revocation && {
      revocation_endpoint: url(REVOCATION_PATH),
      revocation_endpoint_auth_methods_supported: authMethods,
      ...(signingAlgs && { revocation_endpoint_auth_signing_alg_values_supported: signingAlgs.auth_signing }),
    }),
    ...(endpoints.introspection && {
      introspection_endpoint: url(INTROSPECTION_PATH),
      // The endpoint authenticates through TokenService.authenticate like every other, then
      // requires the tessera:introspect permission (http/oauth/introspect.ts).
      introspection_endpoint_auth_methods_supported: authMethods,
      ...(signingAlgs && {
        introspection_endpoint_auth_signing_alg_values_supported: signingAlgs.auth_signing,
      }),
    }),
    ...(endpoints.deviceAuthorization && { device_authorization_endpoint: url(DEVICE_AUTHORIZATION_PATH) }),
    grant_types_supported: Object.keys(GRANTS),
    response_types_supported: code ? ['code'] : [],
    ...(code && {
      response_modes_supported: ['query'],
      code_challenge_methods_supported: ['S256'],
      // RFC 9207: every authorization response carries `iss`.
      authorization_response_iss_parameter_supported: true,
      prompt_values_supported: ['none', 'login', 'consent', 'select_account'],
    }),
    token_endpoint_auth_methods_supported: authMethods,
    ...(signingAlgs && { token_endpoint_auth_signing_alg_values_supported: signingAlgs.auth_signing }),
    scopes_supported: [...PROTOCOL_SCOPES],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [...idTokenAlgorithms],
    claims_supported: CLAIMS,
    claims_parameter_supported: false,
    request_parameter_supported: false,
    // OIDC Discovery's default for this one is true: say no explicitly.
    request_uri_parameter_supported: false,
  };
}
