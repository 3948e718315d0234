/**
 * RFC 7009 revocation at /oauth2/revoke through openid-client against a listening server, on
 * both dialects: a refresh token revokes its family; an access token is revoked by jti and a
 * live verifier following /v1/events refuses it; only the client the token was issued to may
 * revoke it; invalid tokens answer 200.
 */

import type { Verifier } from '@tessera/verify';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeDialects } from '../support/stores.js';
import { ISSUER, liveVerifier, oauthError, startWorld, type World } from './refresh-support.js';

describeDialects('token revocation', (dialect) => {
  let w: World;
  let spa: oidc.Configuration;
  let verifier: Verifier;
  beforeAll(async () => {
    w = await startWorld(dialect);
    spa = w.configFor(w.spa.clientId, oidc.None());
    verifier = await liveVerifier(w);
  });
  afterAll(async () => {
    verifier?.close();
    await w?.close();
  });

  const post = (body: string, auth?: string) =>
    fetch(`${w.url}/oauth2/revoke`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(auth ? { authorization: auth } : {}),
      },
      body,
    });

  it('a refresh token revokes its whole family, once, audited', async () => {
    const { token, familyId } = await w.login();
    const rotated = await oidc.refreshTokenGrant(spa, token);
    await oidc.tokenRevocation(spa, rotated.refresh_token ?? '', { token_type_hint: 'refresh_token' });
    expect(await oauthError(oidc.refreshTokenGrant(spa, rotated.refresh_token ?? ''))).toBe('invalid_grant');
    // Revoking again is a no-op, still 200.
    await oidc.tokenRevocation(spa, rotated.refresh_token ?? '');
    const audit = (await w.t.admin('GET', `/audit?action=refresh_token.revoked&targetId=${w.userId}`)).json
      .items as { actorId: string; summary: { familyId: string } }[];
    expect(audit.filter((a) => a.summary.familyId === familyId)).toHaveLength(1);
    expect(audit[0]?.actorId).toBe(w.spa.clientId);
  });

  it('an access token is revoked by jti, and a live verifier refuses it', async () => {
    const { token } = await w.login();
    const { access_token } = await oidc.refreshTokenGrant(spa, token);
    expect((await verifier.verify(access_token)).sub).toBe(w.userId);
    // A wrong hint does no harm (RFC 7009 §2.1: the server extends its search).
    await oidc.tokenRevocation(spa, access_token, { token_type_hint: 'refresh_token' });
    let code = '';
    for (let i = 0; i < 100 && code !== 'ERR_TOKEN_REVOKED'; i++) {
      code = await verifier.verify(access_token).then(
        () => 'accepted',
        (err: { code: string }) => err.code,
      );
      if (code !== 'ERR_TOKEN_REVOKED') await new Promise((r) => setTimeout(r, 20));
    }
    expect(code).toBe('ERR_TOKEN_REVOKED');
  });

  it("refuses to revoke another client's tokens, which stay valid", async () => {
    const { token } = await w.login();
    const web = w.configFor(w.web.client.clientId, oidc.ClientSecretBasic(w.web.secret));
    expect(await oauthError(oidc.tokenRevocation(web, token))).toBe('unauthorized_client');
    const { access_token, refresh_token } = await oidc.refreshTokenGrant(spa, token);
    expect(await oauthError(oidc.tokenRevocation(web, access_token))).toBe('unauthorized_client');
    expect((await oidc.refreshTokenGrant(spa, refresh_token ?? '')).access_token).toBeTruthy();
  });

  it('answers 200 for unknown, malformed and foreign tokens, and for unknown hints', async () => {
    await oidc.tokenRevocation(spa, 'tsr_unknownunknownunknownunknownunknownunknown1');
    await oidc.tokenRevocation(spa, 'not-a-token', { token_type_hint: 'something_else' });
    await oidc.tokenRevocation(spa, 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.c2ln');
  });

  it('does not revoke ID tokens: unsupported_token_type (RFC 7009 §2.2.1)', async () => {
    const { token } = await w.login({ scope: 'openid offline_access' });
    const res = await oidc.refreshTokenGrant(spa, token);
    expect(await oauthError(oidc.tokenRevocation(spa, res.id_token ?? ''))).toBe('unsupported_token_type');
  });

  it('is listed in the discovery documents, with introspection and token exchange', async () => {
    for (const doc of ['oauth-authorization-server', 'openid-configuration']) {
      const meta = (await (await fetch(`${w.url}/.well-known/${doc}`)).json()) as Record<string, unknown>;
      expect(meta.revocation_endpoint).toBe(`${ISSUER}/oauth2/revoke`);
      expect(meta.introspection_endpoint).toBe(`${ISSUER}/oauth2/introspect`);
      expect(meta.grant_types_supported).toEqual(
        expect.arrayContaining(['refresh_token', 'urn:ietf:params:oauth:grant-type:token-exchange']),
      );
    }
  });

  it('requires client authentication and the token parameter', async () => {
    const bad = await post(
      'token=x',
      `Basic ${Buffer.from(`${w.web.client.clientId}:wrong`).toString('base64')}`,
    );
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toMatch(/^Basic/);
    expect(((await bad.json()) as { error: string }).error).toBe('invalid_client');
    const missing = await post(`client_id=${w.spa.clientId}`);
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: string }).error).toBe('invalid_request');
    const get = await fetch(`${w.url}/oauth2/revoke`);
    expect(get.status).toBe(400);
    expect(get.headers.get('allow')).toBe('POST');
  });
});

describe('revocation and introspection rate limits', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld('sqlite', { TESSERA_TOKEN_FAILURE_LIMIT: '3' });
  });
  afterAll(async () => w?.close());

  it('count failed client authentications per address like the token endpoint: 429 with Retry-After', async () => {
    const wrong = `Basic ${Buffer.from(`${w.web.client.clientId}:wrong`).toString('base64')}`;
    const hit = (path: string) =>
      fetch(`${w.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: wrong },
        body: 'token=x',
      });
    const statuses = [];
    for (const path of ['/oauth2/revoke', '/oauth2/revoke', '/oauth2/revoke', '/oauth2/revoke']) {
      statuses.push((await hit(path)).status);
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
    // Each endpoint keeps its own counts, as the token endpoint does.
    expect((await hit('/oauth2/introspect')).status).toBe(401);
    const last = await hit('/oauth2/revoke');
    expect(last.status).toBe(429);
    expect(Number(last.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await last.json()) as { error: string }).error).toBe('slow_down');
  });
});
