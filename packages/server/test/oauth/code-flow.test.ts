/**
 * Authorization code + PKCE and OpenID Connect with openid-client 6 as the client, against a
 * listening server, on both dialects: discovery, the whole flow through the real login and
 * consent pages (a cookie-jar browser), the ID token (validated by openid-client, nonce
 * included), UserInfo, refresh, RP-initiated logout.
 */
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GRANTS } from '../../src/core/tokens/grants/index.js';
import {
  AUTHORIZE_PATH,
  DEVICE_AUTHORIZATION_PATH,
  END_SESSION_PATH,
  INTROSPECTION_PATH,
  JWKS_PATH,
  REVOCATION_PATH,
  TOKEN_PATH,
  USERINFO_PATH,
} from '../../src/http/paths.js';
import { describeDialects } from '../support/stores.js';
import {
  API,
  authorizationRequest,
  Browser,
  type CodeWorld,
  hiddenFields,
  POST_LOGOUT,
  REDIRECT,
  startCodeWorld,
} from './code-flow-support.js';

describeDialects('authorization code + PKCE with openid-client', (dialect) => {
  let w: CodeWorld;
  beforeAll(async () => {
    w = await startCodeWorld(dialect);
  }, 60_000);
  afterAll(async () => {
    await w?.close();
  });

  it('discovery describes exactly what is served', async () => {
    const config = await w.discover(w.spa.clientId, oidc.None());
    const meta = config.serverMetadata();
    expect(meta).toMatchObject({
      issuer: w.issuer,
      authorization_endpoint: `${w.issuer}/oauth2/authorize`,
      token_endpoint: `${w.issuer}/oauth2/token`,
      userinfo_endpoint: `${w.issuer}/oauth2/userinfo`,
      end_session_endpoint: `${w.issuer}/oauth2/end_session`,
      jwks_uri: `${w.issuer}/.well-known/jwks.json`,
      response_types_supported: ['code'],
      response_modes_supported: ['query'],
      code_challenge_methods_supported: ['S256'],
      authorization_response_iss_parameter_supported: true,
      id_token_signing_alg_values_supported: ['ES256'],
      subject_types_supported: ['public'],
      request_uri_parameter_supported: false,
    });
    expect(meta.grant_types_supported).toEqual(
      expect.arrayContaining(['authorization_code', 'refresh_token']),
    );
    expect(meta.token_endpoint_auth_methods_supported).toEqual(
      expect.arrayContaining(['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none']),
    );
    expect(meta.scopes_supported).toEqual(['openid', 'profile', 'email', 'offline_access']);
    expect(meta.grant_types_supported).toEqual(Object.keys(GRANTS));
    // Each endpoint is advertised exactly when its route is served, at its http/paths.ts path.
    const paths: Record<string, string> = {
      authorization_endpoint: AUTHORIZE_PATH,
      token_endpoint: TOKEN_PATH,
      userinfo_endpoint: USERINFO_PATH,
      end_session_endpoint: END_SESSION_PATH,
      revocation_endpoint: REVOCATION_PATH,
      introspection_endpoint: INTROSPECTION_PATH,
      device_authorization_endpoint: DEVICE_AUTHORIZATION_PATH,
      jwks_uri: JWKS_PATH,
    };
    for (const [name, path] of Object.entries(paths)) {
      const served = ['GET', 'POST'].some((method) =>
        w.t.app.hasRoute({ method: method as 'GET', url: path }),
      );
      expect(meta[name as keyof typeof meta] === `${w.issuer}${path}`, name).toBe(served);
    }
    const endpoints = Object.entries(meta).filter(([k]) => k.endsWith('_endpoint') || k === 'jwks_uri');
    for (const [name, url] of endpoints) {
      const post = /token|revocation|introspection|device_authorization/.test(name);
      const res = await fetch(String(url), { method: post ? 'POST' : 'GET' });
      expect(res.status, name).not.toBe(404);
    }
    const rfc8414 = await (await fetch(`${w.issuer}/.well-known/oauth-authorization-server`)).json();
    expect(rfc8414).toEqual(await (await fetch(`${w.issuer}/.well-known/openid-configuration`)).json());
  });

  it('signs a user in through the login and consent pages and redeems the code with openid-client', async () => {
    const config = await w.discover(w.web.client.clientId, oidc.ClientSecretBasic(w.web.secret));
    const browser = new Browser(w.issuer);
    const request = await authorizationRequest(config);

    // Not signed in: to the login page, which returns to this very request.
    const toLogin = await browser.get(request.url.href);
    expect(toLogin.status).toBe(303);
    expect(toLogin.location).toMatch(/^\/login\?return_to=%2Foauth2%2Fauthorize%3F/);
    const signedIn = await browser.signIn(toLogin);
    expect(signedIn.status).toBe(303);
    expect(signedIn.location).toMatch(/^\/oauth2\/authorize\?/);

    // A third-party client: the consent page names the client, the API and what it asks for.
    const consent = await browser.get(signedIn.location as string);
    expect(consent.status).toBe(200);
    expect(consent.body).toContain('Web App');
    expect(consent.body).toContain('Example API');
    expect(consent.body).toContain(API);
    expect(consent.body).toContain('<code>api:read</code>');
    expect(consent.body).toContain('See your email address');
    expect(consent.headers.get('content-security-policy')).toContain(
      "form-action 'self' https://app.example",
    );
    const approved = await browser.post('/consent', [...hiddenFields(consent.body), ['decision', 'approve']]);
    expect(approved.status).toBe(303);
    const callback = new URL(approved.location as string);
    expect(`${callback.origin}${callback.pathname}`).toBe(REDIRECT);
    expect(callback.searchParams.get('state')).toBe(request.state);
    expect(callback.searchParams.get('iss')).toBe(w.issuer);

    const tokens = await oidc.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: request.verifier,
      expectedState: request.state,
      expectedNonce: request.nonce,
      idTokenExpected: true,
    });
    expect(tokens.token_type.toLowerCase()).toBe('bearer');
    expect(tokens.scope).toBe('openid profile email api:read');
    expect(tokens.refresh_token).toMatch(/^tsr_/);
    const claims = tokens.claims();
    expect(claims).toMatchObject({
      iss: w.issuer,
      sub: w.userId,
      aud: w.web.client.clientId,
      azp: w.web.client.clientId,
      nonce: request.nonce,
      preferred_username: 'ada',
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      email_verified: false,
    });
    expect(typeof claims?.auth_time).toBe('number');
    expect(typeof claims?.sid).toBe('string');
    expect(typeof claims?.at_hash).toBe('string');
    const access = JSON.parse(Buffer.from(tokens.access_token.split('.')[1] ?? '', 'base64url').toString());
    expect(access).toMatchObject({
      sub: w.userId,
      aud: API,
      client_id: w.web.client.clientId,
      scope: 'api:read',
    });

    // UserInfo with the access token: claims of the scopes granted.
    const info = await oidc.fetchUserInfo(config, tokens.access_token, w.userId);
    expect(info).toEqual({
      sub: w.userId,
      name: 'Ada Lovelace',
      given_name: 'Ada',
      family_name: 'Lovelace',
      preferred_username: 'ada',
      updated_at: expect.any(Number),
      email: 'ada@example.com',
      email_verified: false,
    });

    // The refresh token from the code works (contract 4), and carries a new ID token.
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token as string);
    expect(refreshed.claims()?.sub).toBe(w.userId);

    // Consent is remembered: the same request goes straight back with a code.
    const again = await authorizationRequest(config);
    const second = await browser.get(again.url.href);
    expect(second.status).toBe(303);
    expect(new URL(second.location as string).searchParams.get('code')).toBeTruthy();

    // Each authorization is audited with how consent was given; redemptions are not.
    const audit = await w.t.admin('GET', `/audit?action=oauth.authorized&targetId=${w.web.client.id}`);
    expect(audit.json.items.map((e: { summary: { consent: string } }) => e.summary.consent)).toEqual([
      'approved',
      'remembered',
    ]);
    expect(audit.json.items[0]).toMatchObject({
      actorType: 'user',
      actorId: w.userId,
      summary: { clientId: w.web.client.clientId, audience: API, scope: 'openid profile email api:read' },
    });

    // RP-initiated logout with the ID token as hint: the session ends, back to the registered URI.
    const logout = oidc.buildEndSessionUrl(config, {
      id_token_hint: tokens.id_token as string,
      post_logout_redirect_uri: POST_LOGOUT,
      state: 'bye',
    });
    const out = await browser.get(logout.href);
    expect(out.status).toBe(303);
    expect(out.location).toBe(`${POST_LOGOUT}?state=bye`);
    const afterLogout = await browser.get((await authorizationRequest(config)).url.href);
    expect(afterLogout.status).toBe(303);
    expect(afterLogout.location).toMatch(/^\/login\?/);
  });

  it('skips consent for a first-party public client; PKCE alone binds the code to it', async () => {
    const config = await w.discover(w.spa.clientId, oidc.None());
    const browser = new Browser(w.issuer);
    const request = await authorizationRequest(config, { scope: 'openid' });
    const back = await browser.signIn(await browser.get(request.url.href));
    const callback = await browser.get(back.location as string);
    expect(callback.status).toBe(303);
    const tokens = await oidc.authorizationCodeGrant(config, new URL(callback.location as string), {
      pkceCodeVerifier: request.verifier,
      expectedState: request.state,
      expectedNonce: request.nonce,
    });
    expect(tokens.claims()).toMatchObject({ sub: w.userId, aud: w.spa.clientId });
    // Only openid was granted: the ID token and UserInfo carry no profile or email claims.
    expect(tokens.claims()?.email).toBeUndefined();
    expect(await oidc.fetchUserInfo(config, tokens.access_token, w.userId)).toEqual({ sub: w.userId });
    // Without a permission scope the token carries what the user holds in the namespace.
    const access = JSON.parse(Buffer.from(tokens.access_token.split('.')[1] ?? '', 'base64url').toString());
    expect(access.permissions).toEqual(['api:read']);
  });
});

describe('ID tokens of every key algorithm, checked by openid-client', () => {
  it.each(['EdDSA', 'RS256'] as const)(
    '%s',
    async (alg) => {
      const world = await startCodeWorld('sqlite', { TESSERA_KEY_ALGORITHM: alg });
      try {
        const config = await world.discover(world.spa.clientId, oidc.None());
        expect(config.serverMetadata().id_token_signing_alg_values_supported).toEqual([alg]);
        const browser = new Browser(world.issuer);
        const request = await authorizationRequest(config);
        const back = await browser.signIn(await browser.get(request.url.href));
        const callback = await browser.get(back.location as string);
        const tokens = await oidc.authorizationCodeGrant(config, new URL(callback.location as string), {
          pkceCodeVerifier: request.verifier,
          expectedState: request.state,
          expectedNonce: request.nonce,
        });
        const header = JSON.parse(
          Buffer.from((tokens.id_token ?? '').split('.')[0] ?? '', 'base64url').toString(),
        );
        expect(header).toMatchObject({ alg, typ: 'JWT' });
        expect(tokens.claims()?.sub).toBe(world.userId);
      } finally {
        await world.close();
      }
    },
    60_000,
  );
});
