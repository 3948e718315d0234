/**
 * The refresh_token grant through openid-client against a listening server, on both dialects:
 * rotation, reuse detection (family revoked, audited), the grace window, scope narrowing,
 * current rights, revoke-before-T, disabled users and clients.
 */
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { presentRefreshToken } from '../../src/core/oauth/refresh/tokens.js';
import { describeDialects } from '../support/stores.js';
import { API, claimsOf, oauthError, startWorld, type World } from './refresh-support.js';

describeDialects('refresh_token grant', (dialect) => {
  let w: World;
  let spa: oidc.Configuration;
  beforeAll(async () => {
    w = await startWorld(dialect, { TESSERA_REFRESH_TOKEN_IDLE_LIFETIME: '1h' });
    spa = w.configFor(w.spa.clientId, oidc.None());
  });
  afterAll(async () => w?.close());

  const audit = async (action: string) =>
    (await w.t.admin('GET', `/audit?action=${action}&targetId=${w.userId}`)).json.items as {
      actorId: string;
      summary: Record<string, unknown>;
    }[];

  it('rotates on every use and issues a user access token with current rights and an id_token', async () => {
    const { token } = await w.login({ scope: 'openid offline_access' });
    const first = await oidc.refreshTokenGrant(spa, token);
    expect(first.refresh_token).toMatch(/^tsr_/);
    expect(first.refresh_token).not.toBe(token);
    expect(first.token_type).toBe('bearer');
    expect(first.scope).toBe('openid offline_access');
    expect(claimsOf(first.access_token)).toMatchObject({
      sub: w.userId,
      aud: API,
      client_id: w.spa.clientId,
      roles: ['api-reader', 'api-writer'],
      permissions: ['api:read', 'api:write'],
    });
    // openid-client validated the id_token (signature not, claims yes); it names the user.
    expect(first.claims()).toMatchObject({ sub: w.userId, aud: w.spa.clientId, iss: 'http://tessera.test' });
    const second = await oidc.refreshTokenGrant(spa, first.refresh_token ?? '');
    expect(second.refresh_token).not.toBe(first.refresh_token);
  });

  it('reuse of a rotated token outside the grace window revokes the whole family and is audited', async () => {
    const { token, familyId } = await w.login();
    const next = await oidc.refreshTokenGrant(spa, token);
    w.clock.advance(11_000); // default grace: 10 s
    expect(await oauthError(oidc.refreshTokenGrant(spa, token))).toBe('invalid_grant');
    // The legitimate holder's current token dies with the family.
    expect(await oauthError(oidc.refreshTokenGrant(spa, next.refresh_token ?? ''))).toBe('invalid_grant');
    const rows = (await audit('refresh_token.reused')).filter((r) => r.summary.familyId === familyId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ actorId: w.spa.clientId, summary: { clientId: w.spa.clientId } });
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  it('within the grace window, a client that lost the response may present the old token once more', async () => {
    const { token, familyId } = await w.login();
    const lost = await oidc.refreshTokenGrant(spa, token); // the response the client never saw
    w.clock.advance(2_000);
    const retried = await oidc.refreshTokenGrant(spa, token);
    expect(retried.refresh_token).not.toBe(lost.refresh_token);
    // The retried lineage lives on; the lost successor is superseded, and presenting it is reuse.
    const after = await oidc.refreshTokenGrant(spa, retried.refresh_token ?? '');
    expect(await oauthError(oidc.refreshTokenGrant(spa, lost.refresh_token ?? ''))).toBe('invalid_grant');
    expect(await oauthError(oidc.refreshTokenGrant(spa, after.refresh_token ?? ''))).toBe('invalid_grant');
    expect((await audit('refresh_token.reused')).some((r) => r.summary.familyId === familyId)).toBe(true);
  });

  it('a replaced token is judged for reuse before anything else: a wider scope does not shield the copy', async () => {
    // Regression: reuse detection ran after the scope check, so a copy presented with a scope
    // beyond the grant got invalid_scope and left the family alive.
    const { token, familyId } = await w.login();
    const next = await oidc.refreshTokenGrant(spa, token);
    w.clock.advance(11_000);
    expect(await oauthError(oidc.refreshTokenGrant(spa, token, { scope: 'api:delete' }))).toBe(
      'invalid_grant',
    );
    expect(await oauthError(oidc.refreshTokenGrant(spa, next.refresh_token ?? ''))).toBe('invalid_grant');
    expect((await audit('refresh_token.reused')).some((r) => r.summary.familyId === familyId)).toBe(true);
  });

  it('the grace window does not cover a token whose successor was already used', async () => {
    const { token } = await w.login();
    const next = await oidc.refreshTokenGrant(spa, token);
    const used = await oidc.refreshTokenGrant(spa, next.refresh_token ?? '');
    expect(await oauthError(oidc.refreshTokenGrant(spa, token))).toBe('invalid_grant');
    expect(await oauthError(oidc.refreshTokenGrant(spa, used.refresh_token ?? ''))).toBe('invalid_grant');
  });

  it('a token naming a real family with a made-up secret is reuse: the family is revoked, audited', async () => {
    // The family keeps no hashes of old tokens, so a secret it does not know under its id is
    // judged like a copy of an old token (docs/tokens.md, "Reuse detection").
    const { token, familyId } = await w.login();
    const forged = `${token.slice(0, 'tsr_'.length + 22)}${'Q'.repeat(43)}`;
    expect(forged).not.toBe(token);
    expect(await oauthError(oidc.refreshTokenGrant(spa, forged))).toBe('invalid_grant');
    expect(await oauthError(oidc.refreshTokenGrant(spa, token))).toBe('invalid_grant');
    expect((await audit('refresh_token.reused')).some((r) => r.summary.familyId === familyId)).toBe(true);
  });

  it('two concurrent uses of one token: both answered, exactly one of the results stays current', async () => {
    const { token } = await w.login();
    const [a, b] = await Promise.all([
      oidc.refreshTokenGrant(spa, token),
      oidc.refreshTokenGrant(spa, token),
    ]);
    // The loser of the compare-and-set took the grace path and superseded the winner's token:
    // exactly one of the two is its family's current token.
    const current = await Promise.all(
      [a, b].map(async (r) => {
        const presented = await presentRefreshToken(w.t.runtime.store, r.refresh_token ?? '');
        return presented?.standing === 'current' && presented.family.revokedAt === null;
      }),
    );
    expect(current.filter(Boolean)).toHaveLength(1);
    const live = current[0] ? a : b;
    expect((await oidc.refreshTokenGrant(spa, live.refresh_token ?? '')).refresh_token).toMatch(/^tsr_/);
  });

  it('narrows the scope on request and refuses to widen it (RFC 6749 §6)', async () => {
    const { token } = await w.login({ scope: 'offline_access api:read api:write' });
    const narrowed = await oidc.refreshTokenGrant(spa, token, { scope: 'api:read' });
    expect(narrowed.scope).toBe('api:read');
    expect(claimsOf(narrowed.access_token)).toMatchObject({ scope: 'api:read', permissions: ['api:read'] });
    // The refresh token keeps the original grant: the next refresh may ask for all of it again.
    const full = await oidc.refreshTokenGrant(spa, narrowed.refresh_token ?? '');
    expect(claimsOf(full.access_token)).toMatchObject({ permissions: ['api:read', 'api:write'] });
    const rt = full.refresh_token ?? '';
    expect(await oauthError(oidc.refreshTokenGrant(spa, rt, { scope: 'api:delete' }))).toBe('invalid_scope');
    expect(await oauthError(oidc.refreshTokenGrant(spa, rt, { scope: 'api:*' }))).toBe('invalid_scope');
    expect(await oauthError(oidc.refreshTokenGrant(spa, rt, { scope: 'openid' }))).toBe('invalid_scope');
    // A refused request does not consume the token.
    expect((await oidc.refreshTokenGrant(spa, rt)).refresh_token).toMatch(/^tsr_/);
  });

  it("carries the user's current rights: a role taken away is gone at the next refresh", async () => {
    const userId = await w.createUser('grace', ['api-reader', 'api-writer']);
    const { token } = await w.login({ userId, scope: 'offline_access api:read api:write' });
    expect((await w.t.admin('DELETE', `/users/${userId}/roles/api-writer`)).status).toBeLessThan(300);
    const res = await oidc.refreshTokenGrant(spa, token);
    // api:write was granted at login but is no longer held: dropped, not an error.
    expect(claimsOf(res.access_token)).toMatchObject({ roles: ['api-reader'], permissions: ['api:read'] });
    expect(res.scope).toBe('offline_access api:read');
  });

  it('revoking a user\'s tokens ("revoke before T") revokes their refresh tokens too', async () => {
    const userId = await w.createUser('linus', ['api-reader']);
    const { token } = await w.login({ userId });
    const rotated = await oidc.refreshTokenGrant(spa, token);
    w.clock.advance(1_000);
    const revoked = await w.t.admin('POST', `/users/${userId}/revoke-tokens`, {});
    expect(revoked.json).toMatchObject({ userId, refreshFamiliesRevoked: 1 });
    expect(await oauthError(oidc.refreshTokenGrant(spa, rotated.refresh_token ?? ''))).toBe('invalid_grant');
    // A sign-in after T is not affected.
    w.clock.advance(1_000);
    const later = await w.login({ userId });
    expect((await oidc.refreshTokenGrant(spa, later.token)).refresh_token).toMatch(/^tsr_/);
  });

  it('stops at once for a disabled user, and for a disabled client', async () => {
    const userId = await w.createUser('grete', ['api-reader']);
    const { token } = await w.login({ userId });
    await w.t.admin('PATCH', `/users/${userId}`, { active: false });
    expect(await oauthError(oidc.refreshTokenGrant(spa, token))).toBe('invalid_grant');

    const { client } = await w.newClient('cli', ['refresh_token'], { type: 'public' });
    const cli = w.configFor(client.clientId, oidc.None());
    const family = await w.login({ clientId: client.clientId });
    await w.t.admin('PATCH', `/clients/${client.id}`, { enabled: false });
    expect(await oauthError(oidc.refreshTokenGrant(cli, family.token))).toBe('invalid_client');
  });

  it("refuses another client's token, an expired one, and garbage, all as invalid_grant", async () => {
    const { token } = await w.login({ clientId: w.spa.clientId });
    const web = w.configFor(w.web.client.clientId, oidc.ClientSecretBasic(w.web.secret));
    expect(await oauthError(oidc.refreshTokenGrant(web, token))).toBe('invalid_grant');
    expect(await oauthError(oidc.refreshTokenGrant(spa, 'tsr_nonsense'))).toBe('invalid_grant');
    // Idle lifetime 1 h here.
    w.clock.advance(3_600_000 + 1_000);
    expect(await oauthError(oidc.refreshTokenGrant(spa, token))).toBe('invalid_grant');
  });

  describe('a client not registered for the grant', () => {
    it('is unauthorized_client', async () => {
      const { client, secret } = await w.newClient('m2m', ['client_credentials'], { defaultAudience: API });
      const { token } = await w.login({ clientId: client.clientId });
      const config = w.configFor(client.clientId, oidc.ClientSecretBasic(secret));
      expect(await oauthError(oidc.refreshTokenGrant(config, token))).toBe('unauthorized_client');
    });
  });
});
