/**
 * End to end with openid-client: a user signs in through the real login page (authorization
 * code + PKCE), and the refresh token from that sign-in rotates, detects reuse, and is revoked —
 * the refresh family started by the authorization_code grant through issueRefreshToken.
 */
import * as oidc from 'openid-client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeDialects } from '../support/stores.js';
import { authorizationRequest, Browser, type CodeWorld, startCodeWorld } from './code-flow-support.js';
import { oauthError } from './refresh-support.js';

describeDialects('refresh tokens from a real sign-in', (dialect) => {
  let w: CodeWorld;
  let config: oidc.Configuration;
  beforeAll(async () => {
    w = await startCodeWorld(dialect);
    config = await w.discover(w.spa.clientId, oidc.None());
  });
  afterAll(async () => w?.close());

  const signIn = async () => {
    const browser = new Browser(w.issuer);
    const request = await authorizationRequest(config, { scope: 'openid offline_access api:read' });
    const back = await browser.signIn(await browser.get(request.url.href));
    const callback = await browser.get(back.location as string);
    return oidc.authorizationCodeGrant(config, new URL(callback.location as string), {
      pkceCodeVerifier: request.verifier,
      expectedState: request.state,
      expectedNonce: request.nonce,
    });
  };

  it('rotates, keeps the granted scope, and a reused token revokes the family', async () => {
    const tokens = await signIn();
    expect(tokens.refresh_token).toMatch(/^tsr_/);
    const first = await oidc.refreshTokenGrant(config, tokens.refresh_token ?? '');
    expect(first.scope).toBe('openid offline_access api:read');
    expect(first.claims()).toMatchObject({ sub: w.userId, aud: w.spa.clientId });
    const second = await oidc.refreshTokenGrant(config, first.refresh_token ?? '');
    w.clock.advance(11_000);
    // An attacker replays the sign-in's original token: the family dies, the holder's token too.
    expect(await oauthError(oidc.refreshTokenGrant(config, tokens.refresh_token ?? ''))).toBe(
      'invalid_grant',
    );
    expect(await oauthError(oidc.refreshTokenGrant(config, second.refresh_token ?? ''))).toBe(
      'invalid_grant',
    );
  });

  it('the client revokes its sign-in at the revocation endpoint found by discovery', async () => {
    expect(config.serverMetadata().revocation_endpoint).toBe(`${w.issuer}/oauth2/revoke`);
    const tokens = await signIn();
    await oidc.tokenRevocation(config, tokens.refresh_token ?? '');
    expect(await oauthError(oidc.refreshTokenGrant(config, tokens.refresh_token ?? ''))).toBe(
      'invalid_grant',
    );
  });
});
