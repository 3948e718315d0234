/**
 * RFC 7662 introspection at /oauth2/introspect through openid-client against a listening
 * server, on both dialects: only clients holding tessera:introspect; the user's current rights,
 * agreeing with a live verifier after a role change; revoked, revoked-before-T, disabled;
 * refresh tokens; scope-narrowed tokens stay narrowed.
 */

import type { Verifier } from '@tessera/verify';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { issueUserToken } from '../../src/core/tokens/user-token.js';
import { describeDialects } from '../support/stores.js';
import { API, ISSUER, liveVerifier, oauthError, startWorld, type World } from './refresh-support.js';

describeDialects('token introspection', (dialect) => {
  let w: World;
  let spa: oidc.Configuration;
  let rs: oidc.Configuration;
  let verifier: Verifier;
  beforeAll(async () => {
    w = await startWorld(dialect);
    spa = w.configFor(w.spa.clientId, oidc.None());
    await w.t.admin('POST', '/roles', { name: 'introspector', permissions: ['tessera:introspect'] });
    const api = await w.newClient('api server', ['client_credentials'], {
      defaultAudience: 'urn:tessera:admin',
      roles: ['introspector'],
    });
    rs = w.configFor(api.client.clientId, oidc.ClientSecretPost(api.secret));
    verifier = await liveVerifier(w);
  });
  afterAll(async () => {
    verifier?.close();
    await w?.close();
  });

  const accessFor = async (userName: string, roles: string[], scope?: string) => {
    const userId = await w.createUser(userName, roles);
    const { token } = await w.login({ userId, ...(scope ? { scope } : {}) });
    const res = await oidc.refreshTokenGrant(spa, token);
    return { userId, access: res.access_token, refresh: res.refresh_token ?? '', rotatedFrom: token };
  };

  /** Until the live verifier has seen the change (it travels over SSE). */
  async function livePermissions(token: string, expected: string[]): Promise<readonly string[]> {
    let last: readonly string[] = [];
    for (let i = 0; i < 100; i++) {
      last = (await verifier.verify(token)).permissions;
      if (JSON.stringify(last) === JSON.stringify(expected)) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    return last;
  }

  it('answers with the claims and the current rights, and agrees with a live verifier after a role change', async () => {
    const { userId, access } = await accessFor('ivy', ['api-reader', 'api-writer']);
    const before = await oidc.tokenIntrospection(rs, access);
    expect(before).toMatchObject({
      active: true,
      token_type: 'Bearer',
      sub: userId,
      client_id: w.spa.clientId,
      aud: API,
      iss: ISSUER,
      username: 'ivy',
      roles: ['api-reader', 'api-writer'],
      permissions: ['api:read', 'api:write'],
    });
    expect(typeof before.exp).toBe('number');
    expect(typeof before.iat).toBe('number');
    await w.t.admin('DELETE', `/users/${userId}/roles/api-writer`);
    const after = await oidc.tokenIntrospection(rs, access);
    expect(after).toMatchObject({ active: true, roles: ['api-reader'], permissions: ['api:read'] });
    expect(await livePermissions(access, ['api:read'])).toEqual(after.permissions);
    // A group's role reaches both too.
    const group = (await w.t.admin('POST', '/groups', { displayName: 'Writers' })).json;
    await w.t.admin('PUT', `/groups/${group.id}/roles/api-writer`);
    await w.t.admin('POST', `/groups/${group.id}/members`, { add: [userId] });
    const grouped = await oidc.tokenIntrospection(rs, access);
    expect(grouped).toMatchObject({
      roles: ['api-reader', 'api-writer'],
      permissions: ['api:read', 'api:write'],
    });
    expect(await livePermissions(access, ['api:read', 'api:write'])).toEqual(grouped.permissions);
  });

  it('a scope-narrowed token stays within its scope under later grants', async () => {
    const { access } = await accessFor('sam', ['api-reader'], 'offline_access api:read');
    const res = await oidc.tokenIntrospection(rs, access);
    expect(res).toMatchObject({ active: true, scope: 'api:read', permissions: ['api:read'] });
  });

  it('inactive when revoked by jti, revoked before T, the user disabled, or expired', async () => {
    const a = await accessFor('rev1', ['api-reader']);
    await oidc.tokenRevocation(spa, a.access);
    expect(await oidc.tokenIntrospection(rs, a.access)).toEqual({ active: false });

    const b = await accessFor('rev2', ['api-reader']);
    w.clock.advance(1_000);
    await w.t.admin('POST', `/users/${b.userId}/revoke-tokens`, {});
    expect(await oidc.tokenIntrospection(rs, b.access)).toEqual({ active: false });
    expect(await oidc.tokenIntrospection(rs, b.refresh)).toEqual({ active: false });

    const c = await accessFor('rev3', ['api-reader']);
    expect((await oidc.tokenIntrospection(rs, c.access)).active).toBe(true);
    await w.t.admin('PATCH', `/users/${c.userId}`, { active: false });
    expect(await oidc.tokenIntrospection(rs, c.access)).toEqual({ active: false });
    expect(await oidc.tokenIntrospection(rs, c.refresh)).toEqual({ active: false });

    const d = await accessFor('rev4', ['api-reader']);
    w.clock.advance(11 * 60_000); // past the 10-minute access-token lifetime
    expect(await oidc.tokenIntrospection(rs, d.access)).toEqual({ active: false });
    expect((await oidc.tokenIntrospection(rs, d.refresh)).active).toBe(true);
  });

  it('introspects refresh tokens: the current one is active, a rotated one is not', async () => {
    const { userId, refresh, rotatedFrom } = await accessFor('rita', ['api-reader']);
    const res = await oidc.tokenIntrospection(rs, refresh, { token_type_hint: 'refresh_token' });
    expect(res).toMatchObject({
      active: true,
      token_type: 'refresh_token',
      client_id: w.spa.clientId,
      sub: userId,
      aud: API,
      username: 'rita',
      scope: 'openid offline_access',
    });
    expect(res.exp).toBeGreaterThan(res.iat ?? 0);
    expect(await oidc.tokenIntrospection(rs, rotatedFrom)).toEqual({ active: false });
  });

  it('a user token follows its client: inactive once the client is disabled; admin-minted ones (no such client) stay active', async () => {
    const userId = await w.createUser('cora', ['api-reader']);
    const { client } = await w.newClient('kiosk', ['refresh_token'], { type: 'public' });
    const kiosk = w.configFor(client.clientId, oidc.None());
    const { token } = await w.login({ userId, clientId: client.clientId });
    const { access_token } = await oidc.refreshTokenGrant(kiosk, token);
    expect((await oidc.tokenIntrospection(rs, access_token)).active).toBe(true);
    await w.t.admin('PATCH', `/clients/${client.id}`, { enabled: false });
    expect(await oidc.tokenIntrospection(rs, access_token)).toEqual({ active: false });
    // Regression: minted by the system (client_id tessera-system, not a registered client), a
    // user token was answered inactive although every live verifier accepts it.
    const minted = await issueUserToken(
      w.t.runtime.ctx,
      { keyRing: w.t.runtime.keyRing, issuer: ISSUER, accessTokenLifetimeMs: 600_000 },
      { type: 'system', id: 'test' },
      userId,
      API,
    );
    expect(minted.claims.client_id).toBe('tessera-system');
    expect(await oidc.tokenIntrospection(rs, minted.token)).toMatchObject({ active: true, sub: userId });
  });

  it('garbage and foreign JWTs are inactive, never an error', async () => {
    expect(await oidc.tokenIntrospection(rs, 'nonsense')).toEqual({ active: false });
    expect(await oidc.tokenIntrospection(rs, 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.c2ln')).toEqual({
      active: false,
    });
  });

  it('only for clients allowed to introspect: 403 without the permission, 401 with bad credentials', async () => {
    const { access } = await accessFor('nosy', ['api-reader']);
    const web = w.configFor(w.web.client.clientId, oidc.ClientSecretBasic(w.web.secret));
    const refused = await fetch(`${w.url}/oauth2/introspect`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${w.web.client.clientId}:${w.web.secret}`).toString('base64')}`,
      },
      body: new URLSearchParams({ token: access }),
    });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: string }).error).toBe('insufficient_scope');
    expect(await oauthError(oidc.tokenIntrospection(web, access))).toBe('insufficient_scope');
    const wrong = w.configFor(w.web.client.clientId, oidc.ClientSecretBasic('wrong'));
    expect(await oauthError(oidc.tokenIntrospection(wrong, access))).toBe('invalid_client');
  });
});
