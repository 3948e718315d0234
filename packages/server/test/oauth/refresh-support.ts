/**
 * A listening Tessera for the token-lifecycle tests (refresh, revocation, introspection, token
 * exchange), with openid-client configured as the OAuth peer, and a small seeded world: one
 * application (namespace `api`), two roles, a user holding both, a public and a confidential
 * client. Refresh-token families are started through issueRefreshToken, the contract the
 * authorization_code and device_code grants call.
 */
import { createLiveOverlay, createVerifier, type Verifier } from '@tessera/verify';
import * as oidc from 'openid-client';
import { createClient } from '../../src/core/clients/service.js';
import type { Client, GrantType } from '../../src/core/model.js';
import { issueRefreshToken } from '../../src/core/oauth/refresh/tokens.js';
import { type ShiftClock, shiftClock } from '../keys/clock.js';
import { startTestApp, type TestApp } from '../support/app.js';
import type { Dialect } from '../support/stores.js';

export const ISSUER = 'http://tessera.test';
export const API = 'https://api.example';

export interface World {
  t: TestApp;
  url: string;
  clock: ShiftClock;
  userId: string;
  /** A public client (PKCE apps, CLIs): token_endpoint_auth_method none. */
  spa: Client;
  /** A confidential client with its secret. */
  web: { client: Client; secret: string };
  /** openid-client configuration for a client of this server. */
  configFor(clientId: string, auth: oidc.ClientAuth): oidc.Configuration;
  /** Starts a refresh-token family as a login would. */
  login(options?: {
    clientId?: string;
    scope?: string;
    userId?: string;
  }): Promise<{ token: string; familyId: string }>;
  createUser(userName: string, roles?: string[]): Promise<string>;
  newClient(
    name: string,
    grantTypes: GrantType[],
    options?: { type?: 'public'; defaultAudience?: string; roles?: string[] },
  ): Promise<{ client: Client; secret: string }>;
  close(): Promise<void>;
}

export async function startWorld(dialect: Dialect, env: Record<string, string> = {}): Promise<World> {
  const clock = shiftClock();
  const t = await startTestApp(dialect, { env: { TESSERA_ISSUER: ISSUER, ...env }, clock });
  const url = await t.app.listen({ host: '127.0.0.1', port: 0 });
  const ok = async (method: string, path: string, body?: unknown) => {
    const res = await t.admin(method, path, body);
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${res.body}`);
    return res.json;
  };
  await ok('POST', '/applications', { name: 'api', audience: API, namespace: 'api' });
  await ok('POST', '/roles', { name: 'api-reader', permissions: ['api:read'] });
  await ok('POST', '/roles', { name: 'api-writer', permissions: ['api:read', 'api:write'] });
  const createUser = async (userName: string, roles: string[] = []) => {
    const user = await ok('POST', '/users', { userName });
    for (const role of roles) await ok('PUT', `/users/${user.id}/roles/${role}`);
    return user.id as string;
  };
  const userId = await createUser('ada', ['api-reader', 'api-writer']);
  const actor = { type: 'system' as const, id: 'test' };
  const newClient: World['newClient'] = async (name, grantTypes, options = {}) => {
    const created = await createClient(t.runtime.ctx, actor, {
      name,
      grantTypes,
      ...(options.type === 'public' ? { type: 'public', tokenEndpointAuthMethod: 'none' } : {}),
      ...(options.defaultAudience ? { defaultAudience: options.defaultAudience } : {}),
      ...(options.roles ? { roles: options.roles } : {}),
    });
    return { client: created.client, secret: created.clientSecret ?? '' };
  };
  const spa = (await newClient('spa', ['refresh_token'], { type: 'public' })).client;
  const web = await newClient('web', ['refresh_token']);
  return {
    t,
    url,
    clock,
    userId,
    spa,
    web,
    configFor(clientId, auth) {
      const config = new oidc.Configuration(
        {
          issuer: ISSUER,
          token_endpoint: `${url}/oauth2/token`,
          revocation_endpoint: `${url}/oauth2/revoke`,
          introspection_endpoint: `${url}/oauth2/introspect`,
        },
        clientId,
        // Tessera signs with the key ring's algorithm (ES256 by default), not openid-client's default RS256.
        { id_token_signed_response_alg: 'ES256' },
        auth,
      );
      oidc.allowInsecureRequests(config);
      return config;
    },
    login(options = {}) {
      const now = clock.now();
      return t.runtime.store.transaction((tx) =>
        issueRefreshToken(tx, {
          userId: options.userId ?? userId,
          clientId: options.clientId ?? spa.clientId,
          audience: API,
          scope: options.scope ?? 'openid offline_access',
          sessionId: null,
          authTime: now,
          now,
        }),
      );
    },
    createUser,
    newClient,
    close: () => t.close(),
  };
}

/** The JSON payload of a JWT, unverified (the tests verify signatures where it matters). */
export function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString());
}

/** The OAuth error code of a failed openid-client call. */
export async function oauthError(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    const e = err as { error?: string; code?: string; cause?: { error?: string }; response?: Response };
    // A 401 with a challenge (invalid_client) surfaces as the challenge; the body has the code.
    if (e.code === 'OAUTH_WWW_AUTHENTICATE_CHALLENGE' && e.response) {
      return ((await e.response.json()) as { error: string }).error;
    }
    return e.error ?? e.cause?.error ?? e.code ?? String(err);
  }
  throw new Error('expected the request to fail');
}

/**
 * A verifier for the world's API audience as a resource server runs one: keys from the JWKS,
 * the live overlay following /v1/events, ready when it returns. `close()` stops both.
 */
export async function liveVerifier(w: World): Promise<Verifier> {
  const live = createLiveOverlay({ eventsUri: `${w.url}/v1/events`, token: () => w.t.adminToken() });
  const verifier = createVerifier({
    issuer: ISSUER,
    audience: API,
    jwksUri: `${w.url}/.well-known/jwks.json`,
    clockTolerance: 5,
    live: { overlay: live },
  });
  await live.ready();
  return verifier;
}
